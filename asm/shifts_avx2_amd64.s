//go:build !purego

#include "textflag.h"

// AVX2 shifted sums for depthwise convolution (shifts.go), for CPUs
// without AVX-512: shifts_avx512_amd64.s on two 8-lane halves per
// 16-position segment, with the same sums in the same order.
//
// A tap's 16-bit lane mask becomes two 8-lane masks: it is broadcast,
// ANDed with the lane bits [1, ..., 128] (lanes 0..7) or [256, ...,
// 32768] (lanes 8..15) and compared with them. VMASKMOVPS then reads only
// the enabled lanes (the others read as +0 and cannot fault), and the
// AVX-512 merge-masked FMA acc += a·x becomes acc -= (−a AND mask)·x: an
// enabled lane gets the same single rounding of acc + a·x, and a disabled
// one adds −(+0·+0) = −0, which leaves every acc as it is (−0 and NaN
// included), whatever a is (an infinite a times the +0 would be NaN).

// shiftBits are the lane bits of a 16-lane mask.
DATA shiftBits<>+0(SB)/4, $0x1
DATA shiftBits<>+4(SB)/4, $0x2
DATA shiftBits<>+8(SB)/4, $0x4
DATA shiftBits<>+12(SB)/4, $0x8
DATA shiftBits<>+16(SB)/4, $0x10
DATA shiftBits<>+20(SB)/4, $0x20
DATA shiftBits<>+24(SB)/4, $0x40
DATA shiftBits<>+28(SB)/4, $0x80
DATA shiftBits<>+32(SB)/4, $0x100
DATA shiftBits<>+36(SB)/4, $0x200
DATA shiftBits<>+40(SB)/4, $0x400
DATA shiftBits<>+44(SB)/4, $0x800
DATA shiftBits<>+48(SB)/4, $0x1000
DATA shiftBits<>+52(SB)/4, $0x2000
DATA shiftBits<>+56(SB)/4, $0x4000
DATA shiftBits<>+60(SB)/4, $0x8000
GLOBL shiftBits<>(SB), RODATA|NOPTR, $64

// shiftSign is -0: XOR with it negates.
DATA shiftSign<>+0(SB)/4, $0x80000000
GLOBL shiftSign<>(SB), RODATA|NOPTR, $4

// HALFMASK makes the lane mask of one half (bits: Y14 or Y15) of the mask
// word broadcast in b.
#define HALFMASK(b, bits, m) \
	VPAND    bits, b, m; \
	VPCMPEQD bits, m, m

// CSEG adds tap·src to the segment at mask offset moff and byte offset
// soff (lanes 0..7 in lo, 8..15 in hi): R11 mask address, R10 source at
// the tap's shift, Y8 the negated weight. Y9..Y11 are scratch.
#define CSEG(moff, soff, lo, hi) \
	VPBROADCASTW moff(R11), Y9; \
	HALFMASK(Y9, Y14, Y10); \
	VMASKMOVPS   soff(R10), Y10, Y11; \
	VANDPS       Y8, Y10, Y10; \
	VFNMADD231PS Y11, Y10, lo; \
	HALFMASK(Y9, Y15, Y10); \
	VMASKMOVPS   soff+32(R10), Y10, Y11; \
	VANDPS       Y8, Y10, Y10; \
	VFNMADD231PS Y11, Y10, hi

// CTAP loads tap R9's negated weight into Y8 and its source into R10.
#define CTAP \
	VBROADCASTSS (DX)(R9*4), Y8; \
	VXORPS       Y13, Y8, Y8; \
	MOVQ         (BX)(R9*8), AX; \
	LEAQ         (SI)(AX*4), R10

// DOTTAP accumulates tap t into lo, hi: acc += g·src[q+delta[t]] over the
// tap's lanes (Y8, Y9: −g), then leaves after the last tap (R12 of them)
// for exit. Y10..Y12 are scratch.
#define DOTTAP(t, lo, hi, exit) \
	MOVQ         t*8(BX), AX; \
	VPBROADCASTW (R11), Y10; \
	ADDQ         R13, R11; \
	HALFMASK(Y10, Y14, Y11); \
	VMASKMOVPS   (SI)(AX*4), Y11, Y12; \
	VANDPS       Y8, Y11, Y11; \
	VFNMADD231PS Y12, Y11, lo; \
	HALFMASK(Y10, Y15, Y11); \
	VMASKMOVPS   32(SI)(AX*4), Y11, Y12; \
	VANDPS       Y9, Y11, Y11; \
	VFNMADD231PS Y12, Y11, hi; \
	CMPQ         R12, $(t+1); \
	JEQ          exit

