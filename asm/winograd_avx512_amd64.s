//go:build !purego

#include "textflag.h"

// AVX-512 Winograd F(2×2, 3×3) transforms (winograd.go), 16 tiles of a tile
// row per vector, with the additions of the Go twins in their order.
// Written by gen/winograd_avx512.py (each step spelled out, no macros):
// edit the generator, not this file.

DATA wgEven<>+0(SB)/4, $0
DATA wgEven<>+4(SB)/4, $2
DATA wgEven<>+8(SB)/4, $4
DATA wgEven<>+12(SB)/4, $6
DATA wgEven<>+16(SB)/4, $8
DATA wgEven<>+20(SB)/4, $10
DATA wgEven<>+24(SB)/4, $12
DATA wgEven<>+28(SB)/4, $14
DATA wgEven<>+32(SB)/4, $16
DATA wgEven<>+36(SB)/4, $18
DATA wgEven<>+40(SB)/4, $20
DATA wgEven<>+44(SB)/4, $22
DATA wgEven<>+48(SB)/4, $24
DATA wgEven<>+52(SB)/4, $26
DATA wgEven<>+56(SB)/4, $28
DATA wgEven<>+60(SB)/4, $30
GLOBL wgEven<>(SB), RODATA|NOPTR, $64

DATA wgOdd<>+0(SB)/4, $1
DATA wgOdd<>+4(SB)/4, $3
DATA wgOdd<>+8(SB)/4, $5
DATA wgOdd<>+12(SB)/4, $7
DATA wgOdd<>+16(SB)/4, $9
DATA wgOdd<>+20(SB)/4, $11
DATA wgOdd<>+24(SB)/4, $13
DATA wgOdd<>+28(SB)/4, $15
DATA wgOdd<>+32(SB)/4, $17
DATA wgOdd<>+36(SB)/4, $19
DATA wgOdd<>+40(SB)/4, $21
DATA wgOdd<>+44(SB)/4, $23
DATA wgOdd<>+48(SB)/4, $25
DATA wgOdd<>+52(SB)/4, $27
DATA wgOdd<>+56(SB)/4, $29
DATA wgOdd<>+60(SB)/4, $31
GLOBL wgOdd<>(SB), RODATA|NOPTR, $64

DATA wgIlvLo<>+0(SB)/4, $0
DATA wgIlvLo<>+4(SB)/4, $16
DATA wgIlvLo<>+8(SB)/4, $1
DATA wgIlvLo<>+12(SB)/4, $17
DATA wgIlvLo<>+16(SB)/4, $2
DATA wgIlvLo<>+20(SB)/4, $18
DATA wgIlvLo<>+24(SB)/4, $3
DATA wgIlvLo<>+28(SB)/4, $19
DATA wgIlvLo<>+32(SB)/4, $4
DATA wgIlvLo<>+36(SB)/4, $20
DATA wgIlvLo<>+40(SB)/4, $5
DATA wgIlvLo<>+44(SB)/4, $21
DATA wgIlvLo<>+48(SB)/4, $6
DATA wgIlvLo<>+52(SB)/4, $22
DATA wgIlvLo<>+56(SB)/4, $7
DATA wgIlvLo<>+60(SB)/4, $23
GLOBL wgIlvLo<>(SB), RODATA|NOPTR, $64

DATA wgIlvHi<>+0(SB)/4, $8
DATA wgIlvHi<>+4(SB)/4, $24
DATA wgIlvHi<>+8(SB)/4, $9
DATA wgIlvHi<>+12(SB)/4, $25
DATA wgIlvHi<>+16(SB)/4, $10
DATA wgIlvHi<>+20(SB)/4, $26
DATA wgIlvHi<>+24(SB)/4, $11
DATA wgIlvHi<>+28(SB)/4, $27
DATA wgIlvHi<>+32(SB)/4, $12
DATA wgIlvHi<>+36(SB)/4, $28
DATA wgIlvHi<>+40(SB)/4, $13
DATA wgIlvHi<>+44(SB)/4, $29
DATA wgIlvHi<>+48(SB)/4, $14
DATA wgIlvHi<>+52(SB)/4, $30
DATA wgIlvHi<>+56(SB)/4, $15
DATA wgIlvHi<>+60(SB)/4, $31
GLOBL wgIlvHi<>(SB), RODATA|NOPTR, $64

