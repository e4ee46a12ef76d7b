//go:build !purego

#include "textflag.h"

// AVX2 kernels of the planar 3×3, stride-1, padding-1 depthwise
// convolution (depthwise_planar.go), for the avx2 kernel. As in
// depthwise_planar_avx512_amd64.s, a plane is copied into the staging
// buffer between zero rows (position q at stage[w+1+q]), but a chunk is 8
// positions (8c…8c+7, the lower or upper half of the 16-position segment
// c/2), and tap kj of kernel row ki is one unaligned load from
// stage[8c + ki·w + kj]. The taps that would wrap around a row end
// (column 0 for kj = 0, column w−1 for kj = 2) are skipped with
// VBLENDVPS, which keeps the old sum: the Go loops' bits, not a sum plus
// zero. The blend masks come from the segment's two 16-bit masks, read as
// one 32-bit word (masks[2s] low, masks[2s+1] high), ANDed with each lane's
// bit and compared with it.

// tailMask<>+4·(8−k) is the mask of the first k lanes, 1 <= k <= 8.
DATA tailMask<>+0(SB)/4, $0xffffffff
DATA tailMask<>+4(SB)/4, $0xffffffff
DATA tailMask<>+8(SB)/4, $0xffffffff
DATA tailMask<>+12(SB)/4, $0xffffffff
DATA tailMask<>+16(SB)/4, $0xffffffff
DATA tailMask<>+20(SB)/4, $0xffffffff
DATA tailMask<>+24(SB)/4, $0xffffffff
DATA tailMask<>+28(SB)/4, $0xffffffff
DATA tailMask<>+32(SB)/4, $0
DATA tailMask<>+36(SB)/4, $0
DATA tailMask<>+40(SB)/4, $0
DATA tailMask<>+44(SB)/4, $0
DATA tailMask<>+48(SB)/4, $0
DATA tailMask<>+52(SB)/4, $0
DATA tailMask<>+56(SB)/4, $0
DATA tailMask<>+60(SB)/4, $0
GLOBL tailMask<>(SB), RODATA|NOPTR, $64

// laneBits<> holds the bit of each lane in a segment's mask word: +0 the
// lower half's in masks[2s] (column != 0), +32 in masks[2s+1] (column !=
// w−1); +64, +96 the same for the upper half.
DATA laneBits<>+0(SB)/4, $0x1
DATA laneBits<>+4(SB)/4, $0x2
DATA laneBits<>+8(SB)/4, $0x4
DATA laneBits<>+12(SB)/4, $0x8
DATA laneBits<>+16(SB)/4, $0x10
DATA laneBits<>+20(SB)/4, $0x20
DATA laneBits<>+24(SB)/4, $0x40
DATA laneBits<>+28(SB)/4, $0x80
DATA laneBits<>+32(SB)/4, $0x10000
DATA laneBits<>+36(SB)/4, $0x20000
DATA laneBits<>+40(SB)/4, $0x40000
DATA laneBits<>+44(SB)/4, $0x80000
DATA laneBits<>+48(SB)/4, $0x100000
DATA laneBits<>+52(SB)/4, $0x200000
DATA laneBits<>+56(SB)/4, $0x400000
DATA laneBits<>+60(SB)/4, $0x800000
DATA laneBits<>+64(SB)/4, $0x100
DATA laneBits<>+68(SB)/4, $0x200
DATA laneBits<>+72(SB)/4, $0x400
DATA laneBits<>+76(SB)/4, $0x800
DATA laneBits<>+80(SB)/4, $0x1000
DATA laneBits<>+84(SB)/4, $0x2000
DATA laneBits<>+88(SB)/4, $0x4000
DATA laneBits<>+92(SB)/4, $0x8000
DATA laneBits<>+96(SB)/4, $0x1000000
DATA laneBits<>+100(SB)/4, $0x2000000
DATA laneBits<>+104(SB)/4, $0x4000000
DATA laneBits<>+108(SB)/4, $0x8000000
DATA laneBits<>+112(SB)/4, $0x10000000
DATA laneBits<>+116(SB)/4, $0x20000000
DATA laneBits<>+120(SB)/4, $0x40000000
DATA laneBits<>+124(SB)/4, $0x80000000
GLOBL laneBits<>(SB), RODATA|NOPTR, $128

