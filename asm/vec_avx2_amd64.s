//go:build !purego

#include "textflag.h"

// AVX2 versions of the kernels in vec_avx512_amd64.s, for CPUs without
// AVX-512: the same operations on 8-lane vectors. Flat kernels take n, a
// positive multiple of 16; row kernels take the tail of each row as a
// count (0-7) and move it with VMASKMOVPS under a mask from vecMask8.

// vecMask8+4·(8−t) holds t lanes of ones, then zeros.
DATA vecMask8<>+0x00(SB)/8, $0xffffffffffffffff
DATA vecMask8<>+0x08(SB)/8, $0xffffffffffffffff
DATA vecMask8<>+0x10(SB)/8, $0xffffffffffffffff
DATA vecMask8<>+0x18(SB)/8, $0xffffffffffffffff
DATA vecMask8<>+0x20(SB)/8, $0
DATA vecMask8<>+0x28(SB)/8, $0
DATA vecMask8<>+0x30(SB)/8, $0
DATA vecMask8<>+0x38(SB)/8, $0
GLOBL vecMask8<>(SB), RODATA|NOPTR, $64

// TAILMASK(t, reg) loads the mask of the first t lanes (t in a register,
// clobbered) into reg.
#define TAILMASK(t, reg) \
	NEGQ    t; \
	LEAQ    vecMask8<>+32(SB), AX; \
	VMOVDQU (AX)(t*4), reg

// func reluAVX2(dst, src *float32, n int)
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  n+16(FP), CX
	SHRQ  $4, CX
	VPXOR Y15, Y15, Y15

relu:
	VPMAXSD (SI), Y15, Y0
	VPMAXSD 32(SI), Y15, Y1
	VMOVDQU Y0, (DI)
	VMOVDQU Y1, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     relu
	VZEROUPPER
	RET

