//go:build !purego

#include "textflag.h"

// AVX-512 CorrelateOuts (correlate_outs.go): correlateAVX512 for up to six
// output planes that read the same source. Per tap, each of four segments
// of 16 source lanes is loaded once (masked, zeroing: disabled lanes read
// nothing) and multiplied into the accumulators of every plane by a
// merge-masked FMA, acc += w·x on the enabled lanes only, the operation
// correlateAVX512 does with its memory operand: every plane gets the same
// bits. 6 planes × 4 segments = 24 accumulators Z0..Z23 (plane o, segment
// s in Z(4o+s)), sources Z24..Z27, broadcast weights Z28..Z31. The planes
// beyond outs are skipped by branches that go the same way at every tap.
// Then one segment at a time, the last, partial one with a masked store.
//
//	DI dst plane 0 at the segment   SI src at the segment   CX full segments left
//	R8 masks at the segment   R13 mask row bytes   R14 weight row bytes (taps·4)
//	R9 outs   BX tap delta address   R15 weights of planes 0..2 at the tap
//	DX weights of planes 3..5 at the tap   R12 taps left   R11 mask address
//	R10 source at the tap   AX scratch   K1..K4 tap masks   K7 store mask

// FMA4 adds the segments in Z24..Z27 times the weight in w to a plane's
// four accumulators.
#define FMA4(w, a0, a1, a2, a3) \
	VFMADD231PS Z24, w, K1, a0; \
	VFMADD231PS Z25, w, K2, a1; \
	VFMADD231PS Z26, w, K3, a2; \
	VFMADD231PS Z27, w, K4, a3

// STORE4 stores a plane's four accumulators at R10, then moves R10 to the
// next plane (AX: plane stride in bytes).
#define STORE4(a0, a1, a2, a3) \
	VMOVUPS a0, 0(R10); \
	VMOVUPS a1, 64(R10); \
	VMOVUPS a2, 128(R10); \
	VMOVUPS a3, 192(R10); \
	ADDQ    AX, R10

// TAPS0 points the tap registers at tap 0 of the segment at R8.
#define TAPS0 \
	MOVQ deltas+32(FP), BX; \
	MOVQ w+56(FP), R15; \
	LEAQ (R15)(R14*2), DX; \
	ADDQ R14, DX; \
	MOVQ taps+64(FP), R12; \
	MOVQ R8, R11

// NEXTTAP moves the tap registers to the next tap.
#define NEXTTAP \
	ADDQ $8, BX; \
	ADDQ R13, R11; \
	ADDQ $4, R15; \
	ADDQ $4, DX

// func correlateOutsAVX512(dst *float32, ldd, full int, src *float32, deltas *int, masks *uint16, stride int, w *float32, taps, tail, outs int)
// Requires taps >= 1 and 1 <= outs <= 6.
TEXT ·correlateOutsAVX512(SB), NOSPLIT, $0-88
	MOVQ dst+0(FP), DI
	MOVQ full+16(FP), CX
	MOVQ src+24(FP), SI
	MOVQ masks+40(FP), R8
	MOVQ stride+48(FP), R13
	SHLQ $1, R13
	MOVQ taps+64(FP), R14
	SHLQ $2, R14
	MOVQ outs+80(FP), R9

b4:
	CMPQ   CX, $4
	JLT    b1
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	TAPS0

b4tap:
	MOVQ         (BX), AX
	LEAQ         (SI)(AX*4), R10
	KMOVW        0(R11), K1
	KMOVW        2(R11), K2
	KMOVW        4(R11), K3
	KMOVW        6(R11), K4
	VMOVUPS.Z    0(R10), K1, Z24
	VMOVUPS.Z    64(R10), K2, Z25
	VMOVUPS.Z    128(R10), K3, Z26
	VMOVUPS.Z    192(R10), K4, Z27
	VBROADCASTSS (R15), Z28
	FMA4(Z28, Z0, Z1, Z2, Z3)
	CMPQ         R9, $1
	JEQ          b4next
	VBROADCASTSS (R15)(R14*1), Z29
	FMA4(Z29, Z4, Z5, Z6, Z7)
	CMPQ         R9, $2
	JEQ          b4next
	VBROADCASTSS (R15)(R14*2), Z30
	FMA4(Z30, Z8, Z9, Z10, Z11)
	CMPQ         R9, $3
	JEQ          b4next
	VBROADCASTSS (DX), Z31
	FMA4(Z31, Z12, Z13, Z14, Z15)
	CMPQ         R9, $4
	JEQ          b4next
	VBROADCASTSS (DX)(R14*1), Z28
	FMA4(Z28, Z16, Z17, Z18, Z19)
	CMPQ         R9, $5
	JEQ          b4next
	VBROADCASTSS (DX)(R14*2), Z29
	FMA4(Z29, Z20, Z21, Z22, Z23)