// DOTSEG runs the taps on the segment whose −g is in Y8, Y9.
#define DOTSEG(exit) \
	MOVQ R8, R11; \
	DOTTAP(0, Y0, Y1, exit); \
	DOTTAP(1, Y2, Y3, exit); \
	DOTTAP(2, Y4, Y5, exit); \
	DOTTAP(3, Y6, Y7, exit)

// func correlateAVX2(dst *float32, full int, src *float32, deltas *int, masks *uint16, stride int, w *float32, taps, tail int)
// As correlateAVX512: 4 segments of 16 outputs at a time in Y0..Y7, then
// one at a time, then the last, partial segment (positions: the bits of
// tail), whose store is masked. Requires taps >= 1.
//
//	DI dst   CX full segments left   SI src at the current position
//	BX deltas   R8 masks at the current segment   R13 mask row bytes
//	DX w   R12 taps   R9 tap   R10 tap address   R11 mask address
//	Y13 -0   Y14, Y15 lane bits
TEXT ·correlateAVX2(SB), NOSPLIT, $0-72
	MOVQ         dst+0(FP), DI
	MOVQ         full+8(FP), CX
	MOVQ         src+16(FP), SI
	MOVQ         deltas+24(FP), BX
	MOVQ         masks+32(FP), R8
	MOVQ         stride+40(FP), R13
	SHLQ         $1, R13
	MOVQ         w+48(FP), DX
	MOVQ         taps+56(FP), R12
	LEAQ         shiftBits<>(SB), AX
	VMOVDQU      (AX), Y14
	VMOVDQU      32(AX), Y15
	VBROADCASTSS shiftSign<>(SB), Y13

c4:
	CMPQ   CX, $4
	JLT    c1
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ   R9, R9
	MOVQ   R8, R11

c4tap:
	CTAP
	CSEG(0, 0, Y0, Y1)
	CSEG(2, 64, Y2, Y3)
	CSEG(4, 128, Y4, Y5)
	CSEG(6, 192, Y6, Y7)
	ADDQ    R13, R11
	INCQ    R9
	CMPQ    R9, R12
	JLT     c4tap
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	ADDQ    $256, DI
	ADDQ    $256, SI
	ADDQ    $8, R8
	SUBQ    $4, CX
	JMP     c4

c1:
	TESTQ  CX, CX
	JZ     ctail
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	XORQ   R9, R9
	MOVQ   R8, R11

c1tap:
	CTAP
	CSEG(0, 0, Y0, Y1)
	ADDQ    R13, R11
	INCQ    R9
	CMPQ    R9, R12
	JLT     c1tap
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	ADDQ    $2, R8
	DECQ    CX
	JMP     c1

ctail:
	MOVQ   tail+64(FP), AX
	TESTQ  AX, AX
	JZ     cdone
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	XORQ   R9, R9
	MOVQ   R8, R11

cttap:
	CTAP
	CSEG(0, 0, Y0, Y1)
	ADDQ R13, R11
	INCQ R9
	CMPQ R9, R12
	JLT  cttap

	// Store the positions < n only.
	MOVQ         tail+64(FP), AX
	MOVQ         AX, X9
	VPBROADCASTD X9, Y9
	HALFMASK(Y9, Y14, Y10)
	HALFMASK(Y9, Y15, Y11)
	VMASKMOVPS   Y0, Y10, (DI)
	VMASKMOVPS   Y1, Y11, 32(DI)

cdone:
	VZEROUPPER
	RET

