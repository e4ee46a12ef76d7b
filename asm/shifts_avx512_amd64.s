//go:build !purego

#include "textflag.h"

// AVX-512 shifted sums for depthwise convolution (shifts.go).
//
// correlateAVX512 computes 8 segments of 16 outputs at a time in Z0..Z7:
// for each tap, one broadcast weight and eight FMAs whose memory operands
// (at the tap's shift) are masked by the tap's lane masks, so border lanes
// read nothing and add nothing. Eight accumulators cover the FMA latency.
// Then blocks of 4 and 1 segment, then the last, partial segment, whose
// store is masked too.
//
//	DI dst   CX full segments left   SI src at the current position
//	BX deltas   R8 masks at the current segment   R13 mask row bytes
//	DX w   R12 taps   R9 tap   R10 tap address   R11 mask address
//	Z31 weight

// func correlateAVX512(dst *float32, full int, src *float32, deltas *int, masks *uint16, stride int, w *float32, taps, tail int)
// Requires taps >= 1.
TEXT ·correlateAVX512(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ full+8(FP), CX
	MOVQ src+16(FP), SI
	MOVQ deltas+24(FP), BX
	MOVQ masks+32(FP), R8
	MOVQ stride+40(FP), R13
	SHLQ $1, R13
	MOVQ w+48(FP), DX
	MOVQ taps+56(FP), R12

c8:
	CMPQ   CX, $8
	JLT    c8next
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	XORQ   R9, R9
	MOVQ   R8, R11
c8tap:
	VBROADCASTSS (DX)(R9*4), Z31
	MOVQ         (BX)(R9*8), AX
	LEAQ         (SI)(AX*4), R10
	KMOVW        0(R11), K1
	VFMADD231PS  0(R10), Z31, K1, Z0
	KMOVW        2(R11), K2
	VFMADD231PS  64(R10), Z31, K2, Z1
	KMOVW        4(R11), K3
	VFMADD231PS  128(R10), Z31, K3, Z2
	KMOVW        6(R11), K4
	VFMADD231PS  192(R10), Z31, K4, Z3
	KMOVW        8(R11), K5
	VFMADD231PS  256(R10), Z31, K5, Z4
	KMOVW        10(R11), K6
	VFMADD231PS  320(R10), Z31, K6, Z5
	KMOVW        12(R11), K7
	VFMADD231PS  384(R10), Z31, K7, Z6
	KMOVW        14(R11), K1
	VFMADD231PS  448(R10), Z31, K1, Z7
	ADDQ         R13, R11
	INCQ         R9
	CMPQ         R9, R12
	JLT          c8tap
	VMOVUPS      Z0, 0(DI)
	VMOVUPS      Z1, 64(DI)
	VMOVUPS      Z2, 128(DI)
	VMOVUPS      Z3, 192(DI)
	VMOVUPS      Z4, 256(DI)
	VMOVUPS      Z5, 320(DI)
	VMOVUPS      Z6, 384(DI)
	VMOVUPS      Z7, 448(DI)
	ADDQ         $512, DI
	ADDQ         $512, SI
	ADDQ         $16, R8
	SUBQ         $8, CX
	JMP          c8

c8next:
c4:
	CMPQ   CX, $4
	JLT    c4next
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	XORQ   R9, R9
	MOVQ   R8, R11
c4tap:
	VBROADCASTSS (DX)(R9*4), Z31
	MOVQ         (BX)(R9*8), AX
	LEAQ         (SI)(AX*4), R10
	KMOVW        0(R11), K1
	VFMADD231PS  0(R10), Z31, K1, Z0
	KMOVW        2(R11), K2
	VFMADD231PS  64(R10), Z31, K2, Z1
	KMOVW        4(R11), K3
	VFMADD231PS  128(R10), Z31, K3, Z2
	KMOVW        6(R11), K4
	VFMADD231PS  192(R10), Z31, K4, Z3
	ADDQ         R13, R11
	INCQ         R9
	CMPQ         R9, R12
	JLT          c4tap
	VMOVUPS      Z0, 0(DI)
	VMOVUPS      Z1, 64(DI)
	VMOVUPS      Z2, 128(DI)
	VMOVUPS      Z3, 192(DI)
	ADDQ         $256, DI
	ADDQ         $256, SI
	ADDQ         $8, R8
	SUBQ         $4, CX

c4next:
c1:
	TESTQ  CX, CX
	JZ     ctail
c1b:
	VPXORD Z0, Z0, Z0
	XORQ   R9, R9
	MOVQ   R8, R11
c1btap:
	VBROADCASTSS (DX)(R9*4), Z31
	MOVQ         (BX)(R9*8), AX
	LEAQ         (SI)(AX*4), R10
	KMOVW        0(R11), K1
	VFMADD231PS  0(R10), Z31, K1, Z0
	ADDQ         R13, R11
	INCQ         R9
	CMPQ         R9, R12
	JLT          c1btap
	VMOVUPS      Z0, (DI)
	ADDQ         $64, DI
	ADDQ         $64, SI
	ADDQ         $2, R8
	DECQ         CX
	JMP          c1

ctail:
	MOVQ   tail+64(FP), AX
	TESTQ  AX, AX
	JZ     cdone
	KMOVW  AX, K7
ct:
	VPXORD Z0, Z0, Z0
	XORQ   R9, R9
	MOVQ   R8, R11
cttap:
	VBROADCASTSS (DX)(R9*4), Z31
	MOVQ         (BX)(R9*8), AX
	LEAQ         (SI)(AX*4), R10
	KMOVW        0(R11), K1
	VFMADD231PS  0(R10), Z31, K1, Z0
	ADDQ         R13, R11
	INCQ         R9
	CMPQ         R9, R12
	JLT          cttap
	VMOVUPS      Z0, K7, (DI)

cdone:
	VZEROUPPER
	RET

// func copy2DAVX512(dst *float32, ldd int, src *float32, lds int, rows, chunks int, tail uint64)
// Copies rows rows of 16·chunks floats plus the lanes in tail.
TEXT ·copy2DAVX512(SB), NOSPLIT, $0-56
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

cprow:
	MOVQ DI, R9
	MOVQ SI, R10
	MOVQ R8, R11

cpchunk:
	TESTQ   R11, R11
	JZ      cptail
	VMOVUPS (R10), Z0
	VMOVUPS Z0, (R9)
	ADDQ    $64, R9
	ADDQ    $64, R10
	DECQ    R11
	JMP     cpchunk

cptail:
	VMOVUPS.Z (R10), K1, Z0
	VMOVUPS   Z0, K1, (R9)
	ADDQ      DX, DI
	ADDQ      BX, SI
	DECQ      CX
	JNZ       cprow
	VZEROUPPER
	RET

// DOTTAP accumulates tap t into its register: reg += g · src[q+delta[t]]
// over the tap's lanes, then leaves the taps after the last one.
#define DOTTAP(t, reg) \
	MOVQ        t*8(BX), AX; \
	KMOVW       (R11), K2; \
	ADDQ        R13, R11; \
	VFMADD231PS (SI)(AX*4), Z16, K2, reg; \
	CMPQ        R12, $(t+1); \
	JEQ         dnext

// DOTTAP9 is DOTTAP for the nine-tap kernel, which needs no exit test.
#define DOTTAP9(t, reg) \
	MOVQ        t*8(BX), AX; \
	KMOVW       (R11), K2; \
	ADDQ        R13, R11; \
	VFMADD231PS (SI)(AX*4), Z16, K2, reg

// func dotShiftsAVX512(lanes *float32, gs *float32, full int, src *float32, deltas *int, masks *uint16, stride int, taps, tail int)
// lanes[16t+l] += Σ g[q]·src[q+deltas[t]] over the enabled q ≡ l (mod 16),
// for 1 <= taps <= 16; the last, partial segment's g is loaded with tail.
// The partial sums stay in Z0..Z15 for the whole plane and are added to
// lanes once, so a caller can accumulate a batch of planes in order.
//
//	DI lanes   DX g   CX full segments left   SI src at the segment
//	BX deltas   R8 masks at the segment   R13 mask row bytes
//	R12 taps   R11 mask address   Z16 g   K1 g lanes
TEXT ·dotShiftsAVX512(SB), NOSPLIT, $0-72
	MOVQ    lanes+0(FP), DI
	MOVQ    gs+8(FP), DX
	MOVQ    full+16(FP), CX
	MOVQ    src+24(FP), SI
	MOVQ    deltas+32(FP), BX
	MOVQ    masks+40(FP), R8
	MOVQ    stride+48(FP), R13
	SHLQ    $1, R13
	MOVQ    taps+56(FP), R12

	VMOVUPS 0(DI), Z0
	CMPQ    R12, $1
	JEQ     dloaded
	VMOVUPS 64(DI), Z1
	CMPQ    R12, $2
	JEQ     dloaded
	VMOVUPS 128(DI), Z2
	CMPQ    R12, $3
	JEQ     dloaded
	VMOVUPS 192(DI), Z3
	CMPQ    R12, $4
	JEQ     dloaded
	VMOVUPS 256(DI), Z4
	CMPQ    R12, $5
	JEQ     dloaded
	VMOVUPS 320(DI), Z5
	CMPQ    R12, $6
	JEQ     dloaded
	VMOVUPS 384(DI), Z6
	CMPQ    R12, $7
	JEQ     dloaded
	VMOVUPS 448(DI), Z7
	CMPQ    R12, $8
	JEQ     dloaded
	VMOVUPS 512(DI), Z8
	CMPQ    R12, $9
	JEQ     dloaded
	VMOVUPS 576(DI), Z9
	CMPQ    R12, $10
	JEQ     dloaded
	VMOVUPS 640(DI), Z10
	CMPQ    R12, $11
	JEQ     dloaded
	VMOVUPS 704(DI), Z11
	CMPQ    R12, $12
	JEQ     dloaded
	VMOVUPS 768(DI), Z12
	CMPQ    R12, $13
	JEQ     dloaded
	VMOVUPS 832(DI), Z13
	CMPQ    R12, $14
	JEQ     dloaded
	VMOVUPS 896(DI), Z14
	CMPQ    R12, $15
	JEQ     dloaded
	VMOVUPS 960(DI), Z15

dloaded:
	MOVL    $0xffff, AX
	KMOVW   AX, K1
	CMPQ    R12, $9
	JEQ     d9loop

dloop:
	TESTQ CX, CX
	JNZ   dseg
	MOVQ  tail+64(FP), AX
	TESTQ AX, AX
	JZ    dstore
	KMOVW AX, K1
	MOVQ  $0, tail+64(FP)
	INCQ  CX

dseg:
	VMOVUPS.Z (DX), K1, Z16
	MOVQ      R8, R11
	DOTTAP(0, Z0)
	DOTTAP(1, Z1)
	DOTTAP(2, Z2)
	DOTTAP(3, Z3)
	DOTTAP(4, Z4)
	DOTTAP(5, Z5)
	DOTTAP(6, Z6)
	DOTTAP(7, Z7)
	DOTTAP(8, Z8)
	DOTTAP(9, Z9)
	DOTTAP(10, Z10)
	DOTTAP(11, Z11)
	DOTTAP(12, Z12)
	DOTTAP(13, Z13)
	DOTTAP(14, Z14)
	DOTTAP(15, Z15)

dnext:
	ADDQ $64, DX
	ADDQ $64, SI
	ADDQ $2, R8
	DECQ CX
	JMP  dloop

d9loop:
	TESTQ CX, CX
	JNZ   d9seg
	MOVQ  tail+64(FP), AX
	TESTQ AX, AX
	JZ    dstore
	KMOVW AX, K1
	MOVQ  $0, tail+64(FP)
	INCQ  CX

d9seg:
	VMOVUPS.Z (DX), K1, Z16
	MOVQ      R8, R11
	DOTTAP9(0, Z0)
	DOTTAP9(1, Z1)
	DOTTAP9(2, Z2)
	DOTTAP9(3, Z3)
	DOTTAP9(4, Z4)
	DOTTAP9(5, Z5)
	DOTTAP9(6, Z6)
	DOTTAP9(7, Z7)
	DOTTAP9(8, Z8)
	ADDQ $64, DX
	ADDQ $64, SI
	ADDQ $2, R8
	DECQ CX
	JMP  d9loop

	// Store the taps in use.
dstore:
	VMOVUPS Z0, 0(DI)
	CMPQ    R12, $1
	JEQ     ddone
	VMOVUPS Z1, 64(DI)
	CMPQ    R12, $2
	JEQ     ddone
	VMOVUPS Z2, 128(DI)
	CMPQ    R12, $3
	JEQ     ddone
	VMOVUPS Z3, 192(DI)
	CMPQ    R12, $4
	JEQ     ddone
	VMOVUPS Z4, 256(DI)
	CMPQ    R12, $5
	JEQ     ddone
	VMOVUPS Z5, 320(DI)
	CMPQ    R12, $6
	JEQ     ddone
	VMOVUPS Z6, 384(DI)
	CMPQ    R12, $7
	JEQ     ddone
	VMOVUPS Z7, 448(DI)
	CMPQ    R12, $8
	JEQ     ddone
	VMOVUPS Z8, 512(DI)
	CMPQ    R12, $9
	JEQ     ddone
	VMOVUPS Z9, 576(DI)
	CMPQ    R12, $10
	JEQ     ddone
	VMOVUPS Z10, 640(DI)
	CMPQ    R12, $11
	JEQ     ddone
	VMOVUPS Z11, 704(DI)
	CMPQ    R12, $12
	JEQ     ddone
	VMOVUPS Z12, 768(DI)
	CMPQ    R12, $13
	JEQ     ddone
	VMOVUPS Z13, 832(DI)
	CMPQ    R12, $14
	JEQ     ddone
	VMOVUPS Z14, 896(DI)
	CMPQ    R12, $15
	JEQ     ddone
	VMOVUPS Z15, 960(DI)

ddone:
	VZEROUPPER
	RET

// func prefetchLines(p *float32, lines int, write int)
// Prefetches lines 64-byte lines from p into L1 (for writing if write != 0).
TEXT ·prefetchLines(SB), NOSPLIT, $0-24
	MOVQ  p+0(FP), SI
	MOVQ  lines+8(FP), CX
	MOVQ  write+16(FP), AX
	TESTQ AX, AX
	JNZ   pfw

pfr:
	PREFETCHT0 (SI)
	ADDQ       $64, SI
	DECQ       CX
	JNZ        pfr
	RET

	// PREFETCHW (SI), which the Go assembler does not know: 0F 0D /1.
pfw:
	BYTE $0x0F; BYTE $0x0D; BYTE $0x0E
	ADDQ      $64, SI
	DECQ      CX
	JNZ       pfw
	RET