// func winogradInputAVX512(v *float32, ldv int, x *float32, h, w, ty0, ty1 int)
//
// For tile row ty and the 16 tiles from tx0, column j of the patch row i is
// x[2ty-1+i][e+j+2l] in lane l, e = 2tx0-1: the even (j = 0) and odd (j = 1)
// elements of the 32 from e, and of the 32 from e+2 (j = 2, 3). They are
// loaded with zeroing masks (K1: e.., K2: e+16.., K3: e+2.., K4: e+18..)
// that clear the elements outside 0..w-1, which are never read, and
// deinterleaved with VPERMI2PS/VPERMT2PS, zeroing whole patch rows outside
// the plane (K5: row 2ty-1, K6: 2ty+1, K7: 2ty+2; an invalid row's pointer
// is that of row 2ty, so its masked loads stay inside x). Then the column
// and row combinations of the twin, and 16 stores, one per ξ, masked for
// the last, partial group of the tile row.
//
//	AX, SI, BX, DX  rows 2ty-1..2ty+2   R12 e   R13 ty   R14 tiles left
//	DI  v at the group   R8 ldv bytes   R9 3·ldv bytes   R11 store pointer
//	Z30, Z31  even and odd element indexes
TEXT ·winogradInputAVX512(SB), NOSPLIT, $0-56
	MOVQ      ldv+8(FP), R8
	SHLQ      $2, R8
	LEAQ      (R8)(R8*2), R9
	VMOVDQU32 wgEven<>(SB), Z30
	VMOVDQU32 wgOdd<>(SB), Z31
	MOVQ      ty0+40(FP), R13

inrow:
	CMPQ    R13, ty1+48(FP)
	JGE     indone
	MOVQ    w+32(FP), R10
	SHLQ    $2, R10
	MOVQ    R13, SI
	IMULQ   R10, SI
	SHLQ    $1, SI
	ADDQ    x+16(FP), SI
	MOVQ    SI, AX
	SUBQ    R10, AX
	LEAQ    (SI)(R10*1), BX
	LEAQ    (BX)(R10*1), DX
	MOVL    $0xffff, R11
	XORL    CX, CX
	TESTQ   R13, R13
	CMOVQEQ SI, AX
	CMOVLNE R11, CX
	KMOVW   CX, K5
	LEAQ    1(R13)(R13*1), R10
	XORL    CX, CX
	CMPQ    R10, h+24(FP)
	CMOVQGE SI, BX
	CMOVLLT R11, CX
	KMOVW   CX, K6
	INCQ    R10
	XORL    CX, CX
	CMPQ    R10, h+24(FP)
	CMOVQGE SI, DX
	CMOVLLT R11, CX
	KMOVW   CX, K7
	MOVQ    w+32(FP), R14
	INCQ    R14
	SHRQ    $1, R14
	MOVQ    R13, DI
	IMULQ   R14, DI
	SHLQ    $2, DI
	ADDQ    v+0(FP), DI
	MOVQ    $-1, R12