// func dotShiftsAVX2(lanes *float32, gs *float32, full int, src *float32, deltas *int, masks *uint16, stride int, taps, tail int)
// lanes[16t+l] += Σ g[q]·src[q+deltas[t]] over the enabled q ≡ l (mod 16),
// for 1 <= taps <= 4 (two accumulators each fill Y0..Y7); the last,
// partial segment's g (positions: the bits of tail) is loaded under a
// mask. The partial sums stay in registers for the whole plane and are
// added to lanes once, as in dotShiftsAVX512.
//
//	DI lanes   DX g   CX full segments left   SI src at the segment
//	BX deltas   R8 masks at the segment   R13 mask row bytes
//	R12 taps   R11 mask address   Y8, Y9 −g   Y13 -0   Y14, Y15 lane bits
TEXT ·dotShiftsAVX2(SB), NOSPLIT, $0-72
	MOVQ         lanes+0(FP), DI
	MOVQ         gs+8(FP), DX
	MOVQ         full+16(FP), CX
	MOVQ         src+24(FP), SI
	MOVQ         deltas+32(FP), BX
	MOVQ         masks+40(FP), R8
	MOVQ         stride+48(FP), R13
	SHLQ         $1, R13
	MOVQ         taps+56(FP), R12
	LEAQ         shiftBits<>(SB), AX
	VMOVDQU      (AX), Y14
	VMOVDQU      32(AX), Y15
	VBROADCASTSS shiftSign<>(SB), Y13

	VMOVUPS 0(DI), Y0
	VMOVUPS 32(DI), Y1
	CMPQ    R12, $1
	JEQ     dloop
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	CMPQ    R12, $2
	JEQ     dloop
	VMOVUPS 128(DI), Y4
	VMOVUPS 160(DI), Y5
	CMPQ    R12, $3
	JEQ     dloop
	VMOVUPS 192(DI), Y6
	VMOVUPS 224(DI), Y7

dloop:
	TESTQ  CX, CX
	JZ     dtail
	VXORPS (DX), Y13, Y8
	VXORPS 32(DX), Y13, Y9
	DOTSEG(dnext)

dnext:
	ADDQ $64, DX
	ADDQ $64, SI
	ADDQ $2, R8
	DECQ CX
	JMP  dloop

dtail:
	MOVQ         tail+64(FP), AX
	TESTQ        AX, AX
	JZ           dstore
	MOVQ         AX, X10
	VPBROADCASTD X10, Y10
	HALFMASK(Y10, Y14, Y11)
	HALFMASK(Y10, Y15, Y12)
	VMASKMOVPS   (DX), Y11, Y8
	VMASKMOVPS   32(DX), Y12, Y9
	VXORPS       Y13, Y8, Y8
	VXORPS       Y13, Y9, Y9
	DOTSEG(dstore)

	// Store the taps in use.
dstore:
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	CMPQ    R12, $1
	JEQ     ddone
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	CMPQ    R12, $2
	JEQ     ddone
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	CMPQ    R12, $3
	JEQ     ddone
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)

ddone:
	VZEROUPPER
	RET

// func copy2DAVX2(dst *float32, ldd int, src *float32, lds int, rows, cols int)
// Copies rows rows of cols floats: 16 at a time, then 8, then the last
// cols%8 under a mask. Requires rows, cols >= 1.
//
//	DI dst row   SI src row   DX ldd bytes   BX lds bytes   CX rows left
//	R8 cols/8   R9, R10 dst, src in the row   R11 8-lane blocks left
//	R12 cols%8   Y12 tail mask
TEXT ·copy2DAVX2(SB), NOSPLIT, $0-48
	MOVQ         dst+0(FP), DI
	MOVQ         ldd+8(FP), DX
	SHLQ         $2, DX
	MOVQ         src+16(FP), SI
	MOVQ         lds+24(FP), BX
	SHLQ         $2, BX
	MOVQ         cols+40(FP), R8
	MOVQ         R8, R12
	ANDQ         $7, R12
	SHRQ         $3, R8
	LEAQ         shiftBits<>(SB), AX
	VMOVDQU      (AX), Y14
	MOVQ         R12, CX
	MOVQ         $1, AX
	SHLQ         CX, AX
	DECQ         AX
	MOVQ         AX, X12
	VPBROADCASTD X12, Y12
	HALFMASK(Y12, Y14, Y12)
	MOVQ         rows+32(FP), CX

cprow:
	MOVQ DI, R9
	MOVQ SI, R10
	MOVQ R8, R11

cp16:
	CMPQ    R11, $2
	JLT     cp8
	VMOVUPS (R10), Y0
	VMOVUPS 32(R10), Y1
	VMOVUPS Y0, (R9)
	VMOVUPS Y1, 32(R9)
	ADDQ    $64, R9
	ADDQ    $64, R10
	SUBQ    $2, R11
	JMP     cp16

cp8:
	TESTQ   R11, R11
	JZ      cptail
	VMOVUPS (R10), Y0
	VMOVUPS Y0, (R9)
	ADDQ    $32, R9
	ADDQ    $32, R10

cptail:
	TESTQ      R12, R12
	JZ         cpnext
	VMASKMOVPS (R10), Y12, Y0
	VMASKMOVPS Y0, Y12, (R9)

cpnext:
	ADDQ DX, DI
	ADDQ BX, SI
	DECQ CX
	JNZ  cprow
	VZEROUPPER
	RET