b4next:
	NEXTTAP
	DECQ R12
	JNZ  b4tap

	MOVQ ldd+8(FP), AX
	SHLQ $2, AX
	MOVQ DI, R10
	STORE4(Z0, Z1, Z2, Z3)
	CMPQ R9, $1
	JEQ  b4done
	STORE4(Z4, Z5, Z6, Z7)
	CMPQ R9, $2
	JEQ  b4done
	STORE4(Z8, Z9, Z10, Z11)
	CMPQ R9, $3
	JEQ  b4done
	STORE4(Z12, Z13, Z14, Z15)
	CMPQ R9, $4
	JEQ  b4done
	STORE4(Z16, Z17, Z18, Z19)
	CMPQ R9, $5
	JEQ  b4done
	STORE4(Z20, Z21, Z22, Z23)

b4done:
	ADDQ $256, DI
	ADDQ $256, SI
	ADDQ $8, R8
	SUBQ $4, CX
	JMP  b4

	// One segment at a time; the last, partial one (its positions: the
	// bits of tail) is stored under K7.
b1:
	MOVL  $0xffff, AX
	KMOVW AX, K7

b1loop:
	TESTQ CX, CX
	JNZ   b1seg
	MOVQ  tail+72(FP), AX
	TESTQ AX, AX
	JZ    done
	KMOVW AX, K7
	MOVQ  $0, tail+72(FP)
	INCQ  CX

b1seg:
	VPXORD Z0, Z0, Z0
	VPXORD Z4, Z4, Z4
	VPXORD Z8, Z8, Z8
	VPXORD Z12, Z12, Z12
	VPXORD Z16, Z16, Z16
	VPXORD Z20, Z20, Z20
	TAPS0

b1tap:
	MOVQ         (BX), AX
	KMOVW        (R11), K1
	VMOVUPS.Z    (SI)(AX*4), K1, Z24
	VBROADCASTSS (R15), Z28
	VFMADD231PS  Z24, Z28, K1, Z0
	CMPQ         R9, $1
	JEQ          b1next
	VBROADCASTSS (R15)(R14*1), Z29
	VFMADD231PS  Z24, Z29, K1, Z4
	CMPQ         R9, $2
	JEQ          b1next
	VBROADCASTSS (R15)(R14*2), Z30
	VFMADD231PS  Z24, Z30, K1, Z8
	CMPQ         R9, $3
	JEQ          b1next
	VBROADCASTSS (DX), Z31
	VFMADD231PS  Z24, Z31, K1, Z12
	CMPQ         R9, $4
	JEQ          b1next
	VBROADCASTSS (DX)(R14*1), Z28
	VFMADD231PS  Z24, Z28, K1, Z16
	CMPQ         R9, $5
	JEQ          b1next
	VBROADCASTSS (DX)(R14*2), Z29
	VFMADD231PS  Z24, Z29, K1, Z20

b1next:
	NEXTTAP
	DECQ R12
	JNZ  b1tap

	MOVQ    ldd+8(FP), AX
	SHLQ    $2, AX
	MOVQ    DI, R10
	VMOVUPS Z0, K7, (R10)
	CMPQ    R9, $1
	JEQ     b1done
	ADDQ    AX, R10
	VMOVUPS Z4, K7, (R10)
	CMPQ    R9, $2
	JEQ     b1done
	ADDQ    AX, R10
	VMOVUPS Z8, K7, (R10)
	CMPQ    R9, $3
	JEQ     b1done
	ADDQ    AX, R10
	VMOVUPS Z12, K7, (R10)
	CMPQ    R9, $4
	JEQ     b1done
	ADDQ    AX, R10
	VMOVUPS Z16, K7, (R10)
	CMPQ    R9, $5
	JEQ     b1done
	ADDQ    AX, R10
	VMOVUPS Z20, K7, (R10)

b1done:
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $2, R8
	DECQ CX
	JMP  b1loop

done:
	VZEROUPPER
	RET