// func relu6AVX2(dst, src *float32, n int)
TEXT ·relu6AVX2(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	SHRQ         $4, CX
	VPXOR        Y15, Y15, Y15
	MOVL         $0x40c00000, AX
	MOVQ         AX, X14
	VPBROADCASTD X14, Y14
	MOVL         $0x7f800000, AX
	MOVQ         AX, X13
	VPBROADCASTD X13, Y13

relu6:
	VPMAXSD   (SI), Y15, Y0
	VPMAXSD   32(SI), Y15, Y1
	VPMINSD   Y14, Y0, Y2
	VPMINSD   Y14, Y1, Y3
	VPCMPGTD  Y13, Y0, Y4
	VPCMPGTD  Y13, Y1, Y5
	VPBLENDVB Y4, Y0, Y2, Y0
	VPBLENDVB Y5, Y1, Y3, Y1
	VMOVDQU   Y0, (DI)
	VMOVDQU   Y1, 32(DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       relu6
	VZEROUPPER
	RET

// func bandMaskAVX2(dst, grad, y *float32, n int, limit uint32)
// The unsigned test y−1 < limit as a signed one on values with the sign
// bit flipped.
TEXT ·bandMaskAVX2(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         y+16(FP), DX
	MOVQ         n+24(FP), CX
	SHRQ         $4, CX
	VPCMPEQD     Y15, Y15, Y15
	MOVL         $0x80000000, AX
	MOVQ         AX, X13
	VPBROADCASTD X13, Y13
	MOVL         limit+32(FP), AX
	XORL         $0x80000000, AX
	MOVQ         AX, X14
	VPBROADCASTD X14, Y14

band:
	VPADDD   (DX), Y15, Y0
	VPADDD   32(DX), Y15, Y1
	VPXOR    Y13, Y0, Y0
	VPXOR    Y13, Y1, Y1
	VPCMPGTD Y0, Y14, Y0
	VPCMPGTD Y1, Y14, Y1
	VPAND    (SI), Y0, Y0
	VPAND    32(SI), Y1, Y1
	VMOVDQU  Y0, (DI)
	VMOVDQU  Y1, 32(DI)
	ADDQ     $64, SI
	ADDQ     $64, DX
	ADDQ     $64, DI
	DECQ     CX
	JNZ      band
	VZEROUPPER
	RET

// func addToAVX2(dst, src *float32, n int)
TEXT ·addToAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX

add:
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VADDPS  (SI), Y0, Y0
	VADDPS  32(SI), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     add
	VZEROUPPER
	RET

// func affineRowsAVX2(dst, src *float32, rows, inner, full int, tail uint64, scale, shift *float32, ch, c int)
// dst = src·scale[ch] + shift[ch], row by row (registers as in
// affineRowsAVX512; Y13 the tail mask).
TEXT ·affineRowsAVX2(SB), NOSPLIT, $0-80
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ inner+24(FP), DX
	SHLQ $2, DX
	MOVQ tail+40(FP), R14
	MOVQ R14, BX
	TAILMASK(BX, Y13)
	MOVQ scale+48(FP), R8
	MOVQ shift+56(FP), R9
	MOVQ ch+64(FP), R10
	MOVQ c+72(FP), R11

arow:
	VBROADCASTSS (R8)(R10*4), Y14
	VBROADCASTSS (R9)(R10*4), Y15
	MOVQ         SI, R13
	MOVQ         DI, R12
	MOVQ         full+32(FP), BX

ablk4:
	CMPQ    BX, $4
	JLT     ablk1
	VMOVUPS (R13), Y0
	VMOVUPS 32(R13), Y1
	VMOVUPS 64(R13), Y2
	VMOVUPS 96(R13), Y3
	VMULPS  Y14, Y0, Y0
	VMULPS  Y14, Y1, Y1
	VMULPS  Y14, Y2, Y2
	VMULPS  Y14, Y3, Y3
	VADDPS  Y15, Y0, Y0
	VADDPS  Y15, Y1, Y1
	VADDPS  Y15, Y2, Y2
	VADDPS  Y15, Y3, Y3
	VMOVUPS Y0, (R12)
	VMOVUPS Y1, 32(R12)
	VMOVUPS Y2, 64(R12)
	VMOVUPS Y3, 96(R12)
	ADDQ    $128, R13
	ADDQ    $128, R12
	SUBQ    $4, BX
	JMP     ablk4

ablk1:
	TESTQ   BX, BX
	JZ      atail
	VMOVUPS (R13), Y0
	VMULPS  Y14, Y0, Y0
	VADDPS  Y15, Y0, Y0
	VMOVUPS Y0, (R12)
	ADDQ    $32, R13
	ADDQ    $32, R12
	DECQ    BX
	JMP     ablk1

atail:
	TESTQ      R14, R14
	JZ         anext
	VMASKMOVPS (R13), Y13, Y0
	VMULPS     Y14, Y0, Y0
	VADDPS     Y15, Y0, Y0
	VMASKMOVPS Y0, Y13, (R12)

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

// func biasRowsAVX2(y *float32, rows, inner, full int, tail uint64, bias *float32, ch, c int)
// As biasRowsAVX512, for inner >= 8: a ragged row ends with the vector of
// its last 8 elements.
TEXT ·biasRowsAVX2(SB), NOSPLIT, $0-64
	MOVQ y+0(FP), DI
	MOVQ rows+8(FP), CX
	MOVQ inner+16(FP), DX
	SHLQ $2, DX
	MOVQ tail+32(FP), R14
	MOVQ bias+40(FP), R8
	MOVQ ch+48(FP), R10
	MOVQ c+56(FP), R11

brow:
	VBROADCASTSS (R8)(R10*4), Y15
	TESTQ        R14, R14
	JZ           bfull
	VMOVUPS      -32(DI)(DX*1), Y5
	VADDPS       Y15, Y5, Y5

bfull:
	MOVQ DI, R12
	MOVQ full+24(FP), BX

bblk4:
	CMPQ    BX, $4
	JLT     bblk1
	VMOVUPS (R12), Y0
	VMOVUPS 32(R12), Y1
	VMOVUPS 64(R12), Y2
	VMOVUPS 96(R12), Y3
	VADDPS  Y15, Y0, Y0
	VADDPS  Y15, Y1, Y1
	VADDPS  Y15, Y2, Y2
	VADDPS  Y15, Y3, Y3
	VMOVUPS Y0, (R12)
	VMOVUPS Y1, 32(R12)
	VMOVUPS Y2, 64(R12)
	VMOVUPS Y3, 96(R12)
	ADDQ    $128, R12
	SUBQ    $4, BX
	JMP     bblk4

bblk1:
	TESTQ   BX, BX
	JZ      btail
	VMOVUPS (R12), Y0
	VADDPS  Y15, Y0, Y0
	VMOVUPS Y0, (R12)
	ADDQ    $32, R12
	DECQ    BX
	JMP     bblk1

btail:
	TESTQ   R14, R14
	JZ      bnext
	VMOVUPS Y5, -32(DI)(DX*1)

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

// func bnGradRowsAVX2(dst, x, grad *float32, rows, inner, full int, tail uint64, params *float32, ch, c int)
// Registers as in bnGradRowsAVX512; Y8 the tail mask, Y9-Y13 μ, σ⁻¹, k,
// mean(g), mean(g·x̂).
TEXT ·bnGradRowsAVX2(SB), NOSPLIT, $0-80
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ grad+16(FP), DX
	MOVQ rows+24(FP), CX
	MOVQ inner+32(FP), R9
	SHLQ $2, R9
	MOVQ tail+48(FP), BX
	TAILMASK(BX, Y8)
	MOVQ params+56(FP), R8
	MOVQ ch+64(FP), R10
	MOVQ c+72(FP), R11

grow:
	MOVQ         R10, AX
	SHLQ         $5, AX
	ADDQ         R8, AX
	VBROADCASTSS 0(AX), Y9
	VBROADCASTSS 4(AX), Y10
	VBROADCASTSS 8(AX), Y11
	VBROADCASTSS 12(AX), Y12
	VBROADCASTSS 16(AX), Y13
	MOVQ         DI, R12
	MOVQ         SI, R13
	MOVQ         DX, R14
	MOVQ         full+40(FP), BX

gblk2:
	CMPQ    BX, $2
	JLT     gblk1
	VMOVUPS (R13), Y0
	VMOVUPS (R14), Y1
	VMOVUPS 32(R13), Y2
	VMOVUPS 32(R14), Y3
	VSUBPS  Y9, Y0, Y0
	VSUBPS  Y9, Y2, Y2
	VMULPS  Y10, Y0, Y0
	VMULPS  Y10, Y2, Y2
	VMULPS  Y13, Y0, Y0
	VMULPS  Y13, Y2, Y2
	VSUBPS  Y12, Y1, Y1
	VSUBPS  Y12, Y3, Y3
	VSUBPS  Y0, Y1, Y1
	VSUBPS  Y2, Y3, Y3
	VMULPS  Y1, Y11, Y1
	VMULPS  Y3, Y11, Y3
	VMOVUPS Y1, (R12)
	VMOVUPS Y3, 32(R12)
	ADDQ    $64, R12
	ADDQ    $64, R13
	ADDQ    $64, R14
	SUBQ    $2, BX
	JMP     gblk2

gblk1:
	TESTQ   BX, BX
	JZ      gtail
	VMOVUPS (R13), Y0
	VMOVUPS (R14), Y1
	VSUBPS  Y9, Y0, Y0
	VMULPS  Y10, Y0, Y0
	VMULPS  Y13, Y0, Y0
	VSUBPS  Y12, Y1, Y1
	VSUBPS  Y0, Y1, Y1
	VMULPS  Y1, Y11, Y1
	VMOVUPS Y1, (R12)
	ADDQ    $32, R12
	ADDQ    $32, R13
	ADDQ    $32, R14
	DECQ    BX
	JMP     gblk1

gtail:
	CMPQ       tail+48(FP), $0
	JEQ        gnext
	VMASKMOVPS (R13), Y8, Y0
	VMASKMOVPS (R14), Y8, Y1
	VSUBPS     Y9, Y0, Y0
	VMULPS     Y10, Y0, Y0
	VMULPS     Y13, Y0, Y0
	VSUBPS     Y12, Y1, Y1
	VSUBPS     Y0, Y1, Y1
	VMULPS     Y1, Y11, Y1
	VMASKMOVPS Y1, Y8, (R12)

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

// func sgdAVX2(w, grad *float32, n int, lr, wd float32)
TEXT ·sgdAVX2(SB), NOSPLIT, $0-32
	MOVQ         w+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         n+16(FP), CX
	SHRQ         $4, CX
	VBROADCASTSS lr+24(FP), Y14
	VBROADCASTSS wd+28(FP), Y15

sgd:
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMULPS  Y0, Y15, Y2
	VMULPS  Y1, Y15, Y3
	VADDPS  Y2, Y4, Y2
	VADDPS  Y3, Y5, Y3
	VMULPS  Y2, Y14, Y2
	VMULPS  Y3, Y14, Y3
	VSUBPS  Y2, Y0, Y0
	VSUBPS  Y3, Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	DECQ    CX
	JNZ     sgd
	VZEROUPPER
	RET

// func sgdMomentumAVX2(w, grad, b *float32, n int, lr, wd, mu, damp float32)
TEXT ·sgdMomentumAVX2(SB), NOSPLIT, $0-48
	MOVQ         w+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         b+16(FP), DX
	MOVQ         n+24(FP), CX
	SHRQ         $4, CX
	VBROADCASTSS lr+32(FP), Y12
	VBROADCASTSS wd+36(FP), Y13
	VBROADCASTSS mu+40(FP), Y14
	VBROADCASTSS damp+44(FP), Y15

mom:
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS (SI), Y2
	VMOVUPS 32(SI), Y3
	VMOVUPS (DX), Y4
	VMOVUPS 32(DX), Y5
	VMULPS  Y0, Y13, Y6
	VMULPS  Y1, Y13, Y7
	VADDPS  Y6, Y2, Y6
	VADDPS  Y7, Y3, Y7
	VMULPS  Y6, Y15, Y6
	VMULPS  Y7, Y15, Y7
	VMULPS  Y4, Y14, Y4
	VMULPS  Y5, Y14, Y5
	VADDPS  Y6, Y4, Y4
	VADDPS  Y7, Y5, Y5
	VMOVUPS Y4, (DX)
	VMOVUPS Y5, 32(DX)
	VMULPS  Y4, Y12, Y6
	VMULPS  Y5, Y12, Y7
	VSUBPS  Y6, Y0, Y0
	VSUBPS  Y7, Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	ADDQ    $64, DX
	DECQ    CX
	JNZ     mom
	VZEROUPPER
	RET

// The lane sums in 16 float64 lanes, four per register. A run's tail of
// t < 16 elements is loaded under vecMask16's dword masks (zeros past the
// run) and added into the lanes j < t only: the sums of all four
// registers are blended in under vecMask16q's qword masks, so the other
// lanes keep their bits exactly.

// vecMask16+4·(16−t) holds t dwords of ones, then zeros.
DATA vecMask16<>+0x00(SB)/8, $0xffffffffffffffff
DATA vecMask16<>+0x08(SB)/8, $0xffffffffffffffff
DATA vecMask16<>+0x10(SB)/8, $0xffffffffffffffff
DATA vecMask16<>+0x18(SB)/8, $0xffffffffffffffff
DATA vecMask16<>+0x20(SB)/8, $0xffffffffffffffff
DATA vecMask16<>+0x28(SB)/8, $0xffffffffffffffff
DATA vecMask16<>+0x30(SB)/8, $0xffffffffffffffff
DATA vecMask16<>+0x38(SB)/8, $0xffffffffffffffff
DATA vecMask16<>+0x40(SB)/8, $0
DATA vecMask16<>+0x48(SB)/8, $0
DATA vecMask16<>+0x50(SB)/8, $0
DATA vecMask16<>+0x58(SB)/8, $0
DATA vecMask16<>+0x60(SB)/8, $0
DATA vecMask16<>+0x68(SB)/8, $0
DATA vecMask16<>+0x70(SB)/8, $0
DATA vecMask16<>+0x78(SB)/8, $0
GLOBL vecMask16<>(SB), RODATA|NOPTR, $128

// vecMask16q+8·(16−t) holds t qwords of ones, then zeros.
DATA vecMask16q<>+0x00(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x08(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x10(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x18(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x20(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x28(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x30(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x38(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x40(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x48(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x50(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x58(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x60(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x68(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x70(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x78(SB)/8, $0xffffffffffffffff
DATA vecMask16q<>+0x80(SB)/8, $0
DATA vecMask16q<>+0x88(SB)/8, $0
DATA vecMask16q<>+0x90(SB)/8, $0
DATA vecMask16q<>+0x98(SB)/8, $0
DATA vecMask16q<>+0xa0(SB)/8, $0
DATA vecMask16q<>+0xa8(SB)/8, $0
DATA vecMask16q<>+0xb0(SB)/8, $0
DATA vecMask16q<>+0xb8(SB)/8, $0
DATA vecMask16q<>+0xc0(SB)/8, $0
DATA vecMask16q<>+0xc8(SB)/8, $0
DATA vecMask16q<>+0xd0(SB)/8, $0
DATA vecMask16q<>+0xd8(SB)/8, $0
DATA vecMask16q<>+0xe0(SB)/8, $0
DATA vecMask16q<>+0xe8(SB)/8, $0
DATA vecMask16q<>+0xf0(SB)/8, $0
DATA vecMask16q<>+0xf8(SB)/8, $0
GLOBL vecMask16q<>(SB), RODATA|NOPTR, $256

// MASKS16(t) points R14 at the dword masks and R11 at the qword masks of
// a t-element tail (t in a register, clobbered).
#define MASKS16(t) \
	NEGQ t; \
	LEAQ vecMask16<>+64(SB), R14; \
	LEAQ (R14)(t*4), R14; \
	LEAQ vecMask16q<>+128(SB), R11; \
	LEAQ (R11)(t*8), R11

// LOADTAIL16(r) loads the tail at (r) under the dword masks, as
// float64s in Y0-Y3.
#define LOADTAIL16(r) \
	VMOVDQU      (R14), Y4; \
	VMASKMOVPS   (r), Y4, Y4; \
	VMOVDQU      32(R14), Y5; \
	VMASKMOVPS   32(r), Y5, Y5; \
	VCVTPS2PD    X4, Y0; \
	VEXTRACTF128 $1, Y4, X4; \
	VCVTPS2PD    X4, Y1; \
	VCVTPS2PD    X5, Y2; \
	VEXTRACTF128 $1, Y5, X5; \
	VCVTPS2PD    X5, Y3

// BLEND4(off, s, acc) replaces the lanes j < t of acc (qword masks at
// off(R11)) by those of s.
#define BLEND4(off, s, acc) \
	VMOVDQU   off(R11), Y6; \
	VBLENDVPD Y6, s, acc, acc

// func sumLanesAVX2(acc *float64, x *float32, runs, stride, full int, tail uint64)
// As sumLanesAVX512, tail the count of the last elements (0-15).
TEXT ·sumLanesAVX2(SB), NOSPLIT, $0-48
	MOVQ    acc+0(FP), DI
	MOVQ    x+8(FP), SI
	MOVQ    runs+16(FP), CX
	MOVQ    stride+24(FP), DX
	SHLQ    $2, DX
	MOVQ    full+32(FP), R8
	MOVQ    tail+40(FP), R9
	MOVQ    R9, AX
	MASKS16(AX)
	VMOVUPD (DI), Y8
	VMOVUPD 32(DI), Y9
	VMOVUPD 64(DI), Y10
	VMOVUPD 96(DI), Y11

srun:
	MOVQ SI, R12
	MOVQ R8, BX

sblk:
	TESTQ     BX, BX
	JZ        stail
	VCVTPS2PD (R12), Y0
	VCVTPS2PD 16(R12), Y1
	VCVTPS2PD 32(R12), Y2
	VCVTPS2PD 48(R12), Y3
	VADDPD    Y0, Y8, Y8
	VADDPD    Y1, Y9, Y9
	VADDPD    Y2, Y10, Y10
	VADDPD    Y3, Y11, Y11
	ADDQ      $64, R12
	DECQ      BX
	JMP       sblk

stail:
	TESTQ R9, R9
	JZ    snext
	LOADTAIL16(R12)
	VADDPD Y0, Y8, Y0
	VADDPD Y1, Y9, Y1
	VADDPD Y2, Y10, Y2
	VADDPD Y3, Y11, Y3
	BLEND4(0, Y0, Y8)
	BLEND4(32, Y1, Y9)
	BLEND4(64, Y2, Y10)
	BLEND4(96, Y3, Y11)

snext:
	ADDQ    DX, SI
	DECQ    CX
	JNZ     srun
	VMOVUPD Y8, (DI)
	VMOVUPD Y9, 32(DI)
	VMOVUPD Y10, 64(DI)
	VMOVUPD Y11, 96(DI)
	VZEROUPPER
	RET

// SQDEV4 turns Y0-Y3 into their squared deviations from Y12.
#define SQDEV4 \
	VSUBPD Y12, Y0, Y0; \
	VSUBPD Y12, Y1, Y1; \
	VSUBPD Y12, Y2, Y2; \
	VSUBPD Y12, Y3, Y3; \
	VMULPD Y0, Y0, Y0; \
	VMULPD Y1, Y1, Y1; \
	VMULPD Y2, Y2, Y2; \
	VMULPD Y3, Y3, Y3

// func sqDevLanesAVX2(acc *float64, x *float32, runs, stride, full int, tail uint64, mu float64)
TEXT ·sqDevLanesAVX2(SB), NOSPLIT, $0-56
	MOVQ         acc+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         runs+16(FP), CX
	MOVQ         stride+24(FP), DX
	SHLQ         $2, DX
	MOVQ         full+32(FP), R8
	MOVQ         tail+40(FP), R9
	MOVQ         R9, AX
	MASKS16(AX)
	VBROADCASTSD mu+48(FP), Y12
	VMOVUPD      (DI), Y8
	VMOVUPD      32(DI), Y9
	VMOVUPD      64(DI), Y10
	VMOVUPD      96(DI), Y11

qrun:
	MOVQ SI, R12
	MOVQ R8, BX

qblk:
	TESTQ     BX, BX
	JZ        qtail
	VCVTPS2PD (R12), Y0
	VCVTPS2PD 16(R12), Y1
	VCVTPS2PD 32(R12), Y2
	VCVTPS2PD 48(R12), Y3
	SQDEV4
	VADDPD    Y0, Y8, Y8
	VADDPD    Y1, Y9, Y9
	VADDPD    Y2, Y10, Y10
	VADDPD    Y3, Y11, Y11
	ADDQ      $64, R12
	DECQ      BX
	JMP       qblk

qtail:
	TESTQ R9, R9
	JZ    qnext
	LOADTAIL16(R12)
	SQDEV4
	VADDPD Y0, Y8, Y0
	VADDPD Y1, Y9, Y1
	VADDPD Y2, Y10, Y2
	VADDPD Y3, Y11, Y3
	BLEND4(0, Y0, Y8)
	BLEND4(32, Y1, Y9)
	BLEND4(64, Y2, Y10)
	BLEND4(96, Y3, Y11)

qnext:
	ADDQ    DX, SI
	DECQ    CX
	JNZ     qrun
	VMOVUPD Y8, (DI)
	VMOVUPD Y9, 32(DI)
	VMOVUPD Y10, 64(DI)
	VMOVUPD Y11, 96(DI)
	VZEROUPPER
	RET

// BNHALF(off, s0, s1, q0, q1) adds the 8 elements at off: g (from R13,
// as float64s) into lanes s0, s1 and g·(x − μ) (x from R12, μ in Y7)
// into q0, q1.
#define BNHALF(off, s0, s1, q0, q1) \
	VMOVUPS      off(R12), Y0; \
	VSUBPS       Y7, Y0, Y0; \
	VCVTPS2PD    off(R13), Y1; \
	VCVTPS2PD    off+16(R13), Y2; \
	VCVTPS2PD    X0, Y3; \
	VEXTRACTF128 $1, Y0, X0; \
	VCVTPS2PD    X0, Y4; \
	VADDPD       Y1, s0, s0; \
	VADDPD       Y2, s1, s1; \
	VMULPD       Y3, Y1, Y3; \
	VMULPD       Y4, Y2, Y4; \
	VADDPD       Y3, q0, q0; \
	VADDPD       Y4, q1, q1

// BNTAIL4(xreg, greg, off, s, q) adds 4 tail elements (x − μ as float32s
// in the low half of xreg, g in greg) into the lanes j < t of s and q.
#define BNTAIL4(xreg, greg, off, s, q) \
	VCVTPS2PD xreg, Y3; \
	VCVTPS2PD greg, Y4; \
	VMULPD    Y3, Y4, Y3; \
	VADDPD    Y4, s, Y4; \
	VADDPD    Y3, q, Y3; \
	BLEND4(off, Y4, s); \
	BLEND4(off, Y3, q)

// func bnGradLanesAVX2(acc *float64, x, grad *float32, runs, stride, full int, tail uint64, mu float32)
// As bnGradLanesAVX512: Y8-Y11 Σ g, Y12-Y15 Σ g·(x − μ).
TEXT ·bnGradLanesAVX2(SB), NOSPLIT, $0-60
	MOVQ         acc+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         grad+16(FP), DX
	MOVQ         runs+24(FP), CX
	MOVQ         stride+32(FP), R10
	SHLQ         $2, R10
	MOVQ         full+40(FP), R8
	MOVQ         tail+48(FP), R9
	MOVQ         R9, AX
	MASKS16(AX)
	VBROADCASTSS mu+56(FP), Y7
	VMOVUPD      (DI), Y8
	VMOVUPD      32(DI), Y9
	VMOVUPD      64(DI), Y10
	VMOVUPD      96(DI), Y11
	VMOVUPD      128(DI), Y12
	VMOVUPD      160(DI), Y13
	VMOVUPD      192(DI), Y14
	VMOVUPD      224(DI), Y15

nrun:
	MOVQ SI, R12
	MOVQ DX, R13
	MOVQ R8, BX

nblk:
	TESTQ BX, BX
	JZ    ntail
	BNHALF(0, Y8, Y9, Y12, Y13)
	BNHALF(32, Y10, Y11, Y14, Y15)
	ADDQ  $64, R12
	ADDQ  $64, R13
	DECQ  BX
	JMP   nblk

ntail:
	TESTQ        R9, R9
	JZ           nnext
	VMOVDQU      (R14), Y5
	VMASKMOVPS   (R12), Y5, Y0
	VMASKMOVPS   (R13), Y5, Y1
	VSUBPS       Y7, Y0, Y0
	BNTAIL4(X0, X1, 0, Y8, Y12)
	VEXTRACTF128 $1, Y0, X0
	VEXTRACTF128 $1, Y1, X1
	BNTAIL4(X0, X1, 32, Y9, Y13)
	VMOVDQU      32(R14), Y5
	VMASKMOVPS   32(R12), Y5, Y0
	VMASKMOVPS   32(R13), Y5, Y1
	VSUBPS       Y7, Y0, Y0
	BNTAIL4(X0, X1, 64, Y10, Y14)
	VEXTRACTF128 $1, Y0, X0
	VEXTRACTF128 $1, Y1, X1
	BNTAIL4(X0, X1, 96, Y11, Y15)

nnext:
	ADDQ    R10, SI
	ADDQ    R10, DX
	DECQ    CX
	JNZ     nrun
	VMOVUPD Y8, (DI)
	VMOVUPD Y9, 32(DI)
	VMOVUPD Y10, 64(DI)
	VMOVUPD Y11, 96(DI)
	VMOVUPD Y12, 128(DI)
	VMOVUPD Y13, 160(DI)
	VMOVUPD Y14, 192(DI)
	VMOVUPD Y15, 224(DI)
	VZEROUPPER
	RET

// func colSumsAVX2(acc *float64, x *float32, rows, ldx, full int, tail uint64)
// As colSumsAVX512, 16 columns at a time in Y8-Y11; the tail's columns
// are loaded, summed and stored under masks (VMASKMOVPD for acc).
TEXT ·colSumsAVX2(SB), NOSPLIT, $0-48
	MOVQ acc+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ ldx+24(FP), DX
	SHLQ $2, DX
	MOVQ full+32(FP), BX
	MOVQ tail+40(FP), R9
	MOVQ R9, AX
	MASKS16(AX)

cblk:
	TESTQ   BX, BX
	JZ      ctail
	VMOVUPD (DI), Y8
	VMOVUPD 32(DI), Y9
	VMOVUPD 64(DI), Y10
	VMOVUPD 96(DI), Y11
	MOVQ    SI, R12
	MOVQ    CX, R13

crow:
	VCVTPS2PD (R12), Y0
	VCVTPS2PD 16(R12), Y1
	VCVTPS2PD 32(R12), Y2
	VCVTPS2PD 48(R12), Y3
	VADDPD    Y0, Y8, Y8
	VADDPD    Y1, Y9, Y9
	VADDPD    Y2, Y10, Y10
	VADDPD    Y3, Y11, Y11
	ADDQ      DX, R12
	DECQ      R13
	JNZ       crow
	VMOVUPD   Y8, (DI)
	VMOVUPD   Y9, 32(DI)
	VMOVUPD   Y10, 64(DI)
	VMOVUPD   Y11, 96(DI)
	ADDQ      $128, DI
	ADDQ      $64, SI
	DECQ      BX
	JMP       cblk

ctail:
	TESTQ      R9, R9
	JZ         cdone
	VMOVDQU    (R11), Y12
	VMOVDQU    32(R11), Y13
	VMOVDQU    64(R11), Y14
	VMOVDQU    96(R11), Y15
	VMASKMOVPD (DI), Y12, Y8
	VMASKMOVPD 32(DI), Y13, Y9
	VMASKMOVPD 64(DI), Y14, Y10
	VMASKMOVPD 96(DI), Y15, Y11
	MOVQ       SI, R12
	MOVQ       CX, R13

crowt:
	LOADTAIL16(R12)
	VADDPD     Y0, Y8, Y8
	VADDPD     Y1, Y9, Y9
	VADDPD     Y2, Y10, Y10
	VADDPD     Y3, Y11, Y11
	ADDQ       DX, R12
	DECQ       R13
	JNZ        crowt
	VMASKMOVPD Y8, Y12, (DI)
	VMASKMOVPD Y9, Y13, 32(DI)
	VMASKMOVPD Y10, Y14, 64(DI)
	VMASKMOVPD Y11, Y15, 96(DI)

cdone:
	VZEROUPPER
	RET
