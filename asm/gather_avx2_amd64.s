//go:build !purego

#include "textflag.h"

// AVX2 gathers and transposes for packing (gather.go), for one-piece,
// step-1 span tables: the im2col packing of the avx2 kernel's 6×16 GEMM.
// A span's 16-bit mask becomes two 8-lane sign masks: the mask is
// broadcast to every lane, ANDed with [1, 2, 4, ..., 128] (lanes 0..7) or
// [256, ..., 32768] (lanes 8..15) and compared for equality with the same
// constant. VMASKMOVPS then reads only the lanes whose bit is set: lanes
// masked off are not accessed and do not fault, which is how a span
// starts before or ends after its source.

// Lane bits of a span mask: lane l of a 16-lane span has bit 1<<l.
DATA laneBits<>+0(SB)/4, $0x1
DATA laneBits<>+4(SB)/4, $0x2
DATA laneBits<>+8(SB)/4, $0x4
DATA laneBits<>+12(SB)/4, $0x8
DATA laneBits<>+16(SB)/4, $0x10
DATA laneBits<>+20(SB)/4, $0x20
DATA laneBits<>+24(SB)/4, $0x40
DATA laneBits<>+28(SB)/4, $0x80
DATA laneBits<>+32(SB)/4, $0x100
DATA laneBits<>+36(SB)/4, $0x200
DATA laneBits<>+40(SB)/4, $0x400
DATA laneBits<>+44(SB)/4, $0x800
DATA laneBits<>+48(SB)/4, $0x1000
DATA laneBits<>+52(SB)/4, $0x2000
DATA laneBits<>+56(SB)/4, $0x4000
DATA laneBits<>+60(SB)/4, $0x8000
GLOBL laneBits<>(SB), RODATA|NOPTR, $64

// SPANMASKS turns the span mask at addr into the sign masks of lanes 0..7
// (lo) and 8..15 (hi); Y14, Y15 hold the lane bits.
#define SPANMASKS(addr, lo, hi) \
	VPBROADCASTD addr, hi; \
	VPAND        Y14, hi, lo; \
	VPAND        Y15, hi, hi; \
	VPCMPEQD     Y14, lo, lo; \
	VPCMPEQD     Y15, hi, hi

// func gatherRowsAVX2(dst *float32, rows, segs int, src *float32, tab *Span16, stride, taps, t0, plane int)
// As gatherRowsAVX512: row p is span row t = (t0+p) mod taps of tab
// (stride spans apart), read from src moved by one plane each time t
// wraps to 0: dst[(p*segs+h)*16+l] = lane l of tab[t*stride+h].
// Requires rows, segs >= 1.
//
//	DI dst   CX rows left   R8 segs   SI src of the current channel
//	BX tab   DX stride bytes   R11 t·stride bytes   R13 taps·stride bytes
//	R12 plane bytes   R9 span pointer   R10 segments left
TEXT ·gatherRowsAVX2(SB), NOSPLIT, $0-72
	MOVQ    dst+0(FP), DI
	MOVQ    rows+8(FP), CX
	MOVQ    segs+16(FP), R8
	MOVQ    src+24(FP), SI
	MOVQ    tab+32(FP), BX
	MOVQ    stride+40(FP), DX
	SHLQ    $3, DX
	MOVQ    taps+48(FP), R13
	IMULQ   DX, R13
	MOVQ    t0+56(FP), R11
	IMULQ   DX, R11
	MOVQ    plane+64(FP), R12
	SHLQ    $2, R12
	LEAQ    laneBits<>(SB), AX
	VMOVDQU (AX), Y14
	VMOVDQU 32(AX), Y15

	CMPQ R8, $1
	JEQ  one

row:
	LEAQ (BX)(R11*1), R9
	MOVQ R8, R10

seg:
	MOVLQSX 0(R9), AX
	SPANMASKS(4(R9), Y2, Y3)
	VMASKMOVPS (SI)(AX*4), Y2, Y0
	VMASKMOVPS 32(SI)(AX*4), Y3, Y1
	VMOVUPS    Y0, (DI)
	VMOVUPS    Y1, 32(DI)
	ADDQ       $64, DI
	ADDQ       $8, R9
	DECQ       R10
	JNZ        seg
	ADDQ       DX, R11
	CMPQ       R11, R13
	JLT        rnext
	XORQ       R11, R11
	ADDQ       R12, SI