ingroup:
	// The elements e.. that lie in 0..w-1: bits 0..39 of R10.
	MOVQ    w+32(FP), CX
	SUBQ    R12, CX
	MOVL    $40, R10
	CMPQ    CX, R10
	CMOVQGT R10, CX
	MOVL    $1, R10
	SHLQ    CX, R10
	DECQ    R10
	MOVQ    R12, CX
	SHRQ    $63, CX
	NOTQ    CX
	ANDQ    CX, R10
	KMOVW   R10, K1
	SHRQ    $2, R10
	KMOVW   R10, K3
	SHRQ    $14, R10
	KMOVW   R10, K2
	SHRQ    $2, R10
	KMOVW   R10, K4

	// patch row 0
	VMOVUPS.Z (AX)(R12*4), K1, Z0
	VMOVUPS.Z 64(AX)(R12*4), K2, Z1
	VMOVUPS.Z 8(AX)(R12*4), K3, Z2
	VMOVUPS.Z 72(AX)(R12*4), K4, Z3
	VMOVAPS Z30, Z16
	VPERMI2PS.Z Z1, Z0, K5, Z16
	VPERMT2PS.Z Z1, Z31, K5, Z0
	VMOVAPS Z30, Z17
	VPERMI2PS.Z Z3, Z2, K5, Z17
	VPERMT2PS.Z Z3, Z31, K5, Z2
	// patch row 1
	VMOVUPS.Z (SI)(R12*4), K1, Z4
	VMOVUPS.Z 64(SI)(R12*4), K2, Z5
	VMOVUPS.Z 8(SI)(R12*4), K3, Z6
	VMOVUPS.Z 72(SI)(R12*4), K4, Z7
	VMOVAPS Z30, Z20
	VPERMI2PS Z5, Z4, Z20
	VPERMT2PS Z5, Z31, Z4
	VMOVAPS Z30, Z21
	VPERMI2PS Z7, Z6, Z21
	VPERMT2PS Z7, Z31, Z6
	// patch row 2
	VMOVUPS.Z (BX)(R12*4), K1, Z8
	VMOVUPS.Z 64(BX)(R12*4), K2, Z9
	VMOVUPS.Z 8(BX)(R12*4), K3, Z10
	VMOVUPS.Z 72(BX)(R12*4), K4, Z11
	VMOVAPS Z30, Z24
	VPERMI2PS.Z Z9, Z8, K6, Z24
	VPERMT2PS.Z Z9, Z31, K6, Z8
	VMOVAPS Z30, Z25
	VPERMI2PS.Z Z11, Z10, K6, Z25
	VPERMT2PS.Z Z11, Z31, K6, Z10
	// patch row 3
	VMOVUPS.Z (DX)(R12*4), K1, Z12
	VMOVUPS.Z 64(DX)(R12*4), K2, Z13
	VMOVUPS.Z 8(DX)(R12*4), K3, Z14
	VMOVUPS.Z 72(DX)(R12*4), K4, Z15
	VMOVAPS Z30, Z28
	VPERMI2PS.Z Z13, Z12, K7, Z28
	VPERMT2PS.Z Z13, Z31, K7, Z12
	VMOVAPS Z30, Z29
	VPERMI2PS.Z Z15, Z14, K7, Z29
	VPERMT2PS.Z Z15, Z31, K7, Z14
	// Bᵀ on the columns: r[i][j] from d[0..3][j]
	VSUBPS Z24, Z16, Z16
	VADDPS Z24, Z20, Z1
	VSUBPS Z20, Z24, Z24
	VSUBPS Z28, Z20, Z28
	VSUBPS Z8, Z0, Z0
	VADDPS Z8, Z4, Z3
	VSUBPS Z4, Z8, Z8
	VSUBPS Z12, Z4, Z12
	VSUBPS Z25, Z17, Z17
	VADDPS Z25, Z21, Z5
	VSUBPS Z21, Z25, Z25
	VSUBPS Z29, Z21, Z29
	VSUBPS Z10, Z2, Z2
	VADDPS Z10, Z6, Z7
	VSUBPS Z6, Z10, Z10
	VSUBPS Z14, Z6, Z14
	// and on the rows: v[4i+k] from r[i][0..3]
	VSUBPS Z17, Z16, Z16
	VADDPS Z17, Z0, Z9
	VSUBPS Z0, Z17, Z17
	VSUBPS Z2, Z0, Z2
	VSUBPS Z5, Z1, Z1
	VADDPS Z5, Z3, Z11
	VSUBPS Z3, Z5, Z5
	VSUBPS Z7, Z3, Z7
	VSUBPS Z25, Z24, Z24
	VADDPS Z25, Z8, Z13
	VSUBPS Z8, Z25, Z25
	VSUBPS Z10, Z8, Z10
	VSUBPS Z29, Z28, Z28
	VADDPS Z29, Z12, Z15
	VSUBPS Z12, Z29, Z29
	VSUBPS Z14, Z12, Z14
	CMPQ R14, $16
	JLT  intail
	MOVQ DI, R11
	VMOVUPS Z16, (R11)
	VMOVUPS Z9, (R11)(R8*1)
	VMOVUPS Z17, (R11)(R8*2)
	VMOVUPS Z2, (R11)(R9*1)
	LEAQ (R11)(R8*4), R11
	VMOVUPS Z1, (R11)
	VMOVUPS Z11, (R11)(R8*1)
	VMOVUPS Z5, (R11)(R8*2)
	VMOVUPS Z7, (R11)(R9*1)
	LEAQ (R11)(R8*4), R11
	VMOVUPS Z24, (R11)
	VMOVUPS Z13, (R11)(R8*1)
	VMOVUPS Z25, (R11)(R8*2)
	VMOVUPS Z10, (R11)(R9*1)
	LEAQ (R11)(R8*4), R11
	VMOVUPS Z28, (R11)
	VMOVUPS Z15, (R11)(R8*1)
	VMOVUPS Z29, (R11)(R8*2)
	VMOVUPS Z14, (R11)(R9*1)
	ADDQ $64, DI
	ADDQ $32, R12
	SUBQ $16, R14
	JNZ  ingroup
	INCQ R13
	JMP  inrow

