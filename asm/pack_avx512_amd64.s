//go:build !purego

#include "textflag.h"

// Packing helper for the AVX-512 kernel: transposes 14 rows of A into the
// 14-wide packed micro-panel layout, 16 columns at a time. The generic Go
// loop reads one row at a time and scatters with stride 14, which is
// latency-bound when A is not in cache; here the 14 row loads of a chunk
// are independent (14 cache misses in flight) and the transpose is 64
// shuffles per 224 values.
//
// The 16×16 transpose (rows 14 and 15 are zero) runs in four stages:
//	1 VUNPCKL/HPS    interleave row pairs      (2k, 2k+1)
//	2 VSHUFPS        gather 4 rows per column  within each 128-bit lane
//	3 VSHUFF32X4     move 128-bit lanes between groups of 4 rows
//	4 VSHUFF32X4     finish: Z(j) holds column j, rows 0..15
// Each column is then stored as one step of the panel: 14 floats (mask K1).
//
// Register map
//	Z0..Z13  rows on load; stage 2 and 4 results    Z16..Z29  stage 1 and 3
//	Z30      zero (rows 14, 15)                     K1        0x3fff
//	SI  A chunk, R13 = SI + 8·lda   DX lda bytes, R10 = 3·lda, R11 = 5·lda,
//	R12 = 7·lda   DI  dst   CX chunks left

// func transposeA14AVX512(dst, a *float32, lda, chunks int)
// Requires chunks >= 1.
TEXT ·transposeA14AVX512(SB), NOSPLIT, $0-32
	MOVQ  dst+0(FP), DI
	MOVQ  a+8(FP), SI
	MOVQ  lda+16(FP), DX
	SHLQ  $2, DX
	MOVQ  chunks+24(FP), CX
	LEAQ  (DX)(DX*2), R10
	LEAQ  (DX)(DX*4), R11
	LEAQ  (R10)(DX*4), R12
	MOVL  $0x3fff, AX
	KMOVW AX, K1

