//go:build !purego

#include "textflag.h"

// AVX-512 kernels of the planar 3×3, stride-1, padding-1 depthwise
// convolution (depthwise_planar.go). A plane (n = h·w floats) sits in a
// staging buffer between zero rows: position q of the plane is stage[w+1+q],
// so kernel row ki of output segment s (positions 16s…16s+15) reads the
// 18 floats from stage[16s + ki·w]: one window of two vectors, shifted by
// kj = 0, 1, 2 floats with VALIGND. The taps that would wrap around a row
// end (column 0 for kj = 0, column w−1 for kj = 2) are masked per segment
// (masks[2s], masks[2s+1]).

// func conv3x3AVX512(out *float32, x *float32, planes int, w *float32, stage *float32, segs int, masks *uint16, width int, tail int)
// For each of planes consecutive planes of n = h·w floats (at x and out,
// n apart; weights w, 9 apart): copy the plane into the staging buffer
// (between its zero rows), then out[16s:16s+16] for its segs segments,
// taps summed in order t = 3·ki + kj with fused multiply-adds; the last
// segment's store (and copy) is masked with tail. Pairs of segments in
// Z9, Z10, then single segments.
//
//	DI out   SI stage at the segment   CX segments left   R8 masks
//	DX w·4   R9 2·w·4   Z0..Z8 weights   K7 tail   R10 planes left
//	R11 x   R12 out plane   R13 n·4   BX w   R14 stage   R15 masks
TEXT ·conv3x3AVX512(SB), NOSPLIT, $0-72
	MOVQ out+0(FP), R12
	MOVQ x+8(FP), R11
	MOVQ planes+16(FP), R10
	MOVQ w+24(FP), BX
	MOVQ stage+32(FP), R14
	MOVQ masks+48(FP), R15
	MOVQ width+56(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*1), R9
	MOVQ  tail+64(FP), AX
	KMOVW AX, K7
	MOVQ segs+40(FP), R13
	SHLQ $6, R13
	TESTQ AX, AX
	JZ   cplane
	// n·4 = 64·segs − 4·(16 − lanes in tail)
	POPCNTL AX, AX
	SUBQ $16, AX
	SHLQ $2, AX
	ADDQ AX, R13

cplane:
	// Copy the plane: segs runs of 16 floats, the last under K7.
	MOVQ R11, SI
	LEAQ 4(R14)(DX*1), DI
	MOVQ segs+40(FP), CX

ccopy:
	CMPQ      CX, $1
	JEQ       ccopylast
	VMOVUPS   (SI), Z9
	VMOVUPS   Z9, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JMP       ccopy

ccopylast:
	VMOVUPS.Z (SI), K7, Z9
	VMOVUPS   Z9, K7, (DI)

	VBROADCASTSS 0(BX), Z0
	VBROADCASTSS 4(BX), Z1
	VBROADCASTSS 8(BX), Z2
	VBROADCASTSS 12(BX), Z3
	VBROADCASTSS 16(BX), Z4
	VBROADCASTSS 20(BX), Z5
	VBROADCASTSS 24(BX), Z6
	VBROADCASTSS 28(BX), Z7
	VBROADCASTSS 32(BX), Z8
	MOVQ R12, DI
	MOVQ R14, SI
	MOVQ R15, R8
	MOVQ segs+40(FP), CX

