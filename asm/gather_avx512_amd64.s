//go:build !purego

#include "textflag.h"

// AVX-512 gathers and transposes for packing (gather.go). All loads are
// zero-masked: lanes whose mask bit is clear are not read (no fault, no
// access), which is how a span handles the border of a padded convolution.

// func gatherRowsAVX512(dst *float32, rows, segs int, src *float32, tab *Span16, stride, taps, t0, plane, pf int)
// Row p is span row t = (t0+p) mod taps of tab (stride spans apart), read
// from src moved by one plane each time t wraps to 0:
// dst[(p*segs+h)*16+l] = lane l of tab[t*stride+h]. Requires rows, segs >= 1.
//
//	DI dst   CX rows left   R8 segs   SI src of the current channel
//	BX tab   DX stride bytes   R11 t·stride bytes   R13 taps·stride bytes
//	R12 plane bytes   R9 span pointer   R10 segments left
TEXT ·gatherRowsAVX512(SB), NOSPLIT, $0-80
	MOVQ  dst+0(FP), DI
	MOVQ  rows+8(FP), CX
	MOVQ  segs+16(FP), R8
	MOVQ  src+24(FP), SI
	MOVQ  tab+32(FP), BX
	MOVQ  stride+40(FP), DX
	SHLQ  $3, DX
	MOVQ  taps+48(FP), R13
	IMULQ DX, R13
	MOVQ  t0+56(FP), R11
	IMULQ DX, R11
	MOVQ  plane+64(FP), R12
	SHLQ  $2, R12
	MOVQ  pf+72(FP), R14

	CMPQ R8, $2
	JEQ  two

row:
	LEAQ (BX)(R11*1), R9
	MOVQ R8, R10

seg:
	MOVLQSX 0(R9), AX
	KMOVW   4(R9), K1
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $8, R9
	DECQ    R10
	JNZ     seg
	ADDQ    DX, R11
	CMPQ    R11, R13
	JLT     rnext
	XORQ    R11, R11
	ADDQ    R12, SI

rnext:
	DECQ CX
	JNZ  row
	VZEROUPPER
	RET

	// Two spans per row: the 32-wide B panel of the 14×32 kernel.
two:
	LEAQ    (BX)(R11*1), R9
	MOVLQSX 0(R9), AX
	KMOVW   4(R9), K1
	MOVLQSX 8(R9), R10
	KMOVW   12(R9), K2
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMOVUPS.Z (SI)(R10*4), K2, Z1
	MOVLQSX (R9)(R14*1), R10
	PREFETCHT0 (SI)(R10*4)
	PREFETCHT0 64(SI)(R10*4)
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ    $128, DI
	ADDQ    DX, R11
	CMPQ    R11, R13
	JLT     tnext
	XORQ    R11, R11
	ADDQ    R12, SI

tnext:
	DECQ CX
	JNZ  two
	VZEROUPPER
	RET

