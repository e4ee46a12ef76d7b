//go:build !purego

#include "textflag.h"

// AVX-512 kernels behind vec.go: the memory-bound ops of a training step.
// Each does what its pure-Go twin in vec.go does, one float32 or float64
// operation per Go operation (no fused multiply-adds). Flat kernels take
// n, a positive multiple of 16; row kernels take rows >= 1 rows of inner
// elements, as full 16-lane vectors and a tail lane mask, with per-channel
// parameters indexed by ch, which steps through 0..c-1 row by row.

// func reluAVX512(dst, src *float32, n int)
// dst = src with negative patterns (sign bit set) replaced by +0: as int32,
// max(v, 0).
TEXT ·reluAVX512(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   src+8(FP), SI
	MOVQ   n+16(FP), CX
	SHRQ   $4, CX
	VPXORD Z15, Z15, Z15

relu4:
	CMPQ      CX, $4
	JLT       relu1
	VPMAXSD   (SI), Z15, Z0
	VPMAXSD   64(SI), Z15, Z1
	VPMAXSD   128(SI), Z15, Z2
	VPMAXSD   192(SI), Z15, Z3
	VMOVDQU32 Z0, (DI)
	VMOVDQU32 Z1, 64(DI)
	VMOVDQU32 Z2, 128(DI)
	VMOVDQU32 Z3, 192(DI)
	ADDQ      $256, SI
	ADDQ      $256, DI
	SUBQ      $4, CX
	JMP       relu4

relu1:
	TESTQ     CX, CX
	JZ        reludone
	VPMAXSD   (SI), Z15, Z0
	VMOVDQU32 Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JMP       relu1

reludone:
	VZEROUPPER
	RET

// func relu6AVX512(dst, src *float32, n int)
// r = max(v, 0) as int32; dst = min(r, 6's pattern) where r <= +Inf's
// pattern, r itself (a positive NaN) elsewhere.
TEXT ·relu6AVX512(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	SHRQ         $4, CX
	VPXORD       Z15, Z15, Z15
	MOVL         $0x40c00000, AX
	VPBROADCASTD AX, Z14
	MOVL         $0x7f800000, AX
	VPBROADCASTD AX, Z13

r64:
	CMPQ      CX, $4
	JLT       r61
	VPMAXSD   (SI), Z15, Z0
	VPMAXSD   64(SI), Z15, Z1
	VPMAXSD   128(SI), Z15, Z2
	VPMAXSD   192(SI), Z15, Z3
	VPCMPD    $2, Z13, Z0, K1
	VPCMPD    $2, Z13, Z1, K2
	VPCMPD    $2, Z13, Z2, K3
	VPCMPD    $2, Z13, Z3, K4
	VPMINSD   Z14, Z0, K1, Z0
	VPMINSD   Z14, Z1, K2, Z1
	VPMINSD   Z14, Z2, K3, Z2
	VPMINSD   Z14, Z3, K4, Z3
	VMOVDQU32 Z0, (DI)
	VMOVDQU32 Z1, 64(DI)
	VMOVDQU32 Z2, 128(DI)
	VMOVDQU32 Z3, 192(DI)
	ADDQ      $256, SI
	ADDQ      $256, DI
	SUBQ      $4, CX
	JMP       r64

r61:
	TESTQ     CX, CX
	JZ        r6done
	VPMAXSD   (SI), Z15, Z0
	VPCMPD    $2, Z13, Z0, K1
	VPMINSD   Z14, Z0, K1, Z0
	VMOVDQU32 Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JMP       r61

r6done:
	VZEROUPPER
	RET

// func bandMaskAVX512(dst, g, y *float32, n int, limit uint32)
// dst = g where the pattern of y, less 1, is below limit (unsigned), else 0.
TEXT ·bandMaskAVX512(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         y+16(FP), DX
	MOVQ         n+24(FP), CX
	SHRQ         $4, CX
	MOVL         limit+32(FP), AX
	VPBROADCASTD AX, Z14
	VPTERNLOGD   $0xff, Z15, Z15, Z15 // all ones: −1

band4:
	CMPQ      CX, $4
	JLT       band1
	VPADDD    (DX), Z15, Z0
	VPADDD    64(DX), Z15, Z1
	VPADDD    128(DX), Z15, Z2
	VPADDD    192(DX), Z15, Z3
	VPCMPUD   $1, Z14, Z0, K1
	VPCMPUD   $1, Z14, Z1, K2
	VPCMPUD   $1, Z14, Z2, K3
	VPCMPUD   $1, Z14, Z3, K4
	VMOVDQU32.Z (SI), K1, Z0
	VMOVDQU32.Z 64(SI), K2, Z1
	VMOVDQU32.Z 128(SI), K3, Z2
	VMOVDQU32.Z 192(SI), K4, Z3
	VMOVDQU32 Z0, (DI)
	VMOVDQU32 Z1, 64(DI)
	VMOVDQU32 Z2, 128(DI)
	VMOVDQU32 Z3, 192(DI)
	ADDQ      $256, SI
	ADDQ      $256, DX
	ADDQ      $256, DI
	SUBQ      $4, CX
	JMP       band4

band1:
	TESTQ     CX, CX
	JZ        banddone
	VPADDD    (DX), Z15, Z0
	VPCMPUD   $1, Z14, Z0, K1
	VMOVDQU32.Z (SI), K1, Z0
	VMOVDQU32 Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DX
	ADDQ      $64, DI
	DECQ      CX
	JMP       band1

banddone:
	VZEROUPPER
	RET

// func addToAVX512(dst, src *float32, n int)
// dst += src.
TEXT ·addToAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX

add4:
	CMPQ    CX, $4
	JLT     add1
	VMOVUPS (DI), Z0
	VMOVUPS 64(DI), Z1
	VMOVUPS 128(DI), Z2
	VMOVUPS 192(DI), Z3
	VADDPS  (SI), Z0, Z0
	VADDPS  64(SI), Z1, Z1
	VADDPS  128(SI), Z2, Z2
	VADDPS  192(SI), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DI
	SUBQ    $4, CX
	JMP     add4

add1:
	TESTQ   CX, CX
	JZ      adddone
	VMOVUPS (DI), Z0
	VADDPS  (SI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JMP     add1

adddone:
	VZEROUPPER
	RET

// func affineRowsAVX512(dst, src *float32, rows, inner, full int, tail uint64, scale, shift *float32, ch, c int)
// dst = src·scale[ch] + shift[ch], row by row.
//
//	DI, SI row starts   CX rows left   DX row bytes   R8 scale   R9 shift
//	R10 ch   R11 c   R12, R13 cursors   BX vectors left   R14 tail
TEXT ·affineRowsAVX512(SB), NOSPLIT, $0-80
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  rows+16(FP), CX
	MOVQ  inner+24(FP), DX
	SHLQ  $2, DX
	MOVQ  tail+40(FP), R14
	KMOVW R14, K1
	MOVQ  scale+48(FP), R8
	MOVQ  shift+56(FP), R9
	MOVQ  ch+64(FP), R10
	MOVQ  c+72(FP), R11

arow:
	VBROADCASTSS (R8)(R10*4), Z14
	VBROADCASTSS (R9)(R10*4), Z15
	MOVQ         SI, R13
	MOVQ         DI, R12
	MOVQ         full+32(FP), BX

ablk4:
	CMPQ    BX, $4
	JLT     ablk1
	VMOVUPS (R13), Z0
	VMOVUPS 64(R13), Z1
	VMOVUPS 128(R13), Z2
	VMOVUPS 192(R13), Z3
	VMULPS  Z14, Z0, Z0
	VMULPS  Z14, Z1, Z1
	VMULPS  Z14, Z2, Z2
	VMULPS  Z14, Z3, Z3
	VADDPS  Z15, Z0, Z0
	VADDPS  Z15, Z1, Z1
	VADDPS  Z15, Z2, Z2
	VADDPS  Z15, Z3, Z3
	VMOVUPS Z0, (R12)
	VMOVUPS Z1, 64(R12)
	VMOVUPS Z2, 128(R12)
	VMOVUPS Z3, 192(R12)
	ADDQ    $256, R13
	ADDQ    $256, R12
	SUBQ    $4, BX
	JMP     ablk4

ablk1:
	TESTQ   BX, BX
	JZ      atail
	VMOVUPS (R13), Z0
	VMULPS  Z14, Z0, Z0
	VADDPS  Z15, Z0, Z0
	VMOVUPS Z0, (R12)
	ADDQ    $64, R13
	ADDQ    $64, R12
	DECQ    BX
	JMP     ablk1

atail:
	TESTQ     R14, R14
	JZ        anext
	VMOVUPS.Z (R13), K1, Z0
	VMULPS    Z14, Z0, Z0
	VADDPS    Z15, Z0, Z0
	VMOVUPS   Z0, K1, (R12)

anext:
	ADDQ DX, SI
	ADDQ DX, DI
	INCQ R10
	CMPQ R10, R11
	JLT  asame
	XORQ R10, R10

asame:
	DECQ CX
	JNZ  arow
	VZEROUPPER
	RET

// func biasRowsAVX512(y *float32, rows, inner, full int, tail uint64, bias *float32, ch, c int)
// y += bias[ch], row by row, for inner >= 16. A ragged row (tail != 0)
// ends with the vector of its last 16 elements, loaded before the row's
// other stores and stored after them (it overlaps the last whole vector,
// which gets the same sums again): no masked store, whose bytes the next
// row's first load would wait for.
//
//	DI row start   CX rows left   DX row bytes   R8 bias   R10 ch   R11 c
//	R12 cursor   BX vectors left   R14 tail
TEXT ·biasRowsAVX512(SB), NOSPLIT, $0-64
	MOVQ y+0(FP), DI
	MOVQ rows+8(FP), CX
	MOVQ inner+16(FP), DX
	SHLQ $2, DX
	MOVQ tail+32(FP), R14
	MOVQ bias+40(FP), R8
	MOVQ ch+48(FP), R10
	MOVQ c+56(FP), R11

brow:
	VBROADCASTSS (R8)(R10*4), Z15
	TESTQ        R14, R14
	JZ           bfull
	VMOVUPS      -64(DI)(DX*1), Z5
	VADDPS       Z15, Z5, Z5

bfull:
	MOVQ DI, R12
	MOVQ full+24(FP), BX

bblk4:
	CMPQ    BX, $4
	JLT     bblk1
	VMOVUPS (R12), Z0
	VMOVUPS 64(R12), Z1
	VMOVUPS 128(R12), Z2
	VMOVUPS 192(R12), Z3
	VADDPS  Z15, Z0, Z0
	VADDPS  Z15, Z1, Z1
	VADDPS  Z15, Z2, Z2
	VADDPS  Z15, Z3, Z3
	VMOVUPS Z0, (R12)
	VMOVUPS Z1, 64(R12)
	VMOVUPS Z2, 128(R12)
	VMOVUPS Z3, 192(R12)
	ADDQ    $256, R12
	SUBQ    $4, BX
	JMP     bblk4

bblk1:
	TESTQ   BX, BX
	JZ      btail
	VMOVUPS (R12), Z0
	VADDPS  Z15, Z0, Z0
	VMOVUPS Z0, (R12)
	ADDQ    $64, R12
	DECQ    BX
	JMP     bblk1

btail:
	TESTQ   R14, R14
	JZ      bnext
	VMOVUPS Z5, -64(DI)(DX*1)

bnext:
	ADDQ DX, DI
	INCQ R10
	CMPQ R10, R11
	JLT  bsame
	XORQ R10, R10

bsame:
	DECQ CX
	JNZ  brow
	VZEROUPPER
	RET

// func bnGradRowsAVX512(dst, x, g *float32, rows, inner, full int, tail uint64, params *float32, ch, c int)
// Batch norm's input gradient, row by row; params holds 8 floats per
// channel: μ, σ⁻¹, k, mean(g), mean(g·x̂).
//
//	DI, SI, DX row starts (dst, x, g)   CX rows left   R9 row bytes
//	R8 params   R10 ch   R11 c   R12, R13, R14 cursors   BX vectors left
TEXT ·bnGradRowsAVX512(SB), NOSPLIT, $0-80
	MOVQ  dst+0(FP), DI
	MOVQ  x+8(FP), SI
	MOVQ  grad+16(FP), DX
	MOVQ  rows+24(FP), CX
	MOVQ  inner+32(FP), R9
	SHLQ  $2, R9
	MOVQ  tail+48(FP), AX
	KMOVW AX, K1
	MOVQ  params+56(FP), R8
	MOVQ  ch+64(FP), R10
	MOVQ  c+72(FP), R11

grow:
	MOVQ         R10, AX
	SHLQ         $5, AX
	ADDQ         R8, AX
	VBROADCASTSS 0(AX), Z9
	VBROADCASTSS 4(AX), Z10
	VBROADCASTSS 8(AX), Z11
	VBROADCASTSS 12(AX), Z12
	VBROADCASTSS 16(AX), Z13
	MOVQ         DI, R12
	MOVQ         SI, R13
	MOVQ         DX, R14
	MOVQ         full+40(FP), BX

gblk2:
	CMPQ    BX, $2
	JLT     gblk1
	VMOVUPS (R13), Z0
	VMOVUPS (R14), Z1
	VMOVUPS 64(R13), Z2
	VMOVUPS 64(R14), Z3
	VSUBPS  Z9, Z0, Z0
	VSUBPS  Z9, Z2, Z2
	VMULPS  Z10, Z0, Z0
	VMULPS  Z10, Z2, Z2
	VMULPS  Z13, Z0, Z0
	VMULPS  Z13, Z2, Z2
	VSUBPS  Z12, Z1, Z1
	VSUBPS  Z12, Z3, Z3
	VSUBPS  Z0, Z1, Z1
	VSUBPS  Z2, Z3, Z3
	VMULPS  Z1, Z11, Z1
	VMULPS  Z3, Z11, Z3
	VMOVUPS Z1, (R12)
	VMOVUPS Z3, 64(R12)
	ADDQ    $128, R12
	ADDQ    $128, R13
	ADDQ    $128, R14
	SUBQ    $2, BX
	JMP     gblk2

gblk1:
	TESTQ   BX, BX
	JZ      gtail
	VMOVUPS (R13), Z0
	VMOVUPS (R14), Z1
	VSUBPS  Z9, Z0, Z0
	VMULPS  Z10, Z0, Z0
	VMULPS  Z13, Z0, Z0
	VSUBPS  Z12, Z1, Z1
	VSUBPS  Z0, Z1, Z1
	VMULPS  Z1, Z11, Z1
	VMOVUPS Z1, (R12)
	ADDQ    $64, R12
	ADDQ    $64, R13
	ADDQ    $64, R14
	DECQ    BX
	JMP     gblk1

gtail:
	CMPQ      tail+48(FP), $0
	JEQ       gnext
	VMOVUPS.Z (R13), K1, Z0
	VMOVUPS.Z (R14), K1, Z1
	VSUBPS    Z9, Z0, Z0
	VMULPS    Z10, Z0, Z0
	VMULPS    Z13, Z0, Z0
	VSUBPS    Z12, Z1, Z1
	VSUBPS    Z0, Z1, Z1
	VMULPS    Z1, Z11, Z1
	VMOVUPS   Z1, K1, (R12)

gnext:
	ADDQ R9, DI
	ADDQ R9, SI
	ADDQ R9, DX
	INCQ R10
	CMPQ R10, R11
	JLT  gsame
	XORQ R10, R10

gsame:
	DECQ CX
	JNZ  grow
	VZEROUPPER
	RET

// func sumLanesAVX512(acc *float64, x *float32, runs, stride, full int, tail uint64)
// acc[k mod 16] += float64(x[r·stride + k]) for r < runs, k < 16·full +
// popcount(tail). Z8 holds lanes 0-7, Z9 lanes 8-15; the tail adds under
// its mask (K1 low half, K2 high half).
TEXT ·sumLanesAVX512(SB), NOSPLIT, $0-48
	MOVQ     acc+0(FP), DI
	MOVQ     x+8(FP), SI
	MOVQ     runs+16(FP), CX
	MOVQ     stride+24(FP), DX
	SHLQ     $2, DX
	MOVQ     full+32(FP), R8
	MOVQ     tail+40(FP), R9
	KMOVW    R9, K1
	KSHIFTRW $8, K1, K2
	VMOVUPD  (DI), Z8
	VMOVUPD  64(DI), Z9

srun:
	MOVQ SI, R12
	MOVQ R8, BX

sblk:
	TESTQ     BX, BX
	JZ        stail
	VCVTPS2PD (R12), Z0
	VCVTPS2PD 32(R12), Z1
	VADDPD    Z0, Z8, Z8
	VADDPD    Z1, Z9, Z9
	ADDQ      $64, R12
	DECQ      BX
	JMP       sblk

stail:
	TESTQ         R9, R9
	JZ            snext
	VMOVUPS.Z     (R12), K1, Z2
	VCVTPS2PD     Y2, Z0
	VEXTRACTF64X4 $1, Z2, Y3
	VCVTPS2PD     Y3, Z1
	VADDPD        Z0, Z8, K1, Z8
	VADDPD        Z1, Z9, K2, Z9

snext:
	ADDQ DX, SI
	DECQ CX
	JNZ  srun
	VMOVUPD Z8, (DI)
	VMOVUPD Z9, 64(DI)
	VZEROUPPER
	RET

// func sqDevLanesAVX512(acc *float64, x *float32, runs, stride, full int, tail uint64, mu float64)
// acc[k mod 16] += (float64(x[r·stride + k]) − mu)², as sumLanesAVX512.
TEXT ·sqDevLanesAVX512(SB), NOSPLIT, $0-56
	MOVQ         acc+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         runs+16(FP), CX
	MOVQ         stride+24(FP), DX
	SHLQ         $2, DX
	MOVQ         full+32(FP), R8
	MOVQ         tail+40(FP), R9
	KMOVW        R9, K1
	KSHIFTRW     $8, K1, K2
	VBROADCASTSD mu+48(FP), Z10
	VMOVUPD      (DI), Z8
	VMOVUPD      64(DI), Z9

qrun:
	MOVQ SI, R12
	MOVQ R8, BX

qblk:
	TESTQ     BX, BX
	JZ        qtail
	VCVTPS2PD (R12), Z0
	VCVTPS2PD 32(R12), Z1
	VSUBPD    Z10, Z0, Z0
	VSUBPD    Z10, Z1, Z1
	VMULPD    Z0, Z0, Z0
	VMULPD    Z1, Z1, Z1
	VADDPD    Z0, Z8, Z8
	VADDPD    Z1, Z9, Z9
	ADDQ      $64, R12
	DECQ      BX
	JMP       qblk

qtail:
	TESTQ         R9, R9
	JZ            qnext
	VMOVUPS.Z     (R12), K1, Z2
	VCVTPS2PD     Y2, Z0
	VEXTRACTF64X4 $1, Z2, Y3
	VCVTPS2PD     Y3, Z1
	VSUBPD        Z10, Z0, Z0
	VSUBPD        Z10, Z1, Z1
	VMULPD        Z0, Z0, Z0
	VMULPD        Z1, Z1, Z1
	VADDPD        Z0, Z8, K1, Z8
	VADDPD        Z1, Z9, K2, Z9

qnext:
	ADDQ DX, SI
	DECQ CX
	JNZ  qrun
	VMOVUPD Z8, (DI)
	VMOVUPD Z9, 64(DI)
	VZEROUPPER
	RET

// func bnGradLanesAVX512(acc *float64, x, g *float32, runs, stride, full int, tail uint64, mu float32)
// For i = r·stride + k: acc[k mod 16] += float64(g[i]) and
// acc[16 + k mod 16] += float64(g[i])·float64(x[i] − mu).
// Z8, Z9: Σ g; Z10, Z11: Σ g·(x − μ).
TEXT ·bnGradLanesAVX512(SB), NOSPLIT, $0-60
	MOVQ         acc+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         grad+16(FP), DX
	MOVQ         runs+24(FP), CX
	MOVQ         stride+32(FP), R10
	SHLQ         $2, R10
	MOVQ         full+40(FP), R8
	MOVQ         tail+48(FP), R9
	KMOVW        R9, K1
	KSHIFTRW     $8, K1, K2
	VBROADCASTSS mu+56(FP), Z12
	VMOVUPD      (DI), Z8
	VMOVUPD      64(DI), Z9
	VMOVUPD      128(DI), Z10
	VMOVUPD      192(DI), Z11

nrun:
	MOVQ SI, R12
	MOVQ DX, R13
	MOVQ R8, BX

nblk:
	TESTQ         BX, BX
	JZ            ntail
	VMOVUPS       (R12), Z0
	VSUBPS        Z12, Z0, Z0
	VCVTPS2PD     (R13), Z2
	VCVTPS2PD     32(R13), Z3
	VCVTPS2PD     Y0, Z4
	VEXTRACTF64X4 $1, Z0, Y5
	VCVTPS2PD     Y5, Z5
	VADDPD        Z2, Z8, Z8
	VADDPD        Z3, Z9, Z9
	VMULPD        Z4, Z2, Z4
	VMULPD        Z5, Z3, Z5
	VADDPD        Z4, Z10, Z10
	VADDPD        Z5, Z11, Z11
	ADDQ          $64, R12
	ADDQ          $64, R13
	DECQ          BX
	JMP           nblk

ntail:
	TESTQ         R9, R9
	JZ            nnext
	VMOVUPS.Z     (R12), K1, Z0
	VMOVUPS.Z     (R13), K1, Z1
	VSUBPS        Z12, Z0, Z0
	VCVTPS2PD     Y1, Z2
	VEXTRACTF64X4 $1, Z1, Y3
	VCVTPS2PD     Y3, Z3
	VCVTPS2PD     Y0, Z4
	VEXTRACTF64X4 $1, Z0, Y5
	VCVTPS2PD     Y5, Z5
	VADDPD        Z2, Z8, K1, Z8
	VADDPD        Z3, Z9, K2, Z9
	VMULPD        Z4, Z2, Z4
	VMULPD        Z5, Z3, Z5
	VADDPD        Z4, Z10, K1, Z10
	VADDPD        Z5, Z11, K2, Z11

nnext:
	ADDQ R10, SI
	ADDQ R10, DX
	DECQ CX
	JNZ  nrun
	VMOVUPD Z8, (DI)
	VMOVUPD Z9, 64(DI)
	VMOVUPD Z10, 128(DI)
	VMOVUPD Z11, 192(DI)
	VZEROUPPER
	RET

// func colSumsAVX512(acc *float64, x *float32, rows, ldx, full int, tail uint64)
// acc[j] += float64(x[r·ldx + j]) for r = 0, 1, ..., rows−1 in turn, for
// j < 16·full + popcount(tail): 32 columns at a time in Z8-Z11 over all
// rows, then 16, then the masked tail.
//
//	DI acc cursor   SI column cursor in x   DX ldx bytes   CX rows
//	BX blocks left   R12 row cursor   R13 rows left
TEXT ·colSumsAVX512(SB), NOSPLIT, $0-48
	MOVQ     acc+0(FP), DI
	MOVQ     x+8(FP), SI
	MOVQ     rows+16(FP), CX
	MOVQ     ldx+24(FP), DX
	SHLQ     $2, DX
	MOVQ     full+32(FP), BX
	MOVQ     tail+40(FP), R9
	KMOVW    R9, K1
	KSHIFTRW $8, K1, K2

cblk2:
	CMPQ    BX, $2
	JLT     cblk1
	VMOVUPD (DI), Z8
	VMOVUPD 64(DI), Z9
	VMOVUPD 128(DI), Z10
	VMOVUPD 192(DI), Z11
	MOVQ    SI, R12
	MOVQ    CX, R13

crow2:
	VCVTPS2PD (R12), Z0
	VCVTPS2PD 32(R12), Z1
	VCVTPS2PD 64(R12), Z2
	VCVTPS2PD 96(R12), Z3
	VADDPD    Z0, Z8, Z8
	VADDPD    Z1, Z9, Z9
	VADDPD    Z2, Z10, Z10
	VADDPD    Z3, Z11, Z11
	ADDQ      DX, R12
	DECQ      R13
	JNZ       crow2
	VMOVUPD   Z8, (DI)
	VMOVUPD   Z9, 64(DI)
	VMOVUPD   Z10, 128(DI)
	VMOVUPD   Z11, 192(DI)
	ADDQ      $256, DI
	ADDQ      $128, SI
	SUBQ      $2, BX
	JMP       cblk2

cblk1:
	TESTQ   BX, BX
	JZ      ctail
	VMOVUPD (DI), Z8
	VMOVUPD 64(DI), Z9
	MOVQ    SI, R12
	MOVQ    CX, R13

crow1:
	VCVTPS2PD (R12), Z0
	VCVTPS2PD 32(R12), Z1
	VADDPD    Z0, Z8, Z8
	VADDPD    Z1, Z9, Z9
	ADDQ      DX, R12
	DECQ      R13
	JNZ       crow1
	VMOVUPD   Z8, (DI)
	VMOVUPD   Z9, 64(DI)
	ADDQ      $128, DI
	ADDQ      $64, SI

ctail:
	TESTQ     R9, R9
	JZ        cdone
	VMOVUPD.Z (DI), K1, Z8
	VMOVUPD.Z 64(DI), K2, Z9
	MOVQ      SI, R12
	MOVQ      CX, R13

crowt:
	VMOVUPS.Z     (R12), K1, Z2
	VCVTPS2PD     Y2, Z0
	VEXTRACTF64X4 $1, Z2, Y3
	VCVTPS2PD     Y3, Z1
	VADDPD        Z0, Z8, Z8
	VADDPD        Z1, Z9, Z9
	ADDQ          DX, R12
	DECQ          R13
	JNZ           crowt
	VMOVUPD       Z8, K1, (DI)
	VMOVUPD       Z9, K2, 64(DI)

cdone:
	VZEROUPPER
	RET

// func sgdAVX512(w, g *float32, n int, lr, wd float32)
// w = w − lr·(g + wd·w).
TEXT ·sgdAVX512(SB), NOSPLIT, $0-32
	MOVQ         w+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         n+16(FP), CX
	SHRQ         $4, CX
	VBROADCASTSS lr+24(FP), Z14
	VBROADCASTSS wd+28(FP), Z15

sgd2:
	CMPQ    CX, $2
	JLT     sgd1
	VMOVUPS (DI), Z0
	VMOVUPS 64(DI), Z1
	VMOVUPS (SI), Z4
	VMOVUPS 64(SI), Z5
	VMULPS  Z0, Z15, Z2
	VMULPS  Z1, Z15, Z3
	VADDPS  Z2, Z4, Z2
	VADDPS  Z3, Z5, Z3
	VMULPS  Z2, Z14, Z2
	VMULPS  Z3, Z14, Z3
	VSUBPS  Z2, Z0, Z0
	VSUBPS  Z3, Z1, Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	SUBQ    $2, CX
	JMP     sgd2

sgd1:
	TESTQ   CX, CX
	JZ      sgddone
	VMOVUPS (DI), Z0
	VMOVUPS (SI), Z4
	VMULPS  Z0, Z15, Z2
	VADDPS  Z2, Z4, Z2
	VMULPS  Z2, Z14, Z2
	VSUBPS  Z2, Z0, Z0
	VMOVUPS Z0, (DI)

sgddone:
	VZEROUPPER
	RET

// func sgdMomentumAVX512(w, g, b *float32, n int, lr, wd, mu, damp float32)
// b = mu·b + damp·(g + wd·w); w = w − lr·b.
TEXT ·sgdMomentumAVX512(SB), NOSPLIT, $0-48
	MOVQ         w+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         b+16(FP), DX
	MOVQ         n+24(FP), CX
	SHRQ         $4, CX
	VBROADCASTSS lr+32(FP), Z12
	VBROADCASTSS wd+36(FP), Z13
	VBROADCASTSS mu+40(FP), Z14
	VBROADCASTSS damp+44(FP), Z15

mom2:
	CMPQ    CX, $2
	JLT     mom1
	VMOVUPS (DI), Z0
	VMOVUPS 64(DI), Z1
	VMOVUPS (SI), Z2
	VMOVUPS 64(SI), Z3
	VMOVUPS (DX), Z4
	VMOVUPS 64(DX), Z5
	VMULPS  Z0, Z13, Z6
	VMULPS  Z1, Z13, Z7
	VADDPS  Z6, Z2, Z6
	VADDPS  Z7, Z3, Z7
	VMULPS  Z6, Z15, Z6
	VMULPS  Z7, Z15, Z7
	VMULPS  Z4, Z14, Z4
	VMULPS  Z5, Z14, Z5
	VADDPS  Z6, Z4, Z4
	VADDPS  Z7, Z5, Z5
	VMOVUPS Z4, (DX)
	VMOVUPS Z5, 64(DX)
	VMULPS  Z4, Z12, Z6
	VMULPS  Z5, Z12, Z7
	VSUBPS  Z6, Z0, Z0
	VSUBPS  Z7, Z1, Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	ADDQ    $128, DX
	SUBQ    $2, CX
	JMP     mom2

mom1:
	TESTQ   CX, CX
	JZ      momdone
	VMOVUPS (DI), Z0
	VMOVUPS (SI), Z2
	VMOVUPS (DX), Z4
	VMULPS  Z0, Z13, Z6
	VADDPS  Z6, Z2, Z6
	VMULPS  Z6, Z15, Z6
	VMULPS  Z4, Z14, Z4
	VADDPS  Z6, Z4, Z4
	VMOVUPS Z4, (DX)
	VMULPS  Z4, Z12, Z6
	VSUBPS  Z6, Z0, Z0
	VMOVUPS Z0, (DI)

momdone:
	VZEROUPPER
	RET

// Lane indices for deinterleaving 32 floats: the even and the odd ones
// (also the index offsets 2·lane of a window's first column).
DATA vecEven<>+0x00(SB)/8, $0x0000000200000000
DATA vecEven<>+0x08(SB)/8, $0x0000000600000004
DATA vecEven<>+0x10(SB)/8, $0x0000000a00000008
DATA vecEven<>+0x18(SB)/8, $0x0000000e0000000c
DATA vecEven<>+0x20(SB)/8, $0x0000001200000010
DATA vecEven<>+0x28(SB)/8, $0x0000001600000014
DATA vecEven<>+0x30(SB)/8, $0x0000001a00000018
DATA vecEven<>+0x38(SB)/8, $0x0000001e0000001c
GLOBL vecEven<>(SB), RODATA|NOPTR, $64

DATA vecOdd<>+0x00(SB)/8, $0x0000000300000001
DATA vecOdd<>+0x08(SB)/8, $0x0000000700000005
DATA vecOdd<>+0x10(SB)/8, $0x0000000b00000009
DATA vecOdd<>+0x18(SB)/8, $0x0000000f0000000d
DATA vecOdd<>+0x20(SB)/8, $0x0000001300000011
DATA vecOdd<>+0x28(SB)/8, $0x0000001700000015
DATA vecOdd<>+0x30(SB)/8, $0x0000001b00000019
DATA vecOdd<>+0x38(SB)/8, $0x0000001f0000001d
GLOBL vecOdd<>(SB), RODATA|NOPTR, $64

// POOLTAKE(v, off) moves v into the best values Z4 and off into the
// offsets Z5 in the lanes where v > Z4 or v is a NaN: the reference scan's
// test.
#define POOLTAKE(v, off) \
	VCMPPS    $0x1e, Z4, v, K1; \
	VCMPPS    $3, v, v, K2; \
	KORW      K1, K2, K1; \
	VMOVAPS   v, K1, Z4; \
	VMOVDQA32 off, K1, Z5

// POOL16 pools the 16 windows whose rows are Z0:Z1 (top) and Z2:Z3
// (bottom) into Z4 (maxima) and Z7 (indices, from the first-column
// indices Z19).
#define POOL16 \
	VMOVAPS   Z0, Z4; \
	VPERMT2PS Z1, Z20, Z4; \
	VPERMT2PS Z1, Z21, Z0; \
	VMOVAPS   Z2, Z6; \
	VPERMT2PS Z3, Z20, Z6; \
	VPERMT2PS Z3, Z21, Z2; \
	VPXORD    Z5, Z5, Z5; \
	POOLTAKE(Z0, Z22); \
	POOLTAKE(Z6, Z23); \
	POOLTAKE(Z2, Z24); \
	VPADDD    Z5, Z19, Z7

// func maxPool2x2AVX512(dst *float32, idx *int32, src *float32, w, oy, rows, wo, full int, tail, tlo, thi uint64)
// 2×2 stride-2 max pooling of output rows oy..oy+rows−1 of a plane (src,
// row length w) into dst and idx (row length wo), 16 windows at a time:
// full blocks, then a tail of windows under mask tail, reading its
// columns under tlo (first 16) and thi (next 16).
//
//	R8 dst   R9 idx   R10 src   R11 w   CX oy   R13 rows left   R14 wo
//	R12, DX top and bottom row cursors   DI, SI dst and idx cursors
//	BX blocks left   Z19 indices of the windows' first elements
TEXT ·maxPool2x2AVX512(SB), NOSPLIT, $0-88
	MOVQ         dst+0(FP), R8
	MOVQ         idx+8(FP), R9
	MOVQ         src+16(FP), R10
	MOVQ         w+24(FP), R11
	MOVQ         oy+32(FP), CX
	MOVQ         rows+40(FP), R13
	MOVQ         wo+48(FP), R14
	MOVQ         tail+64(FP), AX
	KMOVW        AX, K6
	MOVQ         tlo+72(FP), AX
	KMOVW        AX, K4
	MOVQ         thi+80(FP), AX
	KMOVW        AX, K5
	VMOVDQU32    vecEven<>(SB), Z20
	VMOVDQU32    vecOdd<>(SB), Z21
	MOVL         $1, AX
	VPBROADCASTD AX, Z22
	VPBROADCASTD R11, Z23
	LEAQ         1(R11), AX
	VPBROADCASTD AX, Z24
	MOVL         $32, AX
	VPBROADCASTD AX, Z25

prow:
	MOVQ         CX, AX
	IMULQ        R11, AX
	SHLQ         $1, AX
	VPBROADCASTD AX, Z19
	VPADDD       Z20, Z19, Z19
	LEAQ         (R10)(AX*4), R12
	LEAQ         (R12)(R11*4), DX
	MOVQ         CX, AX
	IMULQ        R14, AX
	LEAQ         (R8)(AX*4), DI
	LEAQ         (R9)(AX*4), SI
	MOVQ         full+56(FP), BX

pblk:
	TESTQ     BX, BX
	JZ        ptail
	VMOVUPS   (R12), Z0
	VMOVUPS   64(R12), Z1
	VMOVUPS   (DX), Z2
	VMOVUPS   64(DX), Z3
	POOL16
	VMOVUPS   Z4, (DI)
	VMOVDQU32 Z7, (SI)
	VPADDD    Z25, Z19, Z19
	ADDQ      $128, R12
	ADDQ      $128, DX
	ADDQ      $64, DI
	ADDQ      $64, SI
	DECQ      BX
	JMP       pblk

ptail:
	CMPQ      tail+64(FP), $0
	JEQ       pnext
	VMOVUPS.Z (R12), K4, Z0
	VMOVUPS.Z 64(R12), K5, Z1
	VMOVUPS.Z (DX), K4, Z2
	VMOVUPS.Z 64(DX), K5, Z3
	POOL16
	VMOVUPS   Z4, K6, (DI)
	VMOVDQU32 Z7, K6, (SI)

pnext:
	INCQ CX
	DECQ R13
	JNZ  prow
	VZEROUPPER
	RET