// func conv3x3AVX2(out *float32, x *float32, planes int, w *float32, stage *float32, masks *uint16, width int, n int)
// For each of planes consecutive planes of n = h·w floats (at x and out,
// n apart; weights w, 9 apart): copy the plane into the staging buffer,
// then out[8c:8c+8] for each chunk c, taps summed in order t = 3·ki + kj
// with fused multiply-adds from zero (the last chunk's store, and copy,
// under the tail mask). A segment's two chunks go together, two
// independent chains of nine FMAs (the upper one of a last segment with
// one chunk is computed, inside the staging buffer, and not stored).
//
//	DI out   SI stage at the segment   CX chunks left   R8 masks at the
//	segment   DX w·4   R9 2·w·4   Y0..Y8 weights   Y9, Y10 sums
//	Y11, Y12 and Y13, Y14 their blend masks   AX tail mask address
//	R10 planes left   R11 x   R12 out plane   R13 n·4   BX w   R14 stage
//	R15 laneBits
TEXT ·conv3x3AVX2(SB), NOSPLIT, $0-64
	MOVQ out+0(FP), R12
	MOVQ x+8(FP), R11
	MOVQ planes+16(FP), R10
	MOVQ w+24(FP), BX
	MOVQ stage+32(FP), R14
	MOVQ width+48(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*1), R9
	MOVQ    n+56(FP), R13
	LEAQ    -1(R13), AX
	ANDQ    $7, AX
	MOVQ    $7, CX
	SUBQ    AX, CX
	LEAQ    tailMask<>(SB), AX
	VMOVDQU (AX)(CX*4), Y14
	SHLQ    $2, R13
	LEAQ (AX)(CX*4), AX
	LEAQ laneBits<>(SB), R15

cplane:
	VMOVDQU (AX), Y14
	// Copy the plane: chunks of 8 floats, the last under Y14.
	MOVQ R11, SI
	LEAQ 4(R14)(DX*1), DI
	MOVQ n+56(FP), CX
	ADDQ $7, CX
	SHRQ $3, CX

ccopy:
	CMPQ    CX, $1
	JEQ     ccopylast
	VMOVUPS (SI), Y9
	VMOVUPS Y9, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JMP     ccopy

ccopylast:
	VMASKMOVPS (SI), Y14, Y9
	VMASKMOVPS Y9, Y14, (DI)

	VBROADCASTSS 0(BX), Y0
	VBROADCASTSS 4(BX), Y1
	VBROADCASTSS 8(BX), Y2
	VBROADCASTSS 12(BX), Y3
	VBROADCASTSS 16(BX), Y4
	VBROADCASTSS 20(BX), Y5
	VBROADCASTSS 24(BX), Y6
	VBROADCASTSS 28(BX), Y7
	VBROADCASTSS 32(BX), Y8
	MOVQ R12, DI
	MOVQ R14, SI
	MOVQ masks+40(FP), R8
	MOVQ n+56(FP), CX
	ADDQ $7, CX
	SHRQ $3, CX

