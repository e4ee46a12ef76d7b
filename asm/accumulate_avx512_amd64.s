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

// pairLanes sends element l/2 to lane l.
DATA pairLanes<>+0(SB)/4, $0
DATA pairLanes<>+4(SB)/4, $0
DATA pairLanes<>+8(SB)/4, $1
DATA pairLanes<>+12(SB)/4, $1
DATA pairLanes<>+16(SB)/4, $2
DATA pairLanes<>+20(SB)/4, $2
DATA pairLanes<>+24(SB)/4, $3
DATA pairLanes<>+28(SB)/4, $3
DATA pairLanes<>+32(SB)/4, $4
DATA pairLanes<>+36(SB)/4, $4
DATA pairLanes<>+40(SB)/4, $5
DATA pairLanes<>+44(SB)/4, $5
DATA pairLanes<>+48(SB)/4, $6
DATA pairLanes<>+52(SB)/4, $6
DATA pairLanes<>+56(SB)/4, $7
DATA pairLanes<>+60(SB)/4, $7
GLOBL pairLanes<>(SB), RODATA|NOPTR, $64

// func col2imRows2AVX512(dst *float32, ldd, rows, chunks int, src *float32, lds int, offs *int, masks *uint32, taps int, tail uint64)
// Col2imRowsStep2 (accumulate.go): as col2imRowsAVX512, but each tap
// loads the chunk's 8 source elements (element mask in the high half of
// its mask word), spreads element l/2 to lane l with VPERMPS and adds
// the lanes in the low half. Requires rows, chunks, taps >= 1.
//
//	registers as in col2imRowsAVX512 (R13 = chunks·4, the mask row bytes),
//	except: BX src chunk byte offset (32 per chunk), AX mask pointer and DX
//	tap offset in the tap loop (ldd and lds are reread per row); Z30 the
//	pair index
TEXT ·col2imRows2AVX512(SB), NOSPLIT, $0-80
	VMOVDQU32 pairLanes<>(SB), Z30
	MOVQ      dst+0(FP), DI
	MOVQ      rows+16(FP), CX
	MOVQ      src+32(FP), SI
	MOVQ      offs+48(FP), R11
	MOVQ      chunks+24(FP), R13
	SHLQ      $2, R13

c2row:
	XORQ R8, R8
	XORQ BX, BX
	MOVQ chunks+24(FP), R9
	MOVQ masks+56(FP), R12

c2chunk:
	MOVW $0xffff, AX
	CMPQ R9, $1
	JNE  c2full
	MOVQ tail+72(FP), AX

c2full:
	KMOVW     AX, K1
	LEAQ      (DI)(R8*1), R14
	VMOVUPS.Z (R14), K1, Z0
	LEAQ      (SI)(BX*1), R14
	XORQ      R10, R10
	MOVQ      R12, AX

c2tap:
	KMOVW     (AX), K2
	KMOVW     2(AX), K3
	MOVQ      (R11)(R10*8), DX
	VMOVUPS.Z (R14)(DX*4), K3, Z1
	VPERMPS   Z1, Z30, Z1
	VADDPS    Z1, Z0, K2, Z0
	ADDQ      R13, AX
	INCQ      R10
	CMPQ      R10, taps+64(FP)
	JLT       c2tap

	LEAQ    (DI)(R8*1), R14
	VMOVUPS Z0, K1, (R14)
	ADDQ    $64, R8
	ADDQ    $32, BX
	ADDQ    $4, R12
	DECQ    R9
	JNZ     c2chunk

	MOVQ lds+40(FP), AX
	LEAQ (SI)(AX*4), SI
	MOVQ ldd+8(FP), AX
	LEAQ (DI)(AX*4), DI
	DECQ CX
	JNZ  c2row
	VZEROUPPER
	RET