c2:
	CMPQ CX, $3
	JLT  c1
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	KMOVW  0(R8), K1
	KMOVW  2(R8), K2
	KMOVW  4(R8), K3
	KMOVW  6(R8), K4
	VMOVUPS 0(SI), Z11
	VMOVUPS 64(SI), Z12
	VMOVUPS 128(SI), Z13
	VFMADD231PS Z11, Z0, K1, Z9
	VALIGND     $1, Z11, Z12, Z14
	VFMADD231PS Z14, Z1, Z9
	VALIGND     $2, Z11, Z12, Z15
	VFMADD231PS Z15, Z2, K2, Z9
	VFMADD231PS Z12, Z0, K3, Z10
	VALIGND     $1, Z12, Z13, Z16
	VFMADD231PS Z16, Z1, Z10
	VALIGND     $2, Z12, Z13, Z17
	VFMADD231PS Z17, Z2, K4, Z10
	VMOVUPS 0(SI)(DX*1), Z11
	VMOVUPS 64(SI)(DX*1), Z12
	VMOVUPS 128(SI)(DX*1), Z13
	VFMADD231PS Z11, Z3, K1, Z9
	VALIGND     $1, Z11, Z12, Z14
	VFMADD231PS Z14, Z4, Z9
	VALIGND     $2, Z11, Z12, Z15
	VFMADD231PS Z15, Z5, K2, Z9
	VFMADD231PS Z12, Z3, K3, Z10
	VALIGND     $1, Z12, Z13, Z16
	VFMADD231PS Z16, Z4, Z10
	VALIGND     $2, Z12, Z13, Z17
	VFMADD231PS Z17, Z5, K4, Z10
	VMOVUPS 0(SI)(R9*1), Z11
	VMOVUPS 64(SI)(R9*1), Z12
	VMOVUPS 128(SI)(R9*1), Z13
	VFMADD231PS Z11, Z6, K1, Z9
	VALIGND     $1, Z11, Z12, Z14
	VFMADD231PS Z14, Z7, Z9
	VALIGND     $2, Z11, Z12, Z15
	VFMADD231PS Z15, Z8, K2, Z9
	VFMADD231PS Z12, Z6, K3, Z10
	VALIGND     $1, Z12, Z13, Z16
	VFMADD231PS Z16, Z7, Z10
	VALIGND     $2, Z12, Z13, Z17
	VFMADD231PS Z17, Z8, K4, Z10
	VMOVUPS Z9, (DI)
	VMOVUPS Z10, 64(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	ADDQ    $8, R8
	SUBQ    $2, CX
	JMP     c2

c1:
	VPXORD Z9, Z9, Z9
	KMOVW  0(R8), K1
	KMOVW  2(R8), K2
	VMOVUPS 0(SI), Z11
	VMOVUPS 64(SI), Z12
	VFMADD231PS Z11, Z0, K1, Z9
	VALIGND     $1, Z11, Z12, Z14
	VFMADD231PS Z14, Z1, Z9
	VALIGND     $2, Z11, Z12, Z15
	VFMADD231PS Z15, Z2, K2, Z9
	VMOVUPS 0(SI)(DX*1), Z11
	VMOVUPS 64(SI)(DX*1), Z12
	VFMADD231PS Z11, Z3, K1, Z9
	VALIGND     $1, Z11, Z12, Z14
	VFMADD231PS Z14, Z4, Z9
	VALIGND     $2, Z11, Z12, Z15
	VFMADD231PS Z15, Z5, K2, Z9
	VMOVUPS 0(SI)(R9*1), Z11
	VMOVUPS 64(SI)(R9*1), Z12
	VFMADD231PS Z11, Z6, K1, Z9
	VALIGND     $1, Z11, Z12, Z14
	VFMADD231PS Z14, Z7, Z9
	VALIGND     $2, Z11, Z12, Z15
	VFMADD231PS Z15, Z8, K2, Z9
	CMPQ    CX, $1
	JEQ     clast
	VMOVUPS Z9, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	ADDQ    $4, R8
	DECQ    CX
	JMP     c1

clast:
	VMOVUPS Z9, K7, (DI)
	ADDQ    R13, R12
	ADDQ    R13, R11
	ADDQ    $36, BX
	DECQ    R10
	JNZ     cplane
	VZEROUPPER
	RET

// func dot3x3AVX512(lanes *float32, gs *float32, x *float32, planes int, stage *float32, segs int, masks *uint16, width int, tail int)
// For each of planes consecutive planes (x and g n apart, lanes 144
// apart): copy the x plane into the staging buffer, then lanes[16t+l] +=
// Σ g[q]·(tap t of q) over the plane's positions q ≡ l (mod 16), in
// order; the last segment's g (and copy) is loaded with tail. The nine
// sums stay in Z0..Z8.
//
//	DI lanes   BX g at the segment   CX segments left   SI stage at the
//	segment   R8 masks   DX w·4   R9 2·w·4   Z9 g   K6 g lanes   K7 tail
//	R10 planes left   R11 x   R12 g plane   R13 n·4   R14 stage   R15 masks
TEXT ·dot3x3AVX512(SB), NOSPLIT, $0-72
	MOVQ lanes+0(FP), DI
	MOVQ gs+8(FP), R12
	MOVQ x+16(FP), R11
	MOVQ planes+24(FP), R10
	MOVQ stage+32(FP), R14
	MOVQ masks+48(FP), R15
	MOVQ width+56(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*1), R9
	MOVQ  tail+64(FP), AX
	KMOVW AX, K7
	MOVQ segs+40(FP), R13
	SHLQ $6, R13
	TESTQ AX, AX
	JZ   dplane
	POPCNTL AX, AX
	SUBQ $16, AX
	SHLQ $2, AX
	ADDQ AX, R13

dplane:
	MOVQ R11, SI
	LEAQ 4(R14)(DX*1), BX
	MOVQ segs+40(FP), CX

dcopy:
	CMPQ      CX, $1
	JEQ       dcopylast
	VMOVUPS   (SI), Z9
	VMOVUPS   Z9, (BX)
	ADDQ      $64, SI
	ADDQ      $64, BX
	DECQ      CX
	JMP       dcopy

dcopylast:
	VMOVUPS.Z (SI), K7, Z9
	VMOVUPS   Z9, K7, (BX)

	VMOVUPS 0(DI), Z0
	VMOVUPS 64(DI), Z1
	VMOVUPS 128(DI), Z2
	VMOVUPS 192(DI), Z3
	VMOVUPS 256(DI), Z4
	VMOVUPS 320(DI), Z5
	VMOVUPS 384(DI), Z6
	VMOVUPS 448(DI), Z7
	VMOVUPS 512(DI), Z8
	MOVQ  R12, BX
	MOVQ  R14, SI
	MOVQ  R15, R8
	MOVQ  segs+40(FP), CX
	MOVL  $0xffff, AX
	KMOVW AX, K6

dloop:
	// Plain loads but for the last segment: masked loads do not train the
	// hardware prefetcher, which then leaves every line to a demand miss.
	CMPQ      CX, $1
	JNE       dfull
	VMOVUPS.Z (BX), K7, Z9
	JMP       dseg

dfull:
	VMOVUPS (BX), Z9

dseg:
	KMOVW     0(R8), K1
	KMOVW     2(R8), K2
	VMOVUPS 0(SI), Z11
	VMOVUPS 64(SI), Z12
	VFMADD231PS Z11, Z9, K1, Z0
	VALIGND     $1, Z11, Z12, Z14
	VFMADD231PS Z14, Z9, Z1
	VALIGND     $2, Z11, Z12, Z15
	VFMADD231PS Z15, Z9, K2, Z2
	VMOVUPS 0(SI)(DX*1), Z11
	VMOVUPS 64(SI)(DX*1), Z12
	VFMADD231PS Z11, Z9, K1, Z3
	VALIGND     $1, Z11, Z12, Z14
	VFMADD231PS Z14, Z9, Z4
	VALIGND     $2, Z11, Z12, Z15
	VFMADD231PS Z15, Z9, K2, Z5
	VMOVUPS 0(SI)(R9*1), Z11
	VMOVUPS 64(SI)(R9*1), Z12
	VFMADD231PS Z11, Z9, K1, Z6
	VALIGND     $1, Z11, Z12, Z14
	VFMADD231PS Z14, Z9, Z7
	VALIGND     $2, Z11, Z12, Z15
	VFMADD231PS Z15, Z9, K2, Z8
	ADDQ $64, BX
	ADDQ $64, SI
	ADDQ $4, R8
	DECQ CX
	JNZ  dloop
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	VMOVUPS Z4, 256(DI)
	VMOVUPS Z5, 320(DI)
	VMOVUPS Z6, 384(DI)
	VMOVUPS Z7, 448(DI)
	VMOVUPS Z8, 512(DI)
	ADDQ $576, DI
	ADDQ R13, R12
	ADDQ R13, R11
	DECQ R10
	JNZ  dplane
	VZEROUPPER
	RET