cseg:
	VPBROADCASTD (R8), Y11
	VPAND        32(R15), Y11, Y12
	VPAND        0(R15), Y11, Y11
	VPCMPEQD     0(R15), Y11, Y11
	VPCMPEQD     32(R15), Y12, Y12
	VPBROADCASTD (R8), Y13
	VPAND        96(R15), Y13, Y14
	VPAND        64(R15), Y13, Y13
	VPCMPEQD     64(R15), Y13, Y13
	VPCMPEQD     96(R15), Y14, Y14
	VXORPS       Y9, Y9, Y9
	VXORPS       Y10, Y10, Y10
	VMOVUPS     0(SI), Y15
	VFMADD213PS Y9, Y0, Y15
	VBLENDVPS   Y11, Y15, Y9, Y9
	VMOVUPS     32(SI), Y15
	VFMADD213PS Y10, Y0, Y15
	VBLENDVPS   Y13, Y15, Y10, Y10
	VFMADD231PS 4(SI), Y1, Y9
	VFMADD231PS 36(SI), Y1, Y10
	VMOVUPS     8(SI), Y15
	VFMADD213PS Y9, Y2, Y15
	VBLENDVPS   Y12, Y15, Y9, Y9
	VMOVUPS     40(SI), Y15
	VFMADD213PS Y10, Y2, Y15
	VBLENDVPS   Y14, Y15, Y10, Y10
	VMOVUPS     0(SI)(DX*1), Y15
	VFMADD213PS Y9, Y3, Y15
	VBLENDVPS   Y11, Y15, Y9, Y9
	VMOVUPS     32(SI)(DX*1), Y15
	VFMADD213PS Y10, Y3, Y15
	VBLENDVPS   Y13, Y15, Y10, Y10
	VFMADD231PS 4(SI)(DX*1), Y4, Y9
	VFMADD231PS 36(SI)(DX*1), Y4, Y10
	VMOVUPS     8(SI)(DX*1), Y15
	VFMADD213PS Y9, Y5, Y15
	VBLENDVPS   Y12, Y15, Y9, Y9
	VMOVUPS     40(SI)(DX*1), Y15
	VFMADD213PS Y10, Y5, Y15
	VBLENDVPS   Y14, Y15, Y10, Y10
	VMOVUPS     0(SI)(R9*1), Y15
	VFMADD213PS Y9, Y6, Y15
	VBLENDVPS   Y11, Y15, Y9, Y9
	VMOVUPS     32(SI)(R9*1), Y15
	VFMADD213PS Y10, Y6, Y15
	VBLENDVPS   Y13, Y15, Y10, Y10
	VFMADD231PS 4(SI)(R9*1), Y7, Y9
	VFMADD231PS 36(SI)(R9*1), Y7, Y10
	VMOVUPS     8(SI)(R9*1), Y15
	VFMADD213PS Y9, Y8, Y15
	VBLENDVPS   Y12, Y15, Y9, Y9
	VMOVUPS     40(SI)(R9*1), Y15
	VFMADD213PS Y10, Y8, Y15
	VBLENDVPS   Y14, Y15, Y10, Y10
	CMPQ    CX, $1
	JEQ     clastlo
	VMOVUPS Y9, (DI)
	CMPQ    CX, $2
	JEQ     clasthi
	VMOVUPS Y10, 32(DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	ADDQ    $4, R8
	SUBQ    $2, CX
	JMP     cseg

clastlo:
	VMOVDQU    (AX), Y15
	VMASKMOVPS Y9, Y15, (DI)
	JMP        cnext

clasthi:
	VMOVDQU    (AX), Y15
	VMASKMOVPS Y10, Y15, 32(DI)

cnext:
	ADDQ R13, R12
	ADDQ R13, R11
	ADDQ $36, BX
	DECQ R10
	JNZ  cplane
	VZEROUPPER
	RET

// func dot3x3AVX2(lanes *float32, gs *float32, x *float32, planes int, stage *float32, masks *uint16, width int, n int)
// For each of planes consecutive planes (x and g n apart, lanes 144
// apart): copy the x plane into the staging buffer, then lanes[16t+l] +=
// Σ g[q]·(tap t of q) over the plane's positions q ≡ l (mod 16), in
// order. Eighteen sums do not fit in 16 registers: the lower lanes
// (chunks 0, 2, 4, …) and the upper ones (chunks 1, 3, …) go in two
// passes, each with its nine sums in Y0..Y8. The last chunk's g (and copy)
// is loaded under the tail mask.
//
//	DI lanes   BX g at the chunk   CX chunks left in the pass   SI stage
//	at the chunk   R8 masks at the segment   DX w·4   R9 2·w·4   Y9 g
//	Y11, Y12 blend masks   Y14 tail mask   R10 planes left   R11 x
//	R12 g plane   R13 n·4   R14 stage   R15 laneBits of the pass's half
//	AX g's last chunk
TEXT ·dot3x3AVX2(SB), NOSPLIT, $0-64
	MOVQ lanes+0(FP), DI
	MOVQ gs+8(FP), R12
	MOVQ x+16(FP), R11
	MOVQ planes+24(FP), R10
	MOVQ stage+32(FP), R14
	MOVQ width+48(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*1), R9
	MOVQ    n+56(FP), R13
	LEAQ    -1(R13), AX
	ANDQ    $7, AX
	MOVQ    $7, CX
	SUBQ    AX, CX
	LEAQ    tailMask<>(SB), AX
	VMOVDQU (AX)(CX*4), Y14
	SHLQ    $2, R13

dplane:
	// Copy the plane: chunks of 8 floats, the last under Y14.
	MOVQ R11, SI
	LEAQ 4(R14)(DX*1), BX
	MOVQ n+56(FP), CX
	ADDQ $7, CX
	SHRQ $3, CX

dcopy:
	CMPQ    CX, $1
	JEQ     dcopylast
	VMOVUPS (SI), Y9
	VMOVUPS Y9, (BX)
	ADDQ    $32, SI
	ADDQ    $32, BX
	DECQ    CX
	JMP     dcopy

dcopylast:
	VMASKMOVPS (SI), Y14, Y9
	VMASKMOVPS Y9, Y14, (BX)

	MOVQ n+56(FP), AX
	DECQ AX
	SHRQ $3, AX
	SHLQ $5, AX
	ADDQ R12, AX
	LEAQ laneBits<>(SB), R15
	MOVQ R12, BX
	MOVQ R14, SI
	MOVQ masks+40(FP), R8
	MOVQ n+56(FP), CX
	ADDQ $15, CX
	SHRQ $4, CX
	VMOVUPS 0(DI), Y0
	VMOVUPS 64(DI), Y1
	VMOVUPS 128(DI), Y2
	VMOVUPS 192(DI), Y3
	VMOVUPS 256(DI), Y4
	VMOVUPS 320(DI), Y5
	VMOVUPS 384(DI), Y6
	VMOVUPS 448(DI), Y7
	VMOVUPS 512(DI), Y8

d0loop:
	// Plain loads but for the last chunk (masked loads do not train the
	// hardware prefetcher).
	CMPQ       BX, AX
	JEQ        d0last
	VMOVUPS    (BX), Y9
	JMP        d0chunk

d0last:
	VMASKMOVPS (BX), Y14, Y9

d0chunk:
	VPBROADCASTD (R8), Y10
	VPAND        0(R15), Y10, Y11
	VPCMPEQD     0(R15), Y11, Y11
	VPAND        32(R15), Y10, Y12
	VPCMPEQD     32(R15), Y12, Y12
	VMOVUPS     0(SI), Y13
	VFMADD213PS Y0, Y9, Y13
	VBLENDVPS   Y11, Y13, Y0, Y0
	VFMADD231PS 4(SI), Y9, Y1
	VMOVUPS     8(SI), Y13
	VFMADD213PS Y2, Y9, Y13
	VBLENDVPS   Y12, Y13, Y2, Y2
	VMOVUPS     0(SI)(DX*1), Y13
	VFMADD213PS Y3, Y9, Y13
	VBLENDVPS   Y11, Y13, Y3, Y3
	VFMADD231PS 4(SI)(DX*1), Y9, Y4
	VMOVUPS     8(SI)(DX*1), Y13
	VFMADD213PS Y5, Y9, Y13
	VBLENDVPS   Y12, Y13, Y5, Y5
	VMOVUPS     0(SI)(R9*1), Y13
	VFMADD213PS Y6, Y9, Y13
	VBLENDVPS   Y11, Y13, Y6, Y6
	VFMADD231PS 4(SI)(R9*1), Y9, Y7
	VMOVUPS     8(SI)(R9*1), Y13
	VFMADD213PS Y8, Y9, Y13
	VBLENDVPS   Y12, Y13, Y8, Y8
	ADDQ $64, BX
	ADDQ $64, SI
	ADDQ $4, R8
	DECQ CX
	JNZ  d0loop
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 64(DI)
	VMOVUPS Y2, 128(DI)
	VMOVUPS Y3, 192(DI)
	VMOVUPS Y4, 256(DI)
	VMOVUPS Y5, 320(DI)
	VMOVUPS Y6, 384(DI)
	VMOVUPS Y7, 448(DI)
	VMOVUPS Y8, 512(DI)
	LEAQ laneBits<>+64(SB), R15
	LEAQ 32(R12), BX
	LEAQ 32(R14), SI
	MOVQ masks+40(FP), R8
	MOVQ n+56(FP), CX
	ADDQ $7, CX
	SHRQ $4, CX
	JZ   dnext
	VMOVUPS 32(DI), Y0
	VMOVUPS 96(DI), Y1
	VMOVUPS 160(DI), Y2
	VMOVUPS 224(DI), Y3
	VMOVUPS 288(DI), Y4
	VMOVUPS 352(DI), Y5
	VMOVUPS 416(DI), Y6
	VMOVUPS 480(DI), Y7
	VMOVUPS 544(DI), Y8

d1loop:
	// Plain loads but for the last chunk (masked loads do not train the
	// hardware prefetcher).
	CMPQ       BX, AX
	JEQ        d1last
	VMOVUPS    (BX), Y9
	JMP        d1chunk

d1last:
	VMASKMOVPS (BX), Y14, Y9

d1chunk:
	VPBROADCASTD (R8), Y10
	VPAND        0(R15), Y10, Y11
	VPCMPEQD     0(R15), Y11, Y11
	VPAND        32(R15), Y10, Y12
	VPCMPEQD     32(R15), Y12, Y12
	VMOVUPS     0(SI), Y13
	VFMADD213PS Y0, Y9, Y13
	VBLENDVPS   Y11, Y13, Y0, Y0
	VFMADD231PS 4(SI), Y9, Y1
	VMOVUPS     8(SI), Y13
	VFMADD213PS Y2, Y9, Y13
	VBLENDVPS   Y12, Y13, Y2, Y2
	VMOVUPS     0(SI)(DX*1), Y13
	VFMADD213PS Y3, Y9, Y13
	VBLENDVPS   Y11, Y13, Y3, Y3
	VFMADD231PS 4(SI)(DX*1), Y9, Y4
	VMOVUPS     8(SI)(DX*1), Y13
	VFMADD213PS Y5, Y9, Y13
	VBLENDVPS   Y12, Y13, Y5, Y5
	VMOVUPS     0(SI)(R9*1), Y13
	VFMADD213PS Y6, Y9, Y13
	VBLENDVPS   Y11, Y13, Y6, Y6
	VFMADD231PS 4(SI)(R9*1), Y9, Y7
	VMOVUPS     8(SI)(R9*1), Y13
	VFMADD213PS Y8, Y9, Y13
	VBLENDVPS   Y12, Y13, Y8, Y8
	ADDQ $64, BX
	ADDQ $64, SI
	ADDQ $4, R8
	DECQ CX
	JNZ  d1loop
	VMOVUPS Y0, 32(DI)
	VMOVUPS Y1, 96(DI)
	VMOVUPS Y2, 160(DI)
	VMOVUPS Y3, 224(DI)
	VMOVUPS Y4, 288(DI)
	VMOVUPS Y5, 352(DI)
	VMOVUPS Y6, 416(DI)
	VMOVUPS Y7, 480(DI)
	VMOVUPS Y8, 544(DI)

dnext:
	ADDQ $576, DI
	ADDQ R13, R12
	ADDQ R13, R11
	DECQ R10
	JNZ  dplane
	VZEROUPPER
	RET