// TRANSPOSE16 transposes the 16×16 block in Z0..Z15 (row i in Zi) so that
// Zj holds column j, using Z16..Z31 as scratch. Stages as in
// transposeA14AVX512 (pack_avx512_amd64.s), with all 16 rows live.
#define TRANSPOSE16 \
	VUNPCKLPS Z1, Z0, Z16; \
	VUNPCKHPS Z1, Z0, Z17; \
	VUNPCKLPS Z3, Z2, Z18; \
	VUNPCKHPS Z3, Z2, Z19; \
	VUNPCKLPS Z5, Z4, Z20; \
	VUNPCKHPS Z5, Z4, Z21; \
	VUNPCKLPS Z7, Z6, Z22; \
	VUNPCKHPS Z7, Z6, Z23; \
	VUNPCKLPS Z9, Z8, Z24; \
	VUNPCKHPS Z9, Z8, Z25; \
	VUNPCKLPS Z11, Z10, Z26; \
	VUNPCKHPS Z11, Z10, Z27; \
	VUNPCKLPS Z13, Z12, Z28; \
	VUNPCKHPS Z13, Z12, Z29; \
	VUNPCKLPS Z15, Z14, Z30; \
	VUNPCKHPS Z15, Z14, Z31; \
	VSHUFPS $0x44, Z18, Z16, Z0; \
	VSHUFPS $0xEE, Z18, Z16, Z1; \
	VSHUFPS $0x44, Z19, Z17, Z2; \
	VSHUFPS $0xEE, Z19, Z17, Z3; \
	VSHUFPS $0x44, Z22, Z20, Z4; \
	VSHUFPS $0xEE, Z22, Z20, Z5; \
	VSHUFPS $0x44, Z23, Z21, Z6; \
	VSHUFPS $0xEE, Z23, Z21, Z7; \
	VSHUFPS $0x44, Z26, Z24, Z8; \
	VSHUFPS $0xEE, Z26, Z24, Z9; \
	VSHUFPS $0x44, Z27, Z25, Z10; \
	VSHUFPS $0xEE, Z27, Z25, Z11; \
	VSHUFPS $0x44, Z30, Z28, Z12; \
	VSHUFPS $0xEE, Z30, Z28, Z13; \
	VSHUFPS $0x44, Z31, Z29, Z14; \
	VSHUFPS $0xEE, Z31, Z29, Z15; \
	VSHUFF32X4 $0x88, Z4, Z0, Z16; \
	VSHUFF32X4 $0xDD, Z4, Z0, Z20; \
	VSHUFF32X4 $0x88, Z12, Z8, Z24; \
	VSHUFF32X4 $0xDD, Z12, Z8, Z28; \
	VSHUFF32X4 $0x88, Z5, Z1, Z17; \
	VSHUFF32X4 $0xDD, Z5, Z1, Z21; \
	VSHUFF32X4 $0x88, Z13, Z9, Z25; \
	VSHUFF32X4 $0xDD, Z13, Z9, Z29; \
	VSHUFF32X4 $0x88, Z6, Z2, Z18; \
	VSHUFF32X4 $0xDD, Z6, Z2, Z22; \
	VSHUFF32X4 $0x88, Z14, Z10, Z26; \
	VSHUFF32X4 $0xDD, Z14, Z10, Z30; \
	VSHUFF32X4 $0x88, Z7, Z3, Z19; \
	VSHUFF32X4 $0xDD, Z7, Z3, Z23; \
	VSHUFF32X4 $0x88, Z15, Z11, Z27; \
	VSHUFF32X4 $0xDD, Z15, Z11, Z31; \
	VSHUFF32X4 $0x88, Z24, Z16, Z0; \
	VSHUFF32X4 $0xDD, Z24, Z16, Z8; \
	VSHUFF32X4 $0x88, Z28, Z20, Z4; \
	VSHUFF32X4 $0xDD, Z28, Z20, Z12; \
	VSHUFF32X4 $0x88, Z25, Z17, Z1; \
	VSHUFF32X4 $0xDD, Z25, Z17, Z9; \
	VSHUFF32X4 $0x88, Z29, Z21, Z5; \
	VSHUFF32X4 $0xDD, Z29, Z21, Z13; \
	VSHUFF32X4 $0x88, Z26, Z18, Z2; \
	VSHUFF32X4 $0xDD, Z26, Z18, Z10; \
	VSHUFF32X4 $0x88, Z30, Z22, Z6; \
	VSHUFF32X4 $0xDD, Z30, Z22, Z14; \
	VSHUFF32X4 $0x88, Z27, Z19, Z3; \
	VSHUFF32X4 $0xDD, Z27, Z19, Z11; \
	VSHUFF32X4 $0x88, Z31, Z23, Z7; \
	VSHUFF32X4 $0xDD, Z31, Z23, Z15

// STORE16 writes column j (Zj) to DI + j·ldd, lanes in K1, with R11 = ldd
// bytes, R12 = 3·ldd, R13 = 5·ldd, DX = 7·ldd; it leaves DI 16 rows on.
#define STORE16 \
	VMOVUPS Z0, K1, (DI); \
	VMOVUPS Z1, K1, (DI)(R11*1); \
	VMOVUPS Z2, K1, (DI)(R11*2); \
	VMOVUPS Z3, K1, (DI)(R12*1); \
	VMOVUPS Z4, K1, (DI)(R11*4); \
	VMOVUPS Z5, K1, (DI)(R13*1); \
	VMOVUPS Z6, K1, (DI)(R12*2); \
	VMOVUPS Z7, K1, (DI)(DX*1); \
	LEAQ    (DI)(R11*8), DI; \
	VMOVUPS Z8, K1, (DI); \
	VMOVUPS Z9, K1, (DI)(R11*1); \
	VMOVUPS Z10, K1, (DI)(R11*2); \
	VMOVUPS Z11, K1, (DI)(R12*1); \
	VMOVUPS Z12, K1, (DI)(R11*4); \
	VMOVUPS Z13, K1, (DI)(R13*1); \
	VMOVUPS Z14, K1, (DI)(R12*2); \
	VMOVUPS Z15, K1, (DI)(DX*1); \
	LEAQ    (DI)(R11*8), DI

