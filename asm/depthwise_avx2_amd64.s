//go:build !purego

#include "textflag.h"

// AVX2 kernels of the channel-packed depthwise convolution (depthwise.go),
// for the avx2 kernel: those of depthwise_avx512_amd64.s on 8-lane
// vectors. The packed layout is the Go code's: a 16-plane pixel vector is
// two YMM halves (planes 0..7 at +0, 8..15 at +32), and a 16×16 transpose
// is four 8×8 ones. The last, short run of a plane is read and written
// with VMASKMOVPS, which neither touches nor faults on the lanes masked
// off.

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

// TRANSPOSE8 transposes the 8×8 matrix whose rows are Y0..Y7 into
// Y8..Y15 (column j in Y8+j), through Y0..Y7: interleave pairs of floats,
// then pairs of pairs, then 128-bit lanes.
#define TRANSPOSE8 \
	VUNPCKLPS  Y1, Y0, Y8; \
	VUNPCKHPS  Y1, Y0, Y9; \
	VUNPCKLPS  Y3, Y2, Y10; \
	VUNPCKHPS  Y3, Y2, Y11; \
	VUNPCKLPS  Y5, Y4, Y12; \
	VUNPCKHPS  Y5, Y4, Y13; \
	VUNPCKLPS  Y7, Y6, Y14; \
	VUNPCKHPS  Y7, Y6, Y15; \
	VSHUFPS    $0x44, Y10, Y8, Y0; \
	VSHUFPS    $0xEE, Y10, Y8, Y1; \
	VSHUFPS    $0x44, Y11, Y9, Y2; \
	VSHUFPS    $0xEE, Y11, Y9, Y3; \
	VSHUFPS    $0x44, Y14, Y12, Y4; \
	VSHUFPS    $0xEE, Y14, Y12, Y5; \
	VSHUFPS    $0x44, Y15, Y13, Y6; \
	VSHUFPS    $0xEE, Y15, Y13, Y7; \
	VPERM2F128 $0x20, Y4, Y0, Y8; \
	VPERM2F128 $0x20, Y5, Y1, Y9; \
	VPERM2F128 $0x20, Y6, Y2, Y10; \
	VPERM2F128 $0x20, Y7, Y3, Y11; \
	VPERM2F128 $0x31, Y4, Y0, Y12; \
	VPERM2F128 $0x31, Y5, Y1, Y13; \
	VPERM2F128 $0x31, Y6, Y2, Y14; \
	VPERM2F128 $0x31, Y7, Y3, Y15

// func packPlanesAVX2(dst *float32, pos *int32, n int, src *float32, offs *[16]int64, pf int)
// For each run of 8 pixels and each half h of the planes: load the run
// from planes 8h..8h+7 (at byte offsets offs from src), transpose, and
// store pixel j's half at dst + 64·pos[j] + 32h. Full runs use plain loads
// (which train the hardware prefetcher), each prefetching the line pf
// bytes further on (the next planes a caller will pack); the last, short
// run masked ones.
//
//	DI dst   R8 pos at the run   CX pixels left   SI src at the run
//	BX offs   R10 SI + pf   R11 load mask
TEXT ·packPlanesAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ pos+8(FP), R8
	MOVQ n+16(FP), CX
	MOVQ src+24(FP), SI
	MOVQ offs+32(FP), BX
	MOVQ pf+40(FP), R10
	ADDQ SI, R10

