//go:build !purego

#include "textflag.h"

// AVX-512 edge micro-kernel: the 14×32 kernel (kernel_avx512_amd64.s) for
// a tile with fewer than 14 rows, such as the last row tile of a GEMM whose
// M is not a multiple of 14 (64 or 128 output channels of a convolution).
// The full kernel would compute all 14 rows of such a tile, so a 2-row
// edge costs as much as a full tile; this one leaves each step after the
// tile's last row, and writes only that many rows of C, so the driver can
// run it on C directly instead of through a tile buffer. The A panel keeps
// its stride of 14 floats per step (the packed layout); rows past the tile
// are zero padding that is never read.
//
// The row tests are the same at every step and predict perfectly; the
// full kernel stays free of them.
//
// Register map as in the full kernel; R9 holds the number of rows.

// EROW accumulates row r of one step, then leaves the step after row n-1.
#define EROW(off, bc, lo, hi, n) \
	VBROADCASTSS off(AX), bc; \
	VFMADD231PS Z28, bc, lo; \
	VFMADD231PS Z29, bc, hi; \
	CMPQ R9, $n; \
	JEQ  next

// ESTORE writes row r of C (alpha·acc, beta == 0), then stops after row n-1.
#define ESTORE(lo, hi, n) \
	VMULPS  Z30, lo, lo; \
	VMULPS  Z30, hi, hi; \
	VMOVUPS lo, (R8); \
	VMOVUPS hi, 64(R8); \
	ADDQ    DX, R8; \
	CMPQ    R9, $n; \
	JEQ     done

// EUPDATE writes row r of C (alpha·acc + beta·C), then stops after row n-1.
#define EUPDATE(lo, hi, n) \
	VMULPS      Z30, lo, lo; \
	VMULPS      Z30, hi, hi; \
	VFMADD231PS (R8), Z31, lo; \
	VFMADD231PS 64(R8), Z31, hi; \
	VMOVUPS     lo, (R8); \
	VMOVUPS     hi, 64(R8); \
	ADDQ        DX, R8; \
	CMPQ        R9, $n; \
	JEQ         done

// func sgemmEdgeAVX512(kc int, a, b, c *float32, ldc int, alpha, beta float32, rows int)
// Requires kc >= 1 and 1 <= rows <= 14.
TEXT ·sgemmEdgeAVX512(SB), NOSPLIT, $0-56
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), DX
	SHLQ $2, DX
	MOVQ rows+48(FP), R9

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27

loop:
	VMOVUPS (BX), Z28
	VMOVUPS 64(BX), Z29
	EROW(0, Z30, Z0, Z1, 1)
	EROW(4, Z31, Z2, Z3, 2)
	EROW(8, Z30, Z4, Z5, 3)
	EROW(12, Z31, Z6, Z7, 4)
	EROW(16, Z30, Z8, Z9, 5)
	EROW(20, Z31, Z10, Z11, 6)
	EROW(24, Z30, Z12, Z13, 7)
	EROW(28, Z31, Z14, Z15, 8)
	EROW(32, Z30, Z16, Z17, 9)
	EROW(36, Z31, Z18, Z19, 10)
	EROW(40, Z30, Z20, Z21, 11)
	EROW(44, Z31, Z22, Z23, 12)
	EROW(48, Z30, Z24, Z25, 13)
	VBROADCASTSS 52(AX), Z31
	VFMADD231PS Z28, Z31, Z26
	VFMADD231PS Z29, Z31, Z27

next:
	ADDQ $56, AX
	ADDQ $128, BX
	DECQ CX
	JNZ  loop

	VBROADCASTSS alpha+40(FP), Z30
	MOVQ DI, R8

	// beta == ±0 means "do not read C": test the bits without the sign.
	MOVL beta+44(FP), R10
	SHLL $1, R10
	JZ   store

	VBROADCASTSS beta+44(FP), Z31
	EUPDATE(Z0, Z1, 1)
	EUPDATE(Z2, Z3, 2)
	EUPDATE(Z4, Z5, 3)
	EUPDATE(Z6, Z7, 4)
	EUPDATE(Z8, Z9, 5)
	EUPDATE(Z10, Z11, 6)
	EUPDATE(Z12, Z13, 7)
	EUPDATE(Z14, Z15, 8)
	EUPDATE(Z16, Z17, 9)
	EUPDATE(Z18, Z19, 10)
	EUPDATE(Z20, Z21, 11)
	EUPDATE(Z22, Z23, 12)
	EUPDATE(Z24, Z25, 13)
	EUPDATE(Z26, Z27, 14)
	JMP done

store:
	ESTORE(Z0, Z1, 1)
	ESTORE(Z2, Z3, 2)
	ESTORE(Z4, Z5, 3)
	ESTORE(Z6, Z7, 4)
	ESTORE(Z8, Z9, 5)
	ESTORE(Z10, Z11, 6)
	ESTORE(Z12, Z13, 7)
	ESTORE(Z14, Z15, 8)
	ESTORE(Z16, Z17, 9)
	ESTORE(Z18, Z19, 10)
	ESTORE(Z20, Z21, 11)
	ESTORE(Z22, Z23, 12)
	ESTORE(Z24, Z25, 13)
	ESTORE(Z26, Z27, 14)

done:
	VZEROUPPER
	RET
