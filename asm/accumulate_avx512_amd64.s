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

// func col2imRowsAVX512(dst *float32, ldd, rows, chunks int, src *float32, lds int, offs *int, masks *uint16, taps int, tail uint64)
// Col2imRows (accumulate.go): for each row and 16-column chunk, load the
// chunk of dst (all lanes, or tail for the last chunk), add each tap's
// source lanes with a merge-masked add from memory (masked lanes are not
// read), store. Requires rows, chunks, taps >= 1.
//
//	DI dst row   SI src row   DX ldd bytes   BX lds bytes   CX rows left
//	R8 chunk byte offset   R9 chunks left   R10 tap index   R11 offs
//	R12 masks (current chunk column)   R13 chunks·2 (mask row bytes)   K1 store lanes
TEXT ·col2imRowsAVX512(SB), NOSPLIT, $0-80
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), DX
	SHLQ $2, DX
	MOVQ rows+16(FP), CX
	MOVQ src+32(FP), SI
	MOVQ lds+40(FP), BX
	SHLQ $2, BX
	MOVQ offs+48(FP), R11
	MOVQ chunks+24(FP), R13
	SHLQ $1, R13

crrow:
	XORQ R8, R8
	MOVQ chunks+24(FP), R9
	MOVQ masks+56(FP), R12

crchunk:
	MOVW  $0xffff, AX
	CMPQ  R9, $1
	JNE   crfull
	MOVQ  tail+72(FP), AX

crfull:
	KMOVW AX, K1
	LEAQ  (DI)(R8*1), R14
	VMOVUPS.Z (R14), K1, Z0
	LEAQ  (SI)(R8*1), R14
	XORQ  R10, R10
	MOVQ  R12, R15

crtap:
	MOVQ   (R11)(R10*8), AX
	KMOVW  (R15), K2
	VADDPS (R14)(AX*4), Z0, K2, Z0
	ADDQ   R13, R15
	INCQ   R10
	CMPQ   R10, taps+64(FP)
	JLT    crtap

	LEAQ    (DI)(R8*1), R14
	VMOVUPS Z0, K1, (R14)
	ADDQ    $64, R8
	ADDQ    $2, R12
	DECQ    R9
	JNZ     crchunk

	ADDQ DX, DI
	ADDQ BX, SI
	DECQ CX
	JNZ  crrow
	VZEROUPPER
	RET
