//go:build !purego

#include "textflag.h"

// func add2DAVX512(dst *float32, ldd int, src *float32, lds int, rows, chunks int, tail uint64)
// Adds rows rows of 16·chunks floats plus the lanes in tail (accumulate.go).
// Requires rows >= 1.
TEXT ·add2DAVX512(SB), NOSPLIT, $0-56
	MOVQ  dst+0(FP), DI
	MOVQ  ldd+8(FP), DX
	SHLQ  $2, DX
	MOVQ  src+16(FP), SI
	MOVQ  lds+24(FP), BX
	SHLQ  $2, BX
	MOVQ  rows+32(FP), CX
	MOVQ  chunks+40(FP), R8
	MOVQ  tail+48(FP), AX
	KMOVW AX, K1

adrow:
	MOVQ DI, R9
	MOVQ SI, R10
	MOVQ R8, R11

adchunk:
	TESTQ   R11, R11
	JZ      adtail
	VMOVUPS (R10), Z0
	VADDPS  (R9), Z0, Z0
	VMOVUPS Z0, (R9)
	ADDQ    $64, R9
	ADDQ    $64, R10
	DECQ    R11
	JMP     adchunk

adtail:
	VMOVUPS.Z (R10), K1, Z0
	VMOVUPS.Z (R9), K1, Z1
	VADDPS    Z1, Z0, Z0
	VMOVUPS   Z0, K1, (R9)
	ADDQ      DX, DI
	ADDQ      BX, SI
	DECQ      CX
	JNZ       adrow
	VZEROUPPER
	RET
