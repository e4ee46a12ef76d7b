//go:build !purego

#include "textflag.h"

// iota16 is 0, 1, …, 15 as int32.
DATA iota16<>+0(SB)/4, $0
DATA iota16<>+4(SB)/4, $1
DATA iota16<>+8(SB)/4, $2
DATA iota16<>+12(SB)/4, $3
DATA iota16<>+16(SB)/4, $4
DATA iota16<>+20(SB)/4, $5
DATA iota16<>+24(SB)/4, $6
DATA iota16<>+28(SB)/4, $7
DATA iota16<>+32(SB)/4, $8
DATA iota16<>+36(SB)/4, $9
DATA iota16<>+40(SB)/4, $10
DATA iota16<>+44(SB)/4, $11
DATA iota16<>+48(SB)/4, $12
DATA iota16<>+52(SB)/4, $13
DATA iota16<>+56(SB)/4, $14
DATA iota16<>+60(SB)/4, $15
GLOBL iota16<>(SB), RODATA|NOPTR, $64

// func maxPoolRowAVX512(out *float32, idx *int32, x *float32, w, chunks int, tail uint64, y0, y1, kw, sw, pw int)
// One output row of MaxPoolPlane (pool.go), 16 outputs per chunk: for each
// input row iy in [y0, y1) and window column kj, lane ox reads column
// ix = ox·sw − pw + kj (a gather, masked to 0 <= ix < w), and takes it
// where it is greater than the lane's best or is a NaN. Requires y0 < y1,
// chunks >= 1.
//
//	DI out   R8 idx   SI plane   R9 chunks left   CX iy   BX kj
//	Z31 ix of kj = 0 for the chunk   Z30 iota   Z29 w   Z28 zero
//	Z27 -Inf   Z26 16·sw   Z25 ones   Z0 best   Z1 best index
//	Z3 ix   Z4 iy·w + ix   Z5 iy·w   K7 store lanes
TEXT ·maxPoolRowAVX512(SB), NOSPLIT, $0-88
	MOVQ out+0(FP), DI
	MOVQ idx+8(FP), R8
	MOVQ x+16(FP), SI
	MOVQ chunks+32(FP), R9

	VMOVDQU32    iota16<>(SB), Z30
	VPBROADCASTD w+24(FP), Z29
	VPXORD       Z28, Z28, Z28
	MOVL         $0xff800000, AX
	VPBROADCASTD AX, Z27
	MOVL         $1, AX
	VPBROADCASTD AX, Z25
	MOVQ         sw+72(FP), AX
	VPBROADCASTD AX, Z26
	VPMULLD      Z26, Z30, Z31       // ox·sw for ox = 0..15
	SHLQ         $4, AX
	VPBROADCASTD AX, Z26             // 16·sw: the next chunk
	MOVQ         pw+80(FP), AX
	VPBROADCASTD AX, Z2
	VPSUBD       Z2, Z31, Z31        // ox·sw − pw

mpchunk:
	MOVW  $0xffff, AX
	CMPQ  R9, $1
	JNE   mpfull
	MOVQ  tail+40(FP), AX

mpfull:
	KMOVW AX, K7

	// best = −Inf at the window's first position inside the plane.
	VMOVAPS      Z27, Z0
	VPMAXSD      Z28, Z31, Z1
	MOVQ         y0+48(FP), CX
	MOVQ         CX, AX
	IMULQ        w+24(FP), AX
	VPBROADCASTD AX, Z5
	VPADDD       Z5, Z1, Z1

mprow:
	MOVQ         CX, AX
	IMULQ        w+24(FP), AX
	VPBROADCASTD AX, Z5
	VMOVDQA32    Z31, Z3
	XORQ         BX, BX

mpcol:
	VPCMPD    $5, Z28, Z3, K7, K1 // ix >= 0, within the stored lanes
	VPCMPD    $1, Z29, Z3, K1, K1 // ix < w
	VPADDD    Z5, Z3, Z4
	KMOVW     K1, K2
	VMOVAPS   Z27, Z2
	VGATHERDPS (SI)(Z4*4), K2, Z2
	VCMPPS    $0x1e, Z0, Z2, K1, K3 // v > best (ordered)
	VCMPPS    $3, Z2, Z2, K1, K4    // v is a NaN
	KORW      K3, K4, K3
	VMOVAPS   Z2, K3, Z0
	VMOVDQA32 Z4, K3, Z1
	VPADDD    Z25, Z3, Z3
	INCQ      BX
	CMPQ      BX, kw+64(FP)
	JLT       mpcol

	INCQ CX
	CMPQ CX, y1+56(FP)
	JLT  mprow

	VMOVUPS   Z0, K7, (DI)
	VMOVDQU32 Z1, K7, (R8)
	ADDQ      $64, DI
	ADDQ      $64, R8
	VPADDD    Z26, Z31, Z31
	DECQ      R9
	JNZ       mpchunk
	VZEROUPPER
	RET