rnext:
	DECQ CX
	JNZ  row
	VZEROUPPER
	RET

	// One span per row: the 16-wide B panel of the 6×16 kernel.
one:
	MOVLQSX (BX)(R11*1), AX
	SPANMASKS(4(BX)(R11*1), Y2, Y3)
	VMASKMOVPS (SI)(AX*4), Y2, Y0
	VMASKMOVPS 32(SI)(AX*4), Y3, Y1
	VMOVUPS    Y0, (DI)
	VMOVUPS    Y1, 32(DI)
	ADDQ       $64, DI
	ADDQ       DX, R11
	CMPQ       R11, R13
	JLT        onext
	XORQ       R11, R11
	ADDQ       R12, SI

onext:
	DECQ CX
	JNZ  one
	VZEROUPPER
	RET

// TRANSPOSE8 transposes the 8×8 block in Y0..Y7 (row i in Yi) so that
// Y8+j holds column j, using Y0..Y15. Stages as in transposeA6AVX2
// (pack_avx2_amd64.s).
#define TRANSPOSE8 \
	VUNPCKLPS  Y1, Y0, Y8; \
	VUNPCKHPS  Y1, Y0, Y9; \
	VUNPCKLPS  Y3, Y2, Y10; \
	VUNPCKHPS  Y3, Y2, Y11; \
	VUNPCKLPS  Y5, Y4, Y12; \
	VUNPCKHPS  Y5, Y4, Y13; \
	VUNPCKLPS  Y7, Y6, Y14; \
	VUNPCKHPS  Y7, Y6, Y15; \
	VSHUFPS    $0x44, Y10, Y8, Y0; \
	VSHUFPS    $0xEE, Y10, Y8, Y1; \
	VSHUFPS    $0x44, Y11, Y9, Y2; \
	VSHUFPS    $0xEE, Y11, Y9, Y3; \
	VSHUFPS    $0x44, Y14, Y12, Y4; \
	VSHUFPS    $0xEE, Y14, Y12, Y5; \
	VSHUFPS    $0x44, Y15, Y13, Y6; \
	VSHUFPS    $0xEE, Y15, Y13, Y7; \
	VPERM2F128 $0x20, Y4, Y0, Y8; \
	VPERM2F128 $0x20, Y5, Y1, Y9; \
	VPERM2F128 $0x20, Y6, Y2, Y10; \
	VPERM2F128 $0x20, Y7, Y3, Y11; \
	VPERM2F128 $0x31, Y4, Y0, Y12; \
	VPERM2F128 $0x31, Y5, Y1, Y13; \
	VPERM2F128 $0x31, Y6, Y2, Y14; \
	VPERM2F128 $0x31, Y7, Y3, Y15

// STORE8 writes columns Y8..Y15 to DI + j·ldd, with R11 = ldd bytes,
// R12 = 3·ldd, R13 = 5·ldd, DX = 7·ldd; it leaves DI 8 columns on.
// Ascending addresses: see the overlapping stores in gatherColsA2.
#define STORE8 \
	VMOVUPS Y8, (DI); \
	VMOVUPS Y9, (DI)(R11*1); \
	VMOVUPS Y10, (DI)(R11*2); \
	VMOVUPS Y11, (DI)(R12*1); \
	VMOVUPS Y12, (DI)(R11*4); \
	VMOVUPS Y13, (DI)(R13*1); \
	VMOVUPS Y14, (DI)(R12*2); \
	VMOVUPS Y15, (DI)(DX*1); \
	LEAQ    (DI)(R11*8), DI

// MSTORE8 is STORE8 storing only the rows whose lanes are set in Y0.
#define MSTORE8 \
	VMASKMOVPS Y8, Y0, (DI); \
	VMASKMOVPS Y9, Y0, (DI)(R11*1); \
	VMASKMOVPS Y10, Y0, (DI)(R11*2); \
	VMASKMOVPS Y11, Y0, (DI)(R12*1); \
	VMASKMOVPS Y12, Y0, (DI)(R11*4); \
	VMASKMOVPS Y13, Y0, (DI)(R13*1); \
	VMASKMOVPS Y14, Y0, (DI)(R12*2); \
	VMASKMOVPS Y15, Y0, (DI)(DX*1); \
	LEAQ       (DI)(R11*8), DI

#define STRIDES \
	SHLQ $2, R11; \
	LEAQ (R11)(R11*2), R12; \
	LEAQ (R11)(R11*4), R13; \
	LEAQ (R12)(R11*4), DX