prun:
	CMPQ CX, $8
	JLT  ptail
	MOVQ       0(BX), AX
	VMOVUPS    (SI)(AX*1), Y0
	PREFETCHT0 (R10)(AX*1)
	MOVQ       8(BX), AX
	VMOVUPS    (SI)(AX*1), Y1
	PREFETCHT0 (R10)(AX*1)
	MOVQ       16(BX), AX
	VMOVUPS    (SI)(AX*1), Y2
	PREFETCHT0 (R10)(AX*1)
	MOVQ       24(BX), AX
	VMOVUPS    (SI)(AX*1), Y3
	PREFETCHT0 (R10)(AX*1)
	MOVQ       32(BX), AX
	VMOVUPS    (SI)(AX*1), Y4
	PREFETCHT0 (R10)(AX*1)
	MOVQ       40(BX), AX
	VMOVUPS    (SI)(AX*1), Y5
	PREFETCHT0 (R10)(AX*1)
	MOVQ       48(BX), AX
	VMOVUPS    (SI)(AX*1), Y6
	PREFETCHT0 (R10)(AX*1)
	MOVQ       56(BX), AX
	VMOVUPS    (SI)(AX*1), Y7
	PREFETCHT0 (R10)(AX*1)
	TRANSPOSE8
	MOVLQSX 0(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y8, 0(DI)(AX*1)
	MOVLQSX 4(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y9, 0(DI)(AX*1)
	MOVLQSX 8(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y10, 0(DI)(AX*1)
	MOVLQSX 12(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y11, 0(DI)(AX*1)
	MOVLQSX 16(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y12, 0(DI)(AX*1)
	MOVLQSX 20(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y13, 0(DI)(AX*1)
	MOVLQSX 24(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y14, 0(DI)(AX*1)
	MOVLQSX 28(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y15, 0(DI)(AX*1)
	MOVQ       64(BX), AX
	VMOVUPS    (SI)(AX*1), Y0
	PREFETCHT0 (R10)(AX*1)
	MOVQ       72(BX), AX
	VMOVUPS    (SI)(AX*1), Y1
	PREFETCHT0 (R10)(AX*1)
	MOVQ       80(BX), AX
	VMOVUPS    (SI)(AX*1), Y2
	PREFETCHT0 (R10)(AX*1)
	MOVQ       88(BX), AX
	VMOVUPS    (SI)(AX*1), Y3
	PREFETCHT0 (R10)(AX*1)
	MOVQ       96(BX), AX
	VMOVUPS    (SI)(AX*1), Y4
	PREFETCHT0 (R10)(AX*1)
	MOVQ       104(BX), AX
	VMOVUPS    (SI)(AX*1), Y5
	PREFETCHT0 (R10)(AX*1)
	MOVQ       112(BX), AX
	VMOVUPS    (SI)(AX*1), Y6
	PREFETCHT0 (R10)(AX*1)
	MOVQ       120(BX), AX
	VMOVUPS    (SI)(AX*1), Y7
	PREFETCHT0 (R10)(AX*1)
	TRANSPOSE8
	MOVLQSX 0(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y8, 32(DI)(AX*1)
	MOVLQSX 4(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y9, 32(DI)(AX*1)
	MOVLQSX 8(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y10, 32(DI)(AX*1)
	MOVLQSX 12(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y11, 32(DI)(AX*1)
	MOVLQSX 16(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y12, 32(DI)(AX*1)
	MOVLQSX 20(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y13, 32(DI)(AX*1)
	MOVLQSX 24(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y14, 32(DI)(AX*1)
	MOVLQSX 28(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y15, 32(DI)(AX*1)
	ADDQ $32, SI
	ADDQ $32, R10
	ADDQ $32, R8
	SUBQ $8, CX
	JMP  prun

ptail:
	// 1..7 pixels left: lanes CX and up are neither read nor stored.
	TESTQ CX, CX
	JZ    pdone
	MOVQ  $8, AX
	SUBQ  CX, AX
	LEAQ  tailMask<>(SB), R11
	LEAQ  (R11)(AX*4), R11
	VMOVDQU (R11), Y8
	MOVQ       0(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y0
	MOVQ       8(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y1
	MOVQ       16(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y2
	MOVQ       24(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y3
	MOVQ       32(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y4
	MOVQ       40(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y5
	MOVQ       48(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y6
	MOVQ       56(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y7
	TRANSPOSE8
	MOVLQSX 0(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y8, 0(DI)(AX*1)
	CMPQ    CX, $1
	JEQ     ptail0done
	MOVLQSX 4(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y9, 0(DI)(AX*1)
	CMPQ    CX, $2
	JEQ     ptail0done
	MOVLQSX 8(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y10, 0(DI)(AX*1)
	CMPQ    CX, $3
	JEQ     ptail0done
	MOVLQSX 12(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y11, 0(DI)(AX*1)
	CMPQ    CX, $4
	JEQ     ptail0done
	MOVLQSX 16(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y12, 0(DI)(AX*1)
	CMPQ    CX, $5
	JEQ     ptail0done
	MOVLQSX 20(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y13, 0(DI)(AX*1)
	CMPQ    CX, $6
	JEQ     ptail0done
	MOVLQSX 24(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y14, 0(DI)(AX*1)
	CMPQ    CX, $7
	JEQ     ptail0done

ptail0done:
	VMOVDQU (R11), Y8
	MOVQ       64(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y0
	MOVQ       72(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y1
	MOVQ       80(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y2
	MOVQ       88(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y3
	MOVQ       96(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y4
	MOVQ       104(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y5
	MOVQ       112(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y6
	MOVQ       120(BX), AX
	VMASKMOVPS (SI)(AX*1), Y8, Y7
	TRANSPOSE8
	MOVLQSX 0(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y8, 32(DI)(AX*1)
	CMPQ    CX, $1
	JEQ     ptail1done
	MOVLQSX 4(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y9, 32(DI)(AX*1)
	CMPQ    CX, $2
	JEQ     ptail1done
	MOVLQSX 8(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y10, 32(DI)(AX*1)
	CMPQ    CX, $3
	JEQ     ptail1done
	MOVLQSX 12(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y11, 32(DI)(AX*1)
	CMPQ    CX, $4
	JEQ     ptail1done
	MOVLQSX 16(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y12, 32(DI)(AX*1)
	CMPQ    CX, $5
	JEQ     ptail1done
	MOVLQSX 20(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y13, 32(DI)(AX*1)
	CMPQ    CX, $6
	JEQ     ptail1done
	MOVLQSX 24(R8), AX
	SHLQ    $6, AX
	VMOVUPS Y14, 32(DI)(AX*1)
	CMPQ    CX, $7
	JEQ     ptail1done

ptail1done:

pdone:
	VZEROUPPER
	RET

// func unpackPlanesAVX2(dst *float32, offs *[16]int64, cnt int, src *float32, pos *int32, n int, pf int)
// For each run of 8 pixels and each half h of the planes: load pixel j's
// half h from src + 64·pos[j] + 32h, transpose, and store the run of plane
// 8h+i < cnt at dst + offs[8h+i] (the last, short run under a mask),
// prefetching the line pf bytes further on.
//
//	DI dst at the run   BX offs   R9 cnt   SI src   R8 pos at the run
//	CX pixels left   R10 DI + pf   R11 store mask
TEXT ·unpackPlanesAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ offs+8(FP), BX
	MOVQ cnt+16(FP), R9
	MOVQ src+24(FP), SI
	MOVQ pos+32(FP), R8
	MOVQ n+40(FP), CX
	MOVQ pf+48(FP), R10
	ADDQ DI, R10

urun:
	CMPQ CX, $8
	JGE  uhalf0
	MOVQ $8, AX
	SUBQ CX, AX
	LEAQ tailMask<>(SB), R11
	LEAQ (R11)(AX*4), R11

uhalf0:
	MOVLQSX 0(R8), AX
	SHLQ    $6, AX
	VMOVUPS 0(SI)(AX*1), Y0
	CMPQ    CX, $1
	JEQ     uloaded0
	MOVLQSX 4(R8), AX
	SHLQ    $6, AX
	VMOVUPS 0(SI)(AX*1), Y1
	CMPQ    CX, $2
	JEQ     uloaded0
	MOVLQSX 8(R8), AX
	SHLQ    $6, AX
	VMOVUPS 0(SI)(AX*1), Y2
	CMPQ    CX, $3
	JEQ     uloaded0
	MOVLQSX 12(R8), AX
	SHLQ    $6, AX
	VMOVUPS 0(SI)(AX*1), Y3
	CMPQ    CX, $4
	JEQ     uloaded0
	MOVLQSX 16(R8), AX
	SHLQ    $6, AX
	VMOVUPS 0(SI)(AX*1), Y4
	CMPQ    CX, $5
	JEQ     uloaded0
	MOVLQSX 20(R8), AX
	SHLQ    $6, AX
	VMOVUPS 0(SI)(AX*1), Y5
	CMPQ    CX, $6
	JEQ     uloaded0
	MOVLQSX 24(R8), AX
	SHLQ    $6, AX
	VMOVUPS 0(SI)(AX*1), Y6
	CMPQ    CX, $7
	JEQ     uloaded0
	MOVLQSX 28(R8), AX
	SHLQ    $6, AX
	VMOVUPS 0(SI)(AX*1), Y7

uloaded0:
	TRANSPOSE8
	CMPQ CX, $8
	JLT  umasked0
	MOVQ       0(BX), AX
	VMOVUPS    Y8, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $1
	JEQ        ustored
	MOVQ       8(BX), AX
	VMOVUPS    Y9, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $2
	JEQ        ustored
	MOVQ       16(BX), AX
	VMOVUPS    Y10, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $3
	JEQ        ustored
	MOVQ       24(BX), AX
	VMOVUPS    Y11, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $4
	JEQ        ustored
	MOVQ       32(BX), AX
	VMOVUPS    Y12, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $5
	JEQ        ustored
	MOVQ       40(BX), AX
	VMOVUPS    Y13, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $6
	JEQ        ustored
	MOVQ       48(BX), AX
	VMOVUPS    Y14, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $7
	JEQ        ustored
	MOVQ       56(BX), AX
	VMOVUPS    Y15, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $8
	JEQ        ustored
	JMP        uhalf1

umasked0:
	VMOVDQU (R11), Y0
	MOVQ       0(BX), AX
	VMASKMOVPS Y8, Y0, (DI)(AX*1)
	CMPQ       R9, $1
	JEQ        ustored
	MOVQ       8(BX), AX
	VMASKMOVPS Y9, Y0, (DI)(AX*1)
	CMPQ       R9, $2
	JEQ        ustored
	MOVQ       16(BX), AX
	VMASKMOVPS Y10, Y0, (DI)(AX*1)
	CMPQ       R9, $3
	JEQ        ustored
	MOVQ       24(BX), AX
	VMASKMOVPS Y11, Y0, (DI)(AX*1)
	CMPQ       R9, $4
	JEQ        ustored
	MOVQ       32(BX), AX
	VMASKMOVPS Y12, Y0, (DI)(AX*1)
	CMPQ       R9, $5
	JEQ        ustored
	MOVQ       40(BX), AX
	VMASKMOVPS Y13, Y0, (DI)(AX*1)
	CMPQ       R9, $6
	JEQ        ustored
	MOVQ       48(BX), AX
	VMASKMOVPS Y14, Y0, (DI)(AX*1)
	CMPQ       R9, $7
	JEQ        ustored
	MOVQ       56(BX), AX
	VMASKMOVPS Y15, Y0, (DI)(AX*1)
	CMPQ       R9, $8
	JEQ        ustored

uhalf1:
	MOVLQSX 0(R8), AX
	SHLQ    $6, AX
	VMOVUPS 32(SI)(AX*1), Y0
	CMPQ    CX, $1
	JEQ     uloaded1
	MOVLQSX 4(R8), AX
	SHLQ    $6, AX
	VMOVUPS 32(SI)(AX*1), Y1
	CMPQ    CX, $2
	JEQ     uloaded1
	MOVLQSX 8(R8), AX
	SHLQ    $6, AX
	VMOVUPS 32(SI)(AX*1), Y2
	CMPQ    CX, $3
	JEQ     uloaded1
	MOVLQSX 12(R8), AX
	SHLQ    $6, AX
	VMOVUPS 32(SI)(AX*1), Y3
	CMPQ    CX, $4
	JEQ     uloaded1
	MOVLQSX 16(R8), AX
	SHLQ    $6, AX
	VMOVUPS 32(SI)(AX*1), Y4
	CMPQ    CX, $5
	JEQ     uloaded1
	MOVLQSX 20(R8), AX
	SHLQ    $6, AX
	VMOVUPS 32(SI)(AX*1), Y5
	CMPQ    CX, $6
	JEQ     uloaded1
	MOVLQSX 24(R8), AX
	SHLQ    $6, AX
	VMOVUPS 32(SI)(AX*1), Y6
	CMPQ    CX, $7
	JEQ     uloaded1
	MOVLQSX 28(R8), AX
	SHLQ    $6, AX
	VMOVUPS 32(SI)(AX*1), Y7

uloaded1:
	TRANSPOSE8
	CMPQ CX, $8
	JLT  umasked1
	MOVQ       64(BX), AX
	VMOVUPS    Y8, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $9
	JEQ        ustored
	MOVQ       72(BX), AX
	VMOVUPS    Y9, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $10
	JEQ        ustored
	MOVQ       80(BX), AX
	VMOVUPS    Y10, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $11
	JEQ        ustored
	MOVQ       88(BX), AX
	VMOVUPS    Y11, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $12
	JEQ        ustored
	MOVQ       96(BX), AX
	VMOVUPS    Y12, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $13
	JEQ        ustored
	MOVQ       104(BX), AX
	VMOVUPS    Y13, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $14
	JEQ        ustored
	MOVQ       112(BX), AX
	VMOVUPS    Y14, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	CMPQ       R9, $15
	JEQ        ustored
	MOVQ       120(BX), AX
	VMOVUPS    Y15, (DI)(AX*1)
	PREFETCHT0 (R10)(AX*1)
	JMP        ustored

umasked1:
	VMOVDQU (R11), Y0
	MOVQ       64(BX), AX
	VMASKMOVPS Y8, Y0, (DI)(AX*1)
	CMPQ       R9, $9
	JEQ        ustored
	MOVQ       72(BX), AX
	VMASKMOVPS Y9, Y0, (DI)(AX*1)
	CMPQ       R9, $10
	JEQ        ustored
	MOVQ       80(BX), AX
	VMASKMOVPS Y10, Y0, (DI)(AX*1)
	CMPQ       R9, $11
	JEQ        ustored
	MOVQ       88(BX), AX
	VMASKMOVPS Y11, Y0, (DI)(AX*1)
	CMPQ       R9, $12
	JEQ        ustored
	MOVQ       96(BX), AX
	VMASKMOVPS Y12, Y0, (DI)(AX*1)
	CMPQ       R9, $13
	JEQ        ustored
	MOVQ       104(BX), AX
	VMASKMOVPS Y13, Y0, (DI)(AX*1)
	CMPQ       R9, $14
	JEQ        ustored
	MOVQ       112(BX), AX
	VMASKMOVPS Y14, Y0, (DI)(AX*1)
	CMPQ       R9, $15
	JEQ        ustored
	MOVQ       120(BX), AX
	VMASKMOVPS Y15, Y0, (DI)(AX*1)

ustored:
	SUBQ $8, CX
	JLE  udone
	ADDQ $32, DI
	ADDQ $32, R10
	ADDQ $32, R8
	JMP  urun

udone:
	VZEROUPPER
	RET

// func convPackedAVX2(out *float32, q int, in *float32, w *float32, offs *int64, taps int)
// out[b] = Σ_t w[t]·in[b + offs[t]/64] for q pixel vectors b, taps >= 1,
// the taps in order with fused multiply-adds from zero. Blocks of 6 pixels
// (12 sums in Y0..Y11, the tap's weight halves in Y12, Y13, the inputs as
// memory operands), then blocks of 2 and 1.
//
//	DI out   CX pixels left   SI in at the block   DX w   BX offs
//	R12 taps   R9 weight   R10 offset   R11 taps left   AX tap input
TEXT ·convPackedAVX2(SB), NOSPLIT, $0-48
	MOVQ out+0(FP), DI
	MOVQ q+8(FP), CX
	MOVQ in+16(FP), SI
	MOVQ w+24(FP), DX
	MOVQ offs+32(FP), BX
	MOVQ taps+40(FP), R12

c6:
	CMPQ CX, $6
	JLT  c6next
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	MOVQ DX, R9
	MOVQ BX, R10
	MOVQ R12, R11

c6tap:
	VMOVUPS (R9), Y12
	VMOVUPS 32(R9), Y13
	MOVQ    (R10), AX
	ADDQ    SI, AX
	VFMADD231PS 0(AX), Y12, Y0
	VFMADD231PS 32(AX), Y13, Y1
	VFMADD231PS 64(AX), Y12, Y2
	VFMADD231PS 96(AX), Y13, Y3
	VFMADD231PS 128(AX), Y12, Y4
	VFMADD231PS 160(AX), Y13, Y5
	VFMADD231PS 192(AX), Y12, Y6
	VFMADD231PS 224(AX), Y13, Y7
	VFMADD231PS 256(AX), Y12, Y8
	VFMADD231PS 288(AX), Y13, Y9
	VFMADD231PS 320(AX), Y12, Y10
	VFMADD231PS 352(AX), Y13, Y11
	ADDQ $64, R9
	ADDQ $8, R10
	DECQ R11
	JNZ  c6tap
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VMOVUPS Y8, 256(DI)
	VMOVUPS Y9, 288(DI)
	VMOVUPS Y10, 320(DI)
	VMOVUPS Y11, 352(DI)
	ADDQ $384, DI
	ADDQ $384, SI
	SUBQ $6, CX
	JMP  c6

c6next:
c2:
	CMPQ CX, $2
	JLT  c2next
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ DX, R9
	MOVQ BX, R10
	MOVQ R12, R11

c2tap:
	VMOVUPS (R9), Y12
	VMOVUPS 32(R9), Y13
	MOVQ    (R10), AX
	ADDQ    SI, AX
	VFMADD231PS 0(AX), Y12, Y0
	VFMADD231PS 32(AX), Y13, Y1
	VFMADD231PS 64(AX), Y12, Y2
	VFMADD231PS 96(AX), Y13, Y3
	ADDQ $64, R9
	ADDQ $8, R10
	DECQ R11
	JNZ  c2tap
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, DI
	ADDQ $128, SI
	SUBQ $2, CX
	JMP  c2

c2next:
c1:
	CMPQ CX, $1
	JLT  c1next
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ DX, R9
	MOVQ BX, R10
	MOVQ R12, R11

c1tap:
	VMOVUPS (R9), Y12
	VMOVUPS 32(R9), Y13
	MOVQ    (R10), AX
	ADDQ    SI, AX
	VFMADD231PS 0(AX), Y12, Y0
	VFMADD231PS 32(AX), Y13, Y1
	ADDQ $64, R9
	ADDQ $8, R10
	DECQ R11
	JNZ  c1tap
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	ADDQ $64, DI
	ADDQ $64, SI
	SUBQ $1, CX
	JMP  c1

c1next:
	VZEROUPPER
	RET

// func dotPackedAVX2(acc *float32, taps int, gs *float32, q int, in *float32, offs *int64)
// One 8-lane half of dotPackedAVX512: acc[t] += Σ_b g[b]·in[b + offs[t]/64]
// over q >= 1 pixel vectors b in order, for 1 <= taps <= 15, reading and
// writing 8 floats of each 16 (the caller moves acc, gs and in on by 8
// floats for the upper half). The sums stay in Y0..Y14; g[b] is in Y15.
//
//	DI acc   R12 taps   DX g at b   CX pixels left   SI in at b   BX offs
TEXT ·dotPackedAVX2(SB), NOSPLIT, $0-48
	MOVQ acc+0(FP), DI
	MOVQ taps+8(FP), R12
	MOVQ gs+16(FP), DX
	MOVQ q+24(FP), CX
	MOVQ in+32(FP), SI
	MOVQ offs+40(FP), BX

	VMOVUPS 0(DI), Y0
	CMPQ    R12, $1
	JEQ     dloaded
	VMOVUPS 64(DI), Y1
	CMPQ    R12, $2
	JEQ     dloaded
	VMOVUPS 128(DI), Y2
	CMPQ    R12, $3
	JEQ     dloaded
	VMOVUPS 192(DI), Y3
	CMPQ    R12, $4
	JEQ     dloaded
	VMOVUPS 256(DI), Y4
	CMPQ    R12, $5
	JEQ     dloaded
	VMOVUPS 320(DI), Y5
	CMPQ    R12, $6
	JEQ     dloaded
	VMOVUPS 384(DI), Y6
	CMPQ    R12, $7
	JEQ     dloaded
	VMOVUPS 448(DI), Y7
	CMPQ    R12, $8
	JEQ     dloaded
	VMOVUPS 512(DI), Y8
	CMPQ    R12, $9
	JEQ     dloaded
	VMOVUPS 576(DI), Y9
	CMPQ    R12, $10
	JEQ     dloaded
	VMOVUPS 640(DI), Y10
	CMPQ    R12, $11
	JEQ     dloaded
	VMOVUPS 704(DI), Y11
	CMPQ    R12, $12
	JEQ     dloaded
	VMOVUPS 768(DI), Y12
	CMPQ    R12, $13
	JEQ     dloaded
	VMOVUPS 832(DI), Y13
	CMPQ    R12, $14
	JEQ     dloaded
	VMOVUPS 896(DI), Y14

dloaded:
	CMPQ R12, $9
	JEQ  d9

dloop:
	VMOVUPS (DX), Y15
	MOVQ        0(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y0
	CMPQ        R12, $1
	JEQ         dnext
	MOVQ        8(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y1
	CMPQ        R12, $2
	JEQ         dnext
	MOVQ        16(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y2
	CMPQ        R12, $3
	JEQ         dnext
	MOVQ        24(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y3
	CMPQ        R12, $4
	JEQ         dnext
	MOVQ        32(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y4
	CMPQ        R12, $5
	JEQ         dnext
	MOVQ        40(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y5
	CMPQ        R12, $6
	JEQ         dnext
	MOVQ        48(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y6
	CMPQ        R12, $7
	JEQ         dnext
	MOVQ        56(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y7
	CMPQ        R12, $8
	JEQ         dnext
	MOVQ        64(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y8
	CMPQ        R12, $9
	JEQ         dnext
	MOVQ        72(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y9
	CMPQ        R12, $10
	JEQ         dnext
	MOVQ        80(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y10
	CMPQ        R12, $11
	JEQ         dnext
	MOVQ        88(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y11
	CMPQ        R12, $12
	JEQ         dnext
	MOVQ        96(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y12
	CMPQ        R12, $13
	JEQ         dnext
	MOVQ        104(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y13
	CMPQ        R12, $14
	JEQ         dnext
	MOVQ        112(BX), AX
	VFMADD231PS (SI)(AX*1), Y15, Y14

dnext:
	ADDQ $64, DX
	ADDQ $64, SI
	DECQ CX
	JNZ  dloop
	JMP  dstore

	// Nine taps (3×3 kernels): no exit tests, offsets in registers.
d9:
	MOVQ 0(BX), R8
	MOVQ 8(BX), R9
	MOVQ 16(BX), R10
	MOVQ 24(BX), R11
	MOVQ 32(BX), R13
	MOVQ 40(BX), R14
	MOVQ 48(BX), R15
	MOVQ 56(BX), AX
	MOVQ 64(BX), BX

d9loop:
	VMOVUPS     (DX), Y15
	VFMADD231PS (SI)(R8*1), Y15, Y0
	VFMADD231PS (SI)(R9*1), Y15, Y1
	VFMADD231PS (SI)(R10*1), Y15, Y2
	VFMADD231PS (SI)(R11*1), Y15, Y3
	VFMADD231PS (SI)(R13*1), Y15, Y4
	VFMADD231PS (SI)(R14*1), Y15, Y5
	VFMADD231PS (SI)(R15*1), Y15, Y6
	VFMADD231PS (SI)(AX*1), Y15, Y7
	VFMADD231PS (SI)(BX*1), Y15, Y8
	ADDQ        $64, DX
	ADDQ        $64, SI
	DECQ        CX
	JNZ         d9loop

dstore:
	VMOVUPS Y0, 0(DI)
	CMPQ    R12, $1
	JEQ     ddone
	VMOVUPS Y1, 64(DI)
	CMPQ    R12, $2
	JEQ     ddone
	VMOVUPS Y2, 128(DI)
	CMPQ    R12, $3
	JEQ     ddone
	VMOVUPS Y3, 192(DI)
	CMPQ    R12, $4
	JEQ     ddone
	VMOVUPS Y4, 256(DI)
	CMPQ    R12, $5
	JEQ     ddone
	VMOVUPS Y5, 320(DI)
	CMPQ    R12, $6
	JEQ     ddone
	VMOVUPS Y6, 384(DI)
	CMPQ    R12, $7
	JEQ     ddone
	VMOVUPS Y7, 448(DI)
	CMPQ    R12, $8
	JEQ     ddone
	VMOVUPS Y8, 512(DI)
	CMPQ    R12, $9
	JEQ     ddone
	VMOVUPS Y9, 576(DI)
	CMPQ    R12, $10
	JEQ     ddone
	VMOVUPS Y10, 640(DI)
	CMPQ    R12, $11
	JEQ     ddone
	VMOVUPS Y11, 704(DI)
	CMPQ    R12, $12
	JEQ     ddone
	VMOVUPS Y12, 768(DI)
	CMPQ    R12, $13
	JEQ     ddone
	VMOVUPS Y13, 832(DI)
	CMPQ    R12, $14
	JEQ     ddone
	VMOVUPS Y14, 896(DI)

ddone:
	VZEROUPPER
	RET