intail:
	MOVL  $1, R10
	MOVQ  R14, CX
	SHLQ  CX, R10
	DECQ  R10
	KMOVW R10, K1
	MOVQ DI, R11
	VMOVUPS Z16, K1, (R11)
	VMOVUPS Z9, K1, (R11)(R8*1)
	VMOVUPS Z17, K1, (R11)(R8*2)
	VMOVUPS Z2, K1, (R11)(R9*1)
	LEAQ (R11)(R8*4), R11
	VMOVUPS Z1, K1, (R11)
	VMOVUPS Z11, K1, (R11)(R8*1)
	VMOVUPS Z5, K1, (R11)(R8*2)
	VMOVUPS Z7, K1, (R11)(R9*1)
	LEAQ (R11)(R8*4), R11
	VMOVUPS Z24, K1, (R11)
	VMOVUPS Z13, K1, (R11)(R8*1)
	VMOVUPS Z25, K1, (R11)(R8*2)
	VMOVUPS Z10, K1, (R11)(R9*1)
	LEAQ (R11)(R8*4), R11
	VMOVUPS Z28, K1, (R11)
	VMOVUPS Z15, K1, (R11)(R8*1)
	VMOVUPS Z29, K1, (R11)(R8*2)
	VMOVUPS Z14, K1, (R11)(R9*1)
	INCQ R13
	JMP  inrow

indone:
	VZEROUPPER
	RET

// func winogradOutputAVX512(y *float32, h, w int, m *float32, ldm, ty0, ty1 int)
//
// For tile row ty and the 16 tiles from tx0: the 16 rows M[ξ] (Z0..Z15),
// r[0][j] = M[j]+M[4+j]+M[8+j] and r[1][j] = M[4+j]-M[8+j]-M[12+j], then
// a = r[i][0]+r[i][1]+r[i][2] and b = r[i][1]-r[i][2]-r[i][3], interleaved
// (a0 b0 a1 b1 ...) into the 32 elements from 2tx0 of rows 2ty and 2ty+1
// (skipped past the plane). A group is full when those 32 elements lie in
// the plane; the last one of a tile row is loaded with the tiles it has
// (K1) and stored masked (K2, K3).
//
//	SI  m at the group   R8 ldm bytes   R9 3·ldm bytes   R10 load pointer
//	DI  y at the group (row 2ty)   R11 row bytes   R12 whether row 2ty+1 is
//	in the plane   R13 ty   R14 elements left in the row (w-2tx0)
//	Z30, Z31  interleaving indexes
TEXT ·winogradOutputAVX512(SB), NOSPLIT, $0-56
	MOVQ      ldm+32(FP), R8
	SHLQ      $2, R8
	LEAQ      (R8)(R8*2), R9
	VMOVDQU32 wgIlvLo<>(SB), Z30
	VMOVDQU32 wgIlvHi<>(SB), Z31
	MOVQ      ty0+40(FP), R13