// func avgPoolRowAVX512(out *float32, x *float32, w, chunks int, tail uint64, y0, y1, kw, sw, pw, fh, includePad int)
// One output row of AvgPoolPlane (pool.go): per lane, the masked gathers
// of maxPoolRowAVX512 summed in the same row-major order (masked adds),
// then divided by fh times the lane's window width: clipped to the padded
// plane (includePad) or to the plane. Requires y0 < y1, chunks >= 1.
//
//	DI out   SI plane   R9 chunks left   CX iy   BX kj
//	Z31 lo = ox·sw − pw   Z30 iota   Z29 w   Z28 zero   Z26 16·sw
//	Z25 ones   Z24 kw   Z23 w + pw   Z22 fh   Z0 sum   K7 store lanes
TEXT ·avgPoolRowAVX512(SB), NOSPLIT, $0-96
	MOVQ out+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ chunks+24(FP), R9

	VMOVDQU32    iota16<>(SB), Z30
	VPBROADCASTD w+16(FP), Z29
	VPXORD       Z28, Z28, Z28
	MOVL         $1, AX
	VPBROADCASTD AX, Z25
	VPBROADCASTD kw+56(FP), Z24
	MOVQ         w+16(FP), AX
	ADDQ         pw+72(FP), AX
	VPBROADCASTD AX, Z23
	VPBROADCASTD fh+80(FP), Z22
	MOVQ         sw+64(FP), AX
	VPBROADCASTD AX, Z26
	VPMULLD      Z26, Z30, Z31
	SHLQ         $4, AX
	VPBROADCASTD AX, Z26
	MOVQ         pw+72(FP), AX
	VPBROADCASTD AX, Z2
	VPSUBD       Z2, Z31, Z31

apchunk:
	MOVW  $0xffff, AX
	CMPQ  R9, $1
	JNE   apfull
	MOVQ  tail+32(FP), AX

apfull:
	KMOVW   AX, K7
	VPXORD  Z0, Z0, Z0
	MOVQ    y0+40(FP), CX

aprow:
	MOVQ         CX, AX
	IMULQ        w+16(FP), AX
	VPBROADCASTD AX, Z5
	VMOVDQA32    Z31, Z3
	XORQ         BX, BX

apcol:
	VPCMPD     $5, Z28, Z3, K7, K1 // ix >= 0, within the stored lanes
	VPCMPD     $1, Z29, Z3, K1, K1 // ix < w
	VPADDD     Z5, Z3, Z4
	KMOVW      K1, K2
	VPXORD     Z2, Z2, Z2
	VGATHERDPS (SI)(Z4*4), K2, Z2
	VADDPS     Z2, Z0, K1, Z0
	VPADDD     Z25, Z3, Z3
	INCQ       BX
	CMPQ       BX, kw+56(FP)
	JLT        apcol

	INCQ CX
	CMPQ CX, y1+48(FP)
	JLT  aprow

	// Window width: min(lo + kw, w + pw) − lo, or min(lo + kw, w) − max(lo, 0).
	VPADDD Z24, Z31, Z6
	CMPQ   includePad+88(FP), $0
	JEQ    apexclude
	VPMINSD Z23, Z6, Z6
	VPSUBD  Z31, Z6, Z6
	JMP     apdiv

apexclude:
	VPMINSD Z29, Z6, Z6
	VPMAXSD Z28, Z31, Z7
	VPSUBD  Z7, Z6, Z6

apdiv:
	VPMULLD   Z22, Z6, Z6
	VCVTDQ2PS Z6, Z6
	VDIVPS    Z6, Z0, Z0
	VMOVUPS   Z0, K7, (DI)
	ADDQ      $64, DI
	VPADDD    Z26, Z31, Z31
	DECQ      R9
	JNZ       apchunk
	VZEROUPPER
	RET