loop:
	// Load rows 0..13 of the chunk
	LEAQ (SI)(DX*8), R13
	VMOVUPS (SI), Z0
	VMOVUPS (SI)(DX*1), Z1
	VMOVUPS (SI)(DX*2), Z2
	VMOVUPS (SI)(R10*1), Z3
	VMOVUPS (SI)(DX*4), Z4
	VMOVUPS (SI)(R11*1), Z5
	VMOVUPS (SI)(R10*2), Z6
	VMOVUPS (SI)(R12*1), Z7
	VMOVUPS (R13), Z8
	VMOVUPS (R13)(DX*1), Z9
	VMOVUPS (R13)(DX*2), Z10
	VMOVUPS (R13)(R10*1), Z11
	VMOVUPS (R13)(DX*4), Z12
	VMOVUPS (R13)(R11*1), Z13

	// Stage 1
	VPXORD Z30, Z30, Z30
	VUNPCKLPS Z1, Z0, Z16
	VUNPCKHPS Z1, Z0, Z17
	VUNPCKLPS Z3, Z2, Z18
	VUNPCKHPS Z3, Z2, Z19
	VUNPCKLPS Z5, Z4, Z20
	VUNPCKHPS Z5, Z4, Z21
	VUNPCKLPS Z7, Z6, Z22
	VUNPCKHPS Z7, Z6, Z23
	VUNPCKLPS Z9, Z8, Z24
	VUNPCKHPS Z9, Z8, Z25
	VUNPCKLPS Z11, Z10, Z26
	VUNPCKHPS Z11, Z10, Z27
	VUNPCKLPS Z13, Z12, Z28
	VUNPCKHPS Z13, Z12, Z29

	// Stage 2
	VSHUFPS $0x44, Z18, Z16, Z0
	VSHUFPS $0xEE, Z18, Z16, Z1
	VSHUFPS $0x44, Z19, Z17, Z2
	VSHUFPS $0xEE, Z19, Z17, Z3
	VSHUFPS $0x44, Z22, Z20, Z4
	VSHUFPS $0xEE, Z22, Z20, Z5
	VSHUFPS $0x44, Z23, Z21, Z6
	VSHUFPS $0xEE, Z23, Z21, Z7
	VSHUFPS $0x44, Z26, Z24, Z8
	VSHUFPS $0xEE, Z26, Z24, Z9
	VSHUFPS $0x44, Z27, Z25, Z10
	VSHUFPS $0xEE, Z27, Z25, Z11
	VSHUFPS $0x44, Z30, Z28, Z12
	VSHUFPS $0xEE, Z30, Z28, Z13
	VSHUFPS $0x44, Z30, Z29, Z14
	VSHUFPS $0xEE, Z30, Z29, Z15

	// Stage 3
	VSHUFF32X4 $0x88, Z4, Z0, Z16
	VSHUFF32X4 $0xDD, Z4, Z0, Z20
	VSHUFF32X4 $0x88, Z12, Z8, Z24
	VSHUFF32X4 $0xDD, Z12, Z8, Z28
	VSHUFF32X4 $0x88, Z5, Z1, Z17
	VSHUFF32X4 $0xDD, Z5, Z1, Z21
	VSHUFF32X4 $0x88, Z13, Z9, Z25
	VSHUFF32X4 $0xDD, Z13, Z9, Z29
	VSHUFF32X4 $0x88, Z6, Z2, Z18
	VSHUFF32X4 $0xDD, Z6, Z2, Z22
	VSHUFF32X4 $0x88, Z14, Z10, Z26
	VSHUFF32X4 $0xDD, Z14, Z10, Z30
	VSHUFF32X4 $0x88, Z7, Z3, Z19
	VSHUFF32X4 $0xDD, Z7, Z3, Z23
	VSHUFF32X4 $0x88, Z15, Z11, Z27
	VSHUFF32X4 $0xDD, Z15, Z11, Z31

	// Stage 4
	VSHUFF32X4 $0x88, Z24, Z16, Z0
	VSHUFF32X4 $0xDD, Z24, Z16, Z8
	VSHUFF32X4 $0x88, Z28, Z20, Z4
	VSHUFF32X4 $0xDD, Z28, Z20, Z12
	VSHUFF32X4 $0x88, Z25, Z17, Z1
	VSHUFF32X4 $0xDD, Z25, Z17, Z9
	VSHUFF32X4 $0x88, Z29, Z21, Z5
	VSHUFF32X4 $0xDD, Z29, Z21, Z13
	VSHUFF32X4 $0x88, Z26, Z18, Z2
	VSHUFF32X4 $0xDD, Z26, Z18, Z10
	VSHUFF32X4 $0x88, Z30, Z22, Z6
	VSHUFF32X4 $0xDD, Z30, Z22, Z14
	VSHUFF32X4 $0x88, Z27, Z19, Z3
	VSHUFF32X4 $0xDD, Z27, Z19, Z11
	VSHUFF32X4 $0x88, Z31, Z23, Z7
	VSHUFF32X4 $0xDD, Z31, Z23, Z15

	// One 14-float step per column
	VMOVUPS Z0, K1, 0(DI)
	VMOVUPS Z1, K1, 56(DI)
	VMOVUPS Z2, K1, 112(DI)
	VMOVUPS Z3, K1, 168(DI)
	VMOVUPS Z4, K1, 224(DI)
	VMOVUPS Z5, K1, 280(DI)
	VMOVUPS Z6, K1, 336(DI)
	VMOVUPS Z7, K1, 392(DI)
	VMOVUPS Z8, K1, 448(DI)
	VMOVUPS Z9, K1, 504(DI)
	VMOVUPS Z10, K1, 560(DI)
	VMOVUPS Z11, K1, 616(DI)
	VMOVUPS Z12, K1, 672(DI)
	VMOVUPS Z13, K1, 728(DI)
	VMOVUPS Z14, K1, 784(DI)
	VMOVUPS Z15, K1, 840(DI)

	ADDQ $64, SI
	ADDQ $896, DI
	DECQ CX
	JNZ loop
	VZEROUPPER
	RET