outrow:
	CMPQ    R13, ty1+48(FP)
	JGE     outdone
	MOVQ    w+16(FP), R14
	MOVQ    R14, R11
	SHLQ    $2, R11
	INCQ    R14
	SHRQ    $1, R14
	MOVQ    R13, SI
	IMULQ   R14, SI
	SHLQ    $2, SI
	ADDQ    m+24(FP), SI
	MOVQ    R13, DI
	IMULQ   R11, DI
	SHLQ    $1, DI
	ADDQ    y+0(FP), DI
	LEAQ    1(R13)(R13*1), AX
	XORL    R12, R12
	MOVL    $1, CX
	CMPQ    AX, h+8(FP)
	CMOVQLT CX, R12
	MOVQ    w+16(FP), R14

outgroup:
	CMPQ R14, $32
	JLT  outtail
	MOVQ SI, R10
	VMOVUPS (R10), Z0
	VMOVUPS (R10)(R8*1), Z1
	VMOVUPS (R10)(R8*2), Z2
	VMOVUPS (R10)(R9*1), Z3
	LEAQ (R10)(R8*4), R10
	VMOVUPS (R10), Z4
	VMOVUPS (R10)(R8*1), Z5
	VMOVUPS (R10)(R8*2), Z6
	VMOVUPS (R10)(R9*1), Z7
	LEAQ (R10)(R8*4), R10
	VMOVUPS (R10), Z8
	VMOVUPS (R10)(R8*1), Z9
	VMOVUPS (R10)(R8*2), Z10
	VMOVUPS (R10)(R9*1), Z11
	LEAQ (R10)(R8*4), R10
	VMOVUPS (R10), Z12
	VMOVUPS (R10)(R8*1), Z13
	VMOVUPS (R10)(R8*2), Z14
	VMOVUPS (R10)(R9*1), Z15
	VADDPS Z4, Z0, Z16
	VSUBPS Z8, Z4, Z20
	VADDPS Z8, Z16, Z16
	VSUBPS Z12, Z20, Z20
	VADDPS Z5, Z1, Z17
	VSUBPS Z9, Z5, Z21
	VADDPS Z9, Z17, Z17
	VSUBPS Z13, Z21, Z21
	VADDPS Z6, Z2, Z18
	VSUBPS Z10, Z6, Z22
	VADDPS Z10, Z18, Z18
	VSUBPS Z14, Z22, Z22
	VADDPS Z7, Z3, Z19
	VSUBPS Z11, Z7, Z23
	VADDPS Z11, Z19, Z19
	VSUBPS Z15, Z23, Z23
	VADDPS Z17, Z16, Z24
	VSUBPS Z18, Z17, Z25
	VADDPS Z18, Z24, Z24
	VSUBPS Z19, Z25, Z25
	VMOVAPS Z30, Z0
	VPERMI2PS Z25, Z24, Z0
	VMOVAPS Z31, Z1
	VPERMI2PS Z25, Z24, Z1
	VADDPS Z21, Z20, Z26
	VSUBPS Z22, Z21, Z27
	VADDPS Z22, Z26, Z26
	VSUBPS Z23, Z27, Z27
	VMOVAPS Z30, Z2
	VPERMI2PS Z27, Z26, Z2
	VMOVAPS Z31, Z3
	VPERMI2PS Z27, Z26, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	TESTQ R12, R12
	JZ    outnext
	VMOVUPS Z2, (DI)(R11*1)
	VMOVUPS Z3, 64(DI)(R11*1)

