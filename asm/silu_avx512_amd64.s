//go:build !purego

#include "textflag.h"

// Constants of exp(a), a = −x clamped to ±104 (beyond, 2^n is 0 or +Inf
// in float32 anyway): n = round(a·log2 e), r = a − n·ln2hi − n·ln2lo
// (Cody–Waite: n·ln2hi is exact), e^r = Σ_k r^k / k! to k = 7 on
// |r| <= ln2/2, and exp(a) = e^r·2^n (VSCALEFPS).
DATA siluC<>+0(SB)/4, $0x3fb8aa3b  // log2 e
DATA siluC<>+4(SB)/4, $0x3f800000  // 1
DATA siluC<>+8(SB)/4, $0x3f000000  // 1/2
DATA siluC<>+12(SB)/4, $0x3e2aaaab // 1/6
DATA siluC<>+16(SB)/4, $0x3d2aaaab // 1/24
DATA siluC<>+20(SB)/4, $0x3c088889 // 1/120
DATA siluC<>+24(SB)/4, $0x3ab60b61 // 1/720
DATA siluC<>+28(SB)/4, $0x39500d01 // 1/5040
DATA siluC<>+32(SB)/4, $0x3f318000 // ln2hi
DATA siluC<>+36(SB)/4, $0xb95e8083 // ln2lo
DATA siluC<>+40(SB)/4, $0x42d00000 // 104
GLOBL siluC<>(SB), RODATA|NOPTR, $44

// SIGMOID sets Z1 = sigmoid(Z0) = 1 / (1 + exp(−Z0)), using Z2..Z4;
// constants: Z19 1, Z20 log2 e, Z21..Z25 1/2, 1/6, 1/24, 1/120, 1/720,
// Z27 1/5040,
// Z28 −104, Z29 104, Z30 ln2hi, Z31 ln2lo.
#define SIGMOID \
	VXORPS       Z2, Z2, Z2; \
	VSUBPS       Z0, Z2, Z2; \
	VMINPS       Z29, Z2, Z2; \
	VMAXPS       Z28, Z2, Z2; \
	VMULPS       Z20, Z2, Z3; \
	VRNDSCALEPS  $0, Z3, Z3; \
	VFNMADD231PS Z30, Z3, Z2; \
	VFNMADD231PS Z31, Z3, Z2; \
	VMOVAPS      Z27, Z4; \
	VFMADD213PS  Z25, Z2, Z4; \
	VFMADD213PS  Z24, Z2, Z4; \
	VFMADD213PS  Z23, Z2, Z4; \
	VFMADD213PS  Z22, Z2, Z4; \
	VFMADD213PS  Z21, Z2, Z4; \
	VFMADD213PS  Z19, Z2, Z4; \
	VFMADD213PS  Z19, Z2, Z4; \
	VSCALEFPS    Z3, Z4, Z4; \
	VADDPS       Z19, Z4, Z4; \
	VDIVPS       Z4, Z19, Z1

// func siluAVX512(dst, x, grad *float32, n int)
// n >= 1. Forward (grad == nil): dst = x·s; backward: dst = g·s·(1 + x·(1 − s)).
TEXT ·siluAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ grad+16(FP), DX
	MOVQ n+24(FP), CX

	VBROADCASTSS siluC<>+0(SB), Z20
	VBROADCASTSS siluC<>+4(SB), Z19
	VBROADCASTSS siluC<>+8(SB), Z21
	VBROADCASTSS siluC<>+12(SB), Z22
	VBROADCASTSS siluC<>+16(SB), Z23
	VBROADCASTSS siluC<>+20(SB), Z24
	VBROADCASTSS siluC<>+24(SB), Z25
	VBROADCASTSS siluC<>+28(SB), Z27
	VBROADCASTSS siluC<>+32(SB), Z30
	VBROADCASTSS siluC<>+36(SB), Z31
	VBROADCASTSS siluC<>+40(SB), Z29
	VXORPS       Z28, Z28, Z28
	VSUBPS       Z29, Z28, Z28

loop:
	MOVQ  $-1, AX
	CMPQ  CX, $16
	JGE   full
	MOVQ  $1, AX
	SHLQ  CX, AX
	DECQ  AX

full:
	KMOVW     AX, K1
	VMOVUPS.Z (SI), K1, Z0
	SIGMOID
	TESTQ     DX, DX
	JNZ       back
	VMULPS    Z1, Z0, Z5
	JMP       store

back:
	VMOVUPS.Z   (DX), K1, Z6
	VSUBPS      Z1, Z19, Z5      // 1 − s
	VFMADD213PS Z19, Z0, Z5      // x·(1 − s) + 1
	VMULPS      Z1, Z5, Z5       // s·(…)
	VMULPS      Z6, Z5, Z5       // g·s·(…)
	ADDQ        $64, DX

store:
	VMOVUPS Z5, K1, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JG      loop
	VZEROUPPER
	RET