#define STRIDES \
	SHLQ $2, R11; \
	LEAQ (R11)(R11*2), R12; \
	LEAQ (R11)(R11*4), R13; \
	LEAQ (R12)(R11*4), DX

// LOADSPAN loads row i of the current segment: refs[i] = {span row
// pointer, mask-and, offset shift}; R8 = segment byte offset into the row.
// It also prefetches what the row's next span reads (the table has a
// spare span at its end, so that entry always exists).
#define LOADSPAN(off, reg) \
	MOVQ    off(BX), R9; \
	MOVLQSX (R9)(R8*1), AX; \
	MOVLQSX 8(R9)(R8*1), R10; \
	ADDQ    off+16(BX), AX; \
	ADDQ    off+16(BX), R10; \
	PREFETCHT0 (SI)(R10*4); \
	MOVL    4(R9)(R8*1), R10; \
	ANDL    off+8(BX), R10; \
	KMOVW   R10, K2; \
	VMOVUPS.Z (SI)(AX*4), K2, reg

// func gatherColsAVX512(dst *float32, ldd, storeMask int, refs *colRef, src *float32, segs int)
// For each segment s: load span s of the 16 rows in refs (masked rows read
// nothing), transpose, and store 16 steps of the rows in storeMask at
// dst + (16s+p)·ldd. Requires segs >= 1.
TEXT ·gatherColsAVX512(SB), NOSPLIT, $0-48
	MOVQ  dst+0(FP), DI
	MOVQ  ldd+8(FP), R11
	MOVQ  storeMask+16(FP), AX
	KMOVW AX, K1
	MOVQ  refs+24(FP), BX
	MOVQ  src+32(FP), SI
	MOVQ  segs+40(FP), CX
	STRIDES
	XORQ  R8, R8

gcLoop:
	LOADSPAN(0, Z0)
	LOADSPAN(32, Z1)
	LOADSPAN(64, Z2)
	LOADSPAN(96, Z3)
	LOADSPAN(128, Z4)
	LOADSPAN(160, Z5)
	LOADSPAN(192, Z6)
	LOADSPAN(224, Z7)
	LOADSPAN(256, Z8)
	LOADSPAN(288, Z9)
	LOADSPAN(320, Z10)
	LOADSPAN(352, Z11)
	LOADSPAN(384, Z12)
	LOADSPAN(416, Z13)
	LOADSPAN(448, Z14)
	LOADSPAN(480, Z15)
	TRANSPOSE16
	STORE16
	ADDQ $8, R8
	DECQ CX
	JNZ  gcLoop
	VZEROUPPER
	RET

// LOADROW loads row i of a stored matrix: refs[i] = {offset in floats,
// mask}; SI is the current 16-column chunk.
#define LOADROW(off, reg) \
	MOVQ  off(BX), AX; \
	KMOVW off+8(BX), K2; \
	VMOVUPS.Z (SI)(AX*4), K2, reg

// func transposeAVX512(dst *float32, ldd, storeMask int, refs *matRef, src *float32, segs int)
// dst[p·ldd+i] = src[refs[i].off+p] for the rows in storeMask, p < 16·segs.
// Requires segs >= 1.
TEXT ·transposeAVX512(SB), NOSPLIT, $0-48
	MOVQ  dst+0(FP), DI
	MOVQ  ldd+8(FP), R11
	MOVQ  storeMask+16(FP), AX
	KMOVW AX, K1
	MOVQ  refs+24(FP), BX
	MOVQ  src+32(FP), SI
	MOVQ  segs+40(FP), CX
	STRIDES

trLoop:
	LOADROW(0, Z0)
	LOADROW(16, Z1)
	LOADROW(32, Z2)
	LOADROW(48, Z3)
	LOADROW(64, Z4)
	LOADROW(80, Z5)
	LOADROW(96, Z6)
	LOADROW(112, Z7)
	LOADROW(128, Z8)
	LOADROW(144, Z9)
	LOADROW(160, Z10)
	LOADROW(176, Z11)
	LOADROW(192, Z12)
	LOADROW(208, Z13)
	LOADROW(224, Z14)
	LOADROW(240, Z15)
	TRANSPOSE16
	STORE16
	ADDQ $64, SI
	DECQ CX
	JNZ  trLoop
	VZEROUPPER
	RET