// LOADHALF loads 8 lanes of row i of the current segment: refs[i] =
// {span row pointer, shift in floats}; R8 = segment byte offset into the
// row, R10 = src + 32·half, Y9 = the lane bits of the half. Y8 is scratch.
#define LOADHALF(off, reg) \
	MOVQ         off(BX), R9; \
	MOVLQSX      (R9)(R8*1), AX; \
	ADDQ         off+8(BX), AX; \
	VPBROADCASTD 4(R9)(R8*1), Y8; \
	VPAND        Y9, Y8, Y8; \
	VPCMPEQD     Y9, Y8, Y8; \
	VMASKMOVPS   (R10)(AX*4), Y8, reg

#define LOADHALVES \
	VMOVDQU (R14), Y9; \
	LOADHALF(0, Y0); \
	LOADHALF(16, Y1); \
	LOADHALF(32, Y2); \
	LOADHALF(48, Y3); \
	LOADHALF(64, Y4); \
	LOADHALF(80, Y5); \
	LOADHALF(96, Y6); \
	LOADHALF(112, Y7)

// func gatherColsAVX2(dst *float32, ldd int, refs *colRefs, src *float32, blocks, masked int)
// For each block b of 8 steps (half b%2 of segment b/2): load those 8
// lanes of the 8 rows in refs, transpose, and store the 8 steps at
// dst + (8b+p)·ldd, 8 rows each, or, in the last masked blocks, only the
// rows in refs.store. Requires blocks >= 1.
//
//	DI dst   BX refs   SI src   CX blocks left   R8 segment byte offset
//	R10 src + 32·half   R14 lane bits of the half   R11.. ldd multiples
TEXT ·gatherColsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R11
	MOVQ refs+16(FP), BX
	MOVQ src+24(FP), SI
	MOVQ blocks+32(FP), CX
	STRIDES
	LEAQ laneBits<>(SB), R14
	XORQ R8, R8

gcLoop:
	// Lanes 0..7 of the segment
	MOVQ SI, R10
	LOADHALVES
	TRANSPOSE8
	CMPQ CX, masked+40(FP)
	JLE  gcMasked0
	STORE8
	JMP  gcHalf1

gcMasked0:
	VMOVDQU 128(BX), Y0
	MSTORE8

gcHalf1:
	DECQ CX
	JZ   gcDone

	// Lanes 8..15
	LEAQ 32(SI), R10
	ADDQ $32, R14
	LOADHALVES
	SUBQ $32, R14
	TRANSPOSE8
	CMPQ CX, masked+40(FP)
	JLE  gcMasked1
	STORE8
	JMP  gcNext

gcMasked1:
	VMOVDQU 128(BX), Y0
	MSTORE8

gcNext:
	ADDQ $8, R8
	DECQ CX
	JNZ  gcLoop

gcDone:
	VZEROUPPER
	RET

// LOADROW loads 8 floats of row i of a stored matrix: refs.off[i] is
// its byte offset from SI, the current 8-column chunk.
#define LOADROW(off, reg) \
	MOVQ    off(BX), AX; \
	VMOVUPS (SI)(AX*1), reg

// func transposeAVX2(dst *float32, ldd int, refs *matRefs, src *float32, blocks, masked int)
// dst[p·ldd+i] = src[refs.off[i]/4+p] for p < 8·blocks and the 8 rows
// i, storing only the rows in refs.store in the last masked blocks.
// Requires blocks >= 1.
TEXT ·transposeAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R11
	MOVQ refs+16(FP), BX
	MOVQ src+24(FP), SI
	MOVQ blocks+32(FP), CX
	MOVQ masked+40(FP), R14
	STRIDES

trLoop:
	LOADROW(0, Y0)
	LOADROW(8, Y1)
	LOADROW(16, Y2)
	LOADROW(24, Y3)
	LOADROW(32, Y4)
	LOADROW(40, Y5)
	LOADROW(48, Y6)
	LOADROW(56, Y7)
	TRANSPOSE8
	CMPQ CX, R14
	JLE  trMasked
	STORE8
	JMP  trNext

trMasked:
	VMOVDQU 64(BX), Y0
	MSTORE8

trNext:
	ADDQ $32, SI
	DECQ CX
	JNZ  trLoop
	VZEROUPPER
	RET
