//go:build !purego

#include "textflag.h"

// Packing helper for the AVX2 kernel: transposes 6 rows of A into the
// 6-wide packed micro-panel layout, 8 columns at a time (see
// pack_avx512_amd64.s for why packing A is worth assembly). The 8×8
// transpose (rows 6 and 7 are zero) runs in three stages:
//	1 VUNPCKL/HPS   interleave row pairs
//	2 VSHUFPS       gather 4 rows per column within each 128-bit lane
//	3 VPERM2F128    join rows 0..3 and 4..7 of a column
// Each column is stored as one step of the panel: 6 floats. The stores
// are full 8-float stores in ascending order, each overwriting the two
// spill-over floats of the one before; the last one of a chunk is split
// (4 + 2 floats) so nothing is written past the chunk.
//
// Register map
//	Y0..Y5   rows, then stage 2 results (Y0..Y7)
//	Y8..Y13  stage 1 results, then columns 0..7 (Y8..Y15)
//	Y15      zero (rows 6, 7) until stage 3
//	SI  A chunk   DX lda bytes, R10 = 3·lda, R11 = 5·lda   DI dst   CX chunks

// func transposeA6AVX2(dst, a *float32, lda, chunks8 int)
// Requires chunks8 >= 1.
TEXT ·transposeA6AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), DX
	SHLQ $2, DX
	MOVQ chunks8+24(FP), CX
	LEAQ (DX)(DX*2), R10
	LEAQ (DX)(DX*4), R11

loop:
	// Load rows 0..5 of the chunk
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(DX*1), Y1
	VMOVUPS (SI)(DX*2), Y2
	VMOVUPS (SI)(R10*1), Y3
	VMOVUPS (SI)(DX*4), Y4
	VMOVUPS (SI)(R11*1), Y5

	// Stage 1: T0..T5 in Y8..Y13; T6 = T7 = 0
	VXORPS    Y15, Y15, Y15
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13

	// Stage 2: U[c] (rows 0..3 of columns c, 4+c) in Y0..Y3,
	// U[4+c] (rows 4..7) in Y4..Y7
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y15, Y12, Y4
	VSHUFPS $0xEE, Y15, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7

	// Stage 3: column c = low lanes of U[c], U[4+c]; column 4+c = high lanes
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15

	// One 6-float step per column
	VMOVUPS Y8, 0(DI)
	VMOVUPS Y9, 24(DI)
	VMOVUPS Y10, 48(DI)
	VMOVUPS Y11, 72(DI)
	VMOVUPS Y12, 96(DI)
	VMOVUPS Y13, 120(DI)
	VMOVUPS Y14, 144(DI)
	VMOVUPS X15, 168(DI)
	VEXTRACTF128 $1, Y15, X15
	VMOVQ   X15, 184(DI)

	ADDQ $32, SI
	ADDQ $192, DI
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET
