//go:build !purego

#include "textflag.h"

// AVX2 DotShiftsLanesOuts (dotshifts_outs.go): dotShiftsAVX2
// (shifts_avx2_amd64.s) for P gradient planes that read the same source,
// one 8-lane half of every segment per call. Per segment each plane's g
// half is loaded and negated once (under the tail mask at the last, partial
// segment); per tap, the tap's lane mask is built and the shifted source
// half is read under it once (VMASKMOVPS: masked lanes read +0 and cannot
// fault); then every plane does dotShiftsAVX2's acc -= (−g AND mask)·x.
// An enabled lane gets the single rounding of acc + g·x, a disabled one
// adds −(+0·+0) = −0 and keeps its value: each plane's lanes get the bits
// of a DotShiftsLanes call on that plane (lanes are independent, so doing
// the halves in two passes changes nothing).
//
// One call is one half of one group of P planes (2 or 3) by T taps:
// acc(p, t) in Y(t·P+p), −g of plane p in Y(P·Tmax+p):
//
//	P  T max  accumulators  −g
//	3  3      Y0..Y8        Y9..Y11
//	2  5      Y0..Y9        Y10, Y11
//
//	DI lanes (at the half)   DX g of plane 0 at the segment (half)
//	CX full segments left   SI src at the segment (half)   BX deltas
//	R8 masks at the segment   R13 mask row bytes   R12 taps
//	R11 mask address   R9 plane stride in bytes (of lanes while loading
//	and storing, of g in the loop)   R10 -0s
//	Y12 tap mask   Y13 source   Y14 scratch   Y15 the half's lane bits

// outsBits are the lane bits of a 16-lane mask: lanes 0..7, then 8..15.
DATA outsBits<>+0(SB)/4, $0x1
DATA outsBits<>+4(SB)/4, $0x2
DATA outsBits<>+8(SB)/4, $0x4
DATA outsBits<>+12(SB)/4, $0x8
DATA outsBits<>+16(SB)/4, $0x10
DATA outsBits<>+20(SB)/4, $0x20
DATA outsBits<>+24(SB)/4, $0x40
DATA outsBits<>+28(SB)/4, $0x80
DATA outsBits<>+32(SB)/4, $0x100
DATA outsBits<>+36(SB)/4, $0x200
DATA outsBits<>+40(SB)/4, $0x400
DATA outsBits<>+44(SB)/4, $0x800
DATA outsBits<>+48(SB)/4, $0x1000
DATA outsBits<>+52(SB)/4, $0x2000
DATA outsBits<>+56(SB)/4, $0x4000
DATA outsBits<>+60(SB)/4, $0x8000
GLOBL outsBits<>(SB), RODATA|NOPTR, $64

// outsSign is eight -0s: XOR with them negates.
DATA outsSign<>+0(SB)/4, $0x80000000
DATA outsSign<>+4(SB)/4, $0x80000000
DATA outsSign<>+8(SB)/4, $0x80000000
DATA outsSign<>+12(SB)/4, $0x80000000
DATA outsSign<>+16(SB)/4, $0x80000000
DATA outsSign<>+20(SB)/4, $0x80000000
DATA outsSign<>+24(SB)/4, $0x80000000
DATA outsSign<>+28(SB)/4, $0x80000000
GLOBL outsSign<>(SB), RODATA|NOPTR, $32

// func dotShiftsOutsAVX2(lanes *float32, ldl int, gs *float32, ldg int, outs int, full int, src *float32, deltas *int, masks *uint16, stride int, taps, tail, half int)
// For p < outs (2 or 3), t < taps (1..T max) and the lanes l of half
// (0: 0..7, 1: 8..15): lanes[p·ldl+16t+l] += Σ g[p·ldg+q]·src[q+deltas[t]]
// over the enabled q ≡ l (mod 16); the last, partial segment's g is loaded
// under the bits of tail.
TEXT ·dotShiftsOutsAVX2(SB), NOSPLIT, $0-104
	MOVQ    half+96(FP), AX
	SHLQ    $5, AX
	MOVQ    lanes+0(FP), DI
	ADDQ    AX, DI
	MOVQ    gs+16(FP), DX
	ADDQ    AX, DX
	MOVQ    src+48(FP), SI
	ADDQ    AX, SI
	LEAQ    outsBits<>(SB), R10
	VMOVDQU (R10)(AX*1), Y15
	LEAQ    outsSign<>(SB), R10
	MOVQ    full+40(FP), CX
	MOVQ    deltas+56(FP), BX
	MOVQ    masks+64(FP), R8
	MOVQ    stride+72(FP), R13
	SHLQ    $1, R13
	MOVQ    taps+80(FP), R12
	MOVQ    ldl+8(FP), R9
	SHLQ    $2, R9
	MOVQ    outs+32(FP), AX
	CMPQ    AX, $3
	JEQ     p3
	CMPQ    AX, $2
	JEQ     p2
	JMP     done

	// 3 planes, up to 3 taps.
p3:
	VMOVUPS (DI), Y0
	VMOVUPS (DI)(R9*1), Y1
	VMOVUPS (DI)(R9*2), Y2
	CMPQ    R12, $1
	JEQ     p3loaded
	VMOVUPS 64(DI), Y3
	VMOVUPS 64(DI)(R9*1), Y4
	VMOVUPS 64(DI)(R9*2), Y5
	CMPQ    R12, $2
	JEQ     p3loaded
	VMOVUPS 128(DI), Y6
	VMOVUPS 128(DI)(R9*1), Y7
	VMOVUPS 128(DI)(R9*2), Y8

p3loaded:
	MOVQ ldg+24(FP), R9
	SHLQ $2, R9

p3loop:
	TESTQ CX, CX
	JZ    p3tail
	VMOVUPS (DX), Y9
	VXORPS  (R10), Y9, Y9
	VMOVUPS (DX)(R9*1), Y10
	VXORPS  (R10), Y10, Y10
	VMOVUPS (DX)(R9*2), Y11
	VXORPS  (R10), Y11, Y11

p3seg:
	MOVQ R8, R11
	MOVQ         0(BX), AX
	VPBROADCASTW (R11), Y12
	ADDQ         R13, R11
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (SI)(AX*4), Y12, Y13
	VANDPS       Y9, Y12, Y14
	VFNMADD231PS Y13, Y14, Y0
	VANDPS       Y10, Y12, Y14
	VFNMADD231PS Y13, Y14, Y1
	VANDPS       Y11, Y12, Y14
	VFNMADD231PS Y13, Y14, Y2
	CMPQ         R12, $1
	JEQ          p3next
	MOVQ         8(BX), AX
	VPBROADCASTW (R11), Y12
	ADDQ         R13, R11
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (SI)(AX*4), Y12, Y13
	VANDPS       Y9, Y12, Y14
	VFNMADD231PS Y13, Y14, Y3
	VANDPS       Y10, Y12, Y14
	VFNMADD231PS Y13, Y14, Y4
	VANDPS       Y11, Y12, Y14
	VFNMADD231PS Y13, Y14, Y5
	CMPQ         R12, $2
	JEQ          p3next
	MOVQ         16(BX), AX
	VPBROADCASTW (R11), Y12
	ADDQ         R13, R11
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (SI)(AX*4), Y12, Y13
	VANDPS       Y9, Y12, Y14
	VFNMADD231PS Y13, Y14, Y6
	VANDPS       Y10, Y12, Y14
	VFNMADD231PS Y13, Y14, Y7
	VANDPS       Y11, Y12, Y14
	VFNMADD231PS Y13, Y14, Y8

p3next:
	ADDQ  $64, DX
	ADDQ  $64, SI
	ADDQ  $2, R8
	DECQ  CX
	JNS   p3loop

	// CX = -1: the partial segment is done too.
	JMP   p3store

p3tail:
	MOVQ         tail+88(FP), AX
	TESTQ        AX, AX
	JZ           p3store
	MOVQ         AX, X12
	VPBROADCASTD X12, Y12
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (DX), Y12, Y9
	VXORPS       (R10), Y9, Y9
	VMASKMOVPS   (DX)(R9*1), Y12, Y10
	VXORPS       (R10), Y10, Y10
	VMASKMOVPS   (DX)(R9*2), Y12, Y11
	VXORPS       (R10), Y11, Y11
	JMP          p3seg

p3store:
	MOVQ ldl+8(FP), R9
	SHLQ $2, R9
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, (DI)(R9*1)
	VMOVUPS Y2, (DI)(R9*2)
	CMPQ    R12, $1
	JEQ     done
	VMOVUPS Y3, 64(DI)
	VMOVUPS Y4, 64(DI)(R9*1)
	VMOVUPS Y5, 64(DI)(R9*2)
	CMPQ    R12, $2
	JEQ     done
	VMOVUPS Y6, 128(DI)
	VMOVUPS Y7, 128(DI)(R9*1)
	VMOVUPS Y8, 128(DI)(R9*2)
	JMP     done

	// 2 planes, up to 5 taps.
p2:
	VMOVUPS (DI), Y0
	VMOVUPS (DI)(R9*1), Y1
	CMPQ    R12, $1
	JEQ     p2loaded
	VMOVUPS 64(DI), Y2
	VMOVUPS 64(DI)(R9*1), Y3
	CMPQ    R12, $2
	JEQ     p2loaded
	VMOVUPS 128(DI), Y4
	VMOVUPS 128(DI)(R9*1), Y5
	CMPQ    R12, $3
	JEQ     p2loaded
	VMOVUPS 192(DI), Y6
	VMOVUPS 192(DI)(R9*1), Y7
	CMPQ    R12, $4
	JEQ     p2loaded
	VMOVUPS 256(DI), Y8
	VMOVUPS 256(DI)(R9*1), Y9

p2loaded:
	MOVQ ldg+24(FP), R9
	SHLQ $2, R9

p2loop:
	TESTQ CX, CX
	JZ    p2tail
	VMOVUPS (DX), Y10
	VXORPS  (R10), Y10, Y10
	VMOVUPS (DX)(R9*1), Y11
	VXORPS  (R10), Y11, Y11

p2seg:
	MOVQ R8, R11
	MOVQ         0(BX), AX
	VPBROADCASTW (R11), Y12
	ADDQ         R13, R11
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (SI)(AX*4), Y12, Y13
	VANDPS       Y10, Y12, Y14
	VFNMADD231PS Y13, Y14, Y0
	VANDPS       Y11, Y12, Y14
	VFNMADD231PS Y13, Y14, Y1
	CMPQ         R12, $1
	JEQ          p2next
	MOVQ         8(BX), AX
	VPBROADCASTW (R11), Y12
	ADDQ         R13, R11
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (SI)(AX*4), Y12, Y13
	VANDPS       Y10, Y12, Y14
	VFNMADD231PS Y13, Y14, Y2
	VANDPS       Y11, Y12, Y14
	VFNMADD231PS Y13, Y14, Y3
	CMPQ         R12, $2
	JEQ          p2next
	MOVQ         16(BX), AX
	VPBROADCASTW (R11), Y12
	ADDQ         R13, R11
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (SI)(AX*4), Y12, Y13
	VANDPS       Y10, Y12, Y14
	VFNMADD231PS Y13, Y14, Y4
	VANDPS       Y11, Y12, Y14
	VFNMADD231PS Y13, Y14, Y5
	CMPQ         R12, $3
	JEQ          p2next
	MOVQ         24(BX), AX
	VPBROADCASTW (R11), Y12
	ADDQ         R13, R11
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (SI)(AX*4), Y12, Y13
	VANDPS       Y10, Y12, Y14
	VFNMADD231PS Y13, Y14, Y6
	VANDPS       Y11, Y12, Y14
	VFNMADD231PS Y13, Y14, Y7
	CMPQ         R12, $4
	JEQ          p2next
	MOVQ         32(BX), AX
	VPBROADCASTW (R11), Y12
	ADDQ         R13, R11
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (SI)(AX*4), Y12, Y13
	VANDPS       Y10, Y12, Y14
	VFNMADD231PS Y13, Y14, Y8
	VANDPS       Y11, Y12, Y14
	VFNMADD231PS Y13, Y14, Y9

p2next:
	ADDQ  $64, DX
	ADDQ  $64, SI
	ADDQ  $2, R8
	DECQ  CX
	JNS   p2loop

	// CX = -1: the partial segment is done too.
	JMP   p2store

p2tail:
	MOVQ         tail+88(FP), AX
	TESTQ        AX, AX
	JZ           p2store
	MOVQ         AX, X12
	VPBROADCASTD X12, Y12
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (DX), Y12, Y10
	VXORPS       (R10), Y10, Y10
	VMASKMOVPS   (DX)(R9*1), Y12, Y11
	VXORPS       (R10), Y11, Y11
	JMP          p2seg

p2store:
	MOVQ ldl+8(FP), R9
	SHLQ $2, R9
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, (DI)(R9*1)
	CMPQ    R12, $1
	JEQ     done
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 64(DI)(R9*1)
	CMPQ    R12, $2
	JEQ     done
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 128(DI)(R9*1)
	CMPQ    R12, $3
	JEQ     done
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 192(DI)(R9*1)
	CMPQ    R12, $4
	JEQ     done
	VMOVUPS Y8, 256(DI)
	VMOVUPS Y9, 256(DI)(R9*1)
	JMP     done

done:
	VZEROUPPER
	RET
