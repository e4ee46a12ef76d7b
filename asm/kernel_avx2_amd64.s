//go:build !purego

#include "textflag.h"

// AVX2+FMA SGEMM micro-kernel: one 6×16 tile of C over one kc-deep slice.
//
// Why 6×16: a row of the tile is two YMM vectors, so 6 rows take 12 of the
// 16 YMM registers as accumulators; two more hold the B vectors of the
// current step and the last two alternate as broadcast A values (AVX2 FMA
// has no broadcast memory operand). 12 FMAs per step against 2 vector loads
// and 6 broadcasts; 12 independent accumulators exceed the 8 needed to hide
// FMA latency (4 cycles) on two FMA pipes.
//
// Register map
//	Y0..Y11   accumulators: row r in Y(2r) (columns 0..7), Y(2r+1) (8..15)
//	Y12, Y13  B[p][0:8], B[p][8:16]
//	Y14, Y15  broadcast A[p][r]; alpha, beta at write-back
//	AX  packed A, 6 floats per step      BX  packed B, 16 floats per step
//	CX  steps left                       DI  C tile     DX  ldc in bytes
//	R8  current row of C                 R9  scratch

// FMA_ROW accumulates row r of one step using broadcast register bc.
#define FMA_ROW(off, bc, lo, hi) \
	VBROADCASTSS off(AX), bc; \
	VFMADD231PS Y12, bc, lo; \
	VFMADD231PS Y13, bc, hi

#define PREFETCH_ROW \
	PREFETCHT0 (R8); \
	ADDQ DX, R8

// STORE_ROW: C[r] = alpha*acc (beta == 0: C is not read).
#define STORE_ROW(lo, hi) \
	VMULPS Y14, lo, lo; \
	VMULPS Y14, hi, hi; \
	VMOVUPS lo, (R8); \
	VMOVUPS hi, 32(R8); \
	ADDQ DX, R8

// UPDATE_ROW: C[r] = alpha*acc + beta*C[r].
#define UPDATE_ROW(lo, hi) \
	VMULPS Y14, lo, lo; \
	VMULPS Y14, hi, hi; \
	VFMADD231PS (R8), Y15, lo; \
	VFMADD231PS 32(R8), Y15, hi; \
	VMOVUPS lo, (R8); \
	VMOVUPS hi, 32(R8); \
	ADDQ DX, R8

// func sgemm6x16AVX2(kc int, a, b, c *float32, ldc int, alpha, beta float32)
// Requires kc >= 1.
TEXT ·sgemm6x16AVX2(SB), NOSPLIT, $0-48
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), DX
	SHLQ $2, DX

	// Prefetch the C tile for the write-back. A tile row is 64 bytes, one
	// cache line when C is 64-byte aligned (the usual case for large
	// slices); otherwise the second line is left to the hardware.
	MOVQ DI, R8
	PREFETCH_ROW; PREFETCH_ROW; PREFETCH_ROW
	PREFETCH_ROW; PREFETCH_ROW; PREFETCH_ROW

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

loop:
	VMOVUPS (BX), Y12
	VMOVUPS 32(BX), Y13
	FMA_ROW(0, Y14, Y0, Y1)
	FMA_ROW(4, Y15, Y2, Y3)
	FMA_ROW(8, Y14, Y4, Y5)
	FMA_ROW(12, Y15, Y6, Y7)
	FMA_ROW(16, Y14, Y8, Y9)
	FMA_ROW(20, Y15, Y10, Y11)
	ADDQ $24, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  loop

	VBROADCASTSS alpha+40(FP), Y14
	MOVQ DI, R8

	// beta == ±0 means "do not read C": test the bits without the sign.
	MOVL beta+44(FP), R9
	SHLL $1, R9
	JZ   store

	VBROADCASTSS beta+44(FP), Y15
	UPDATE_ROW(Y0, Y1)
	UPDATE_ROW(Y2, Y3)
	UPDATE_ROW(Y4, Y5)
	UPDATE_ROW(Y6, Y7)
	UPDATE_ROW(Y8, Y9)
	UPDATE_ROW(Y10, Y11)
	VZEROUPPER
	RET

store:
	STORE_ROW(Y0, Y1)
	STORE_ROW(Y2, Y3)
	STORE_ROW(Y4, Y5)
	STORE_ROW(Y6, Y7)
	STORE_ROW(Y8, Y9)
	STORE_ROW(Y10, Y11)
	VZEROUPPER
	RET
