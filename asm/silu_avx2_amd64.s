//go:build !purego

#include "textflag.h"

// SiLU and its backward (silu.go) with AVX2 and FMA: exp(a) as in
// silu_avx512_amd64.s (a = −x clamped to ±104, n = round(a·log2 e),
// Cody–Waite r, degree-7 polynomial p ≈ e^r), but without VSCALEFPS: 2^n
// is built in the exponent field (bits of 1.0 + n<<23), which holds only
// normal powers. So p is scaled by 2^(n>>1) and then by 2^(n − n>>1),
// each in [2^−75, 2^75]: the first product is exact and normal, and the
// second rounds once, to +Inf past 2^128 (so sigmoid is 0 and x = −Inf
// gives NaN, as in the reference) or to a denormal or 0: the bits of
// p·2^n that VSCALEFPS gives.
DATA expC<>+0(SB)/4, $0x3fb8aa3b  // log2 e
DATA expC<>+4(SB)/4, $0x3f800000  // 1
DATA expC<>+8(SB)/4, $0x3f000000  // 1/2
DATA expC<>+12(SB)/4, $0x3e2aaaab // 1/6
DATA expC<>+16(SB)/4, $0x3d2aaaab // 1/24
DATA expC<>+20(SB)/4, $0x3c088889 // 1/120
DATA expC<>+24(SB)/4, $0x3ab60b61 // 1/720
DATA expC<>+28(SB)/4, $0x39500d01 // 1/5040
DATA expC<>+32(SB)/4, $0x3f318000 // ln2hi
DATA expC<>+36(SB)/4, $0xb95e8083 // ln2lo
DATA expC<>+40(SB)/4, $0x42d00000 // 104
DATA expC<>+44(SB)/4, $0xc2d00000 // −104
GLOBL expC<>(SB), RODATA|NOPTR, $48

// siluTail: the 8 int32 from siluTail<>+4·(8−n) set the first n lanes.
DATA siluTail<>+0(SB)/8, $-1
DATA siluTail<>+8(SB)/8, $-1
DATA siluTail<>+16(SB)/8, $-1
DATA siluTail<>+24(SB)/8, $-1
DATA siluTail<>+32(SB)/8, $0
DATA siluTail<>+40(SB)/8, $0
DATA siluTail<>+48(SB)/8, $0
DATA siluTail<>+56(SB)/8, $0
GLOBL siluTail<>(SB), RODATA|NOPTR, $64

// SIGMOID2 sets Y1 = sigmoid(Y0) = 1 / (1 + exp(−Y0)), using Y2, Y4, Y5
// and Y3 (clobbered); constants: Y15 1, Y14 log2 e, Y13..Y8 1/2, 1/6,
// 1/24, 1/120, 1/720, 1/5040, Y7 ln2hi, Y6 ln2lo. VMINPS gives its
// second operand (104) for a NaN, whose result is NaN through x anyway.
#define SIGMOID2 \
	VXORPS       Y2, Y2, Y2; \
	VSUBPS       Y0, Y2, Y2; \
	VBROADCASTSS expC<>+40(SB), Y5; \
	VMINPS       Y5, Y2, Y2; \
	VBROADCASTSS expC<>+44(SB), Y5; \
	VMAXPS       Y5, Y2, Y2; \
	VMULPS       Y14, Y2, Y3; \
	VROUNDPS     $0, Y3, Y3; \
	VFNMADD231PS Y7, Y3, Y2; \
	VFNMADD231PS Y6, Y3, Y2; \
	VMOVAPS      Y8, Y4; \
	VFMADD213PS  Y9, Y2, Y4; \
	VFMADD213PS  Y10, Y2, Y4; \
	VFMADD213PS  Y11, Y2, Y4; \
	VFMADD213PS  Y12, Y2, Y4; \
	VFMADD213PS  Y13, Y2, Y4; \
	VFMADD213PS  Y15, Y2, Y4; \
	VFMADD213PS  Y15, Y2, Y4; \
	VCVTTPS2DQ   Y3, Y3; \
	VPSRAD       $1, Y3, Y5; \
	VPSUBD       Y5, Y3, Y3; \
	VPSLLD       $23, Y5, Y5; \
	VPADDD       Y15, Y5, Y5; \
	VMULPS       Y5, Y4, Y4; \
	VPSLLD       $23, Y3, Y3; \
	VPADDD       Y15, Y3, Y3; \
	VMULPS       Y3, Y4, Y4; \
	VADDPS       Y15, Y4, Y4; \
	VDIVPS       Y4, Y15, Y1

// BACKWARD sets Y5 = g·s·(1 + x·(1 − s)) from x (Y0), s (Y1), g (Y2).
#define BACKWARD \
	VSUBPS      Y1, Y15, Y5; \
	VFMADD213PS Y15, Y0, Y5; \
	VMULPS      Y1, Y5, Y5; \
	VMULPS      Y2, Y5, Y5

// func siluAVX2(dst, x, grad *float32, n int)
// As siluAVX512, 8 lanes at a time; the last 1..7 are read and written
// with VMASKMOVPS. n >= 1.
//
//	DI dst   SI x   DX grad (nil: forward)   CX left   R8 tail mask
//	Y0 x   Y1 s   Y2 g   Y3 tail mask   Y5 result
TEXT ·siluAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ grad+16(FP), DX
	MOVQ n+24(FP), CX

	VBROADCASTSS expC<>+0(SB), Y14
	VBROADCASTSS expC<>+4(SB), Y15
	VBROADCASTSS expC<>+8(SB), Y13
	VBROADCASTSS expC<>+12(SB), Y12
	VBROADCASTSS expC<>+16(SB), Y11
	VBROADCASTSS expC<>+20(SB), Y10
	VBROADCASTSS expC<>+24(SB), Y9
	VBROADCASTSS expC<>+28(SB), Y8
	VBROADCASTSS expC<>+32(SB), Y7
	VBROADCASTSS expC<>+36(SB), Y6
	CMPQ         CX, $8
	JLT          slTail

slLoop:
	VMOVUPS (SI), Y0
	SIGMOID2
	TESTQ   DX, DX
	JNZ     slBack
	VMULPS  Y1, Y0, Y5
	VMOVUPS Y5, (DI)
	JMP     slNext

slBack:
	VMOVUPS (DX), Y2
	BACKWARD
	VMOVUPS Y5, (DI)
	ADDQ    $32, DX

slNext:
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	CMPQ CX, $8
	JGE  slLoop

slTail:
	TESTQ      CX, CX
	JZ         slDone
	LEAQ       siluTail<>+32(SB), R8
	SHLQ       $2, CX
	SUBQ       CX, R8
	VMOVDQU    (R8), Y3
	VMASKMOVPS (SI), Y3, Y0
	SIGMOID2
	VMOVDQU    (R8), Y3
	TESTQ      DX, DX
	JNZ        slTailBack
	VMULPS     Y1, Y0, Y5
	VMASKMOVPS Y5, Y3, (DI)
	JMP        slDone

slTailBack:
	VMASKMOVPS (DX), Y3, Y2
	BACKWARD
	VMASKMOVPS Y5, Y3, (DI)

slDone:
	VZEROUPPER
	RET