outnext:
	ADDQ $64, SI
	ADDQ $128, DI
	SUBQ $32, R14
	JNZ  outgroup
	INCQ R13
	JMP  outrow

outtail:
	MOVQ  R14, CX
	INCQ  CX
	SHRQ  $1, CX
	MOVL  $1, AX
	SHLQ  CX, AX
	DECQ  AX
	KMOVW AX, K1
	MOVQ  R14, CX
	MOVL  $1, AX
	SHLQ  CX, AX
	DECQ  AX
	KMOVW AX, K2
	SHRQ  $16, AX
	KMOVW AX, K3
	MOVQ SI, R10
	VMOVUPS.Z (R10), K1, Z0
	VMOVUPS.Z (R10)(R8*1), K1, Z1
	VMOVUPS.Z (R10)(R8*2), K1, Z2
	VMOVUPS.Z (R10)(R9*1), K1, Z3
	LEAQ (R10)(R8*4), R10
	VMOVUPS.Z (R10), K1, Z4
	VMOVUPS.Z (R10)(R8*1), K1, Z5
	VMOVUPS.Z (R10)(R8*2), K1, Z6
	VMOVUPS.Z (R10)(R9*1), K1, Z7
	LEAQ (R10)(R8*4), R10
	VMOVUPS.Z (R10), K1, Z8
	VMOVUPS.Z (R10)(R8*1), K1, Z9
	VMOVUPS.Z (R10)(R8*2), K1, Z10
	VMOVUPS.Z (R10)(R9*1), K1, Z11
	LEAQ (R10)(R8*4), R10
	VMOVUPS.Z (R10), K1, Z12
	VMOVUPS.Z (R10)(R8*1), K1, Z13
	VMOVUPS.Z (R10)(R8*2), K1, Z14
	VMOVUPS.Z (R10)(R9*1), K1, Z15
	VADDPS Z4, Z0, Z16
	VSUBPS Z8, Z4, Z20
	VADDPS Z8, Z16, Z16
	VSUBPS Z12, Z20, Z20
	VADDPS Z5, Z1, Z17
	VSUBPS Z9, Z5, Z21
	VADDPS Z9, Z17, Z17
	VSUBPS Z13, Z21, Z21
	VADDPS Z6, Z2, Z18
	VSUBPS Z10, Z6, Z22
	VADDPS Z10, Z18, Z18
	VSUBPS Z14, Z22, Z22
	VADDPS Z7, Z3, Z19
	VSUBPS Z11, Z7, Z23
	VADDPS Z11, Z19, Z19
	VSUBPS Z15, Z23, Z23
	VADDPS Z17, Z16, Z24
	VSUBPS Z18, Z17, Z25
	VADDPS Z18, Z24, Z24
	VSUBPS Z19, Z25, Z25
	VMOVAPS Z30, Z0
	VPERMI2PS Z25, Z24, Z0
	VMOVAPS Z31, Z1
	VPERMI2PS Z25, Z24, Z1
	VADDPS Z21, Z20, Z26
	VSUBPS Z22, Z21, Z27
	VADDPS Z22, Z26, Z26
	VSUBPS Z23, Z27, Z27
	VMOVAPS Z30, Z2
	VPERMI2PS Z27, Z26, Z2
	VMOVAPS Z31, Z3
	VPERMI2PS Z27, Z26, Z3
	VMOVUPS Z0, K2, (DI)
	VMOVUPS Z1, K3, 64(DI)
	TESTQ R12, R12
	JZ    outtaildone
	VMOVUPS Z2, K2, (DI)(R11*1)
	VMOVUPS Z3, K3, 64(DI)(R11*1)

outtaildone:
	INCQ R13
	JMP  outrow

outdone:
	VZEROUPPER
	RET
