//go:build !purego

#include "textflag.h"

// AVX2 CorrelateOuts (correlate_outs.go): correlateAVX2 for up to four
// output planes that read the same source, one 16-position segment (two
// 8-lane halves) at a time. Per tap, the segment's two lane masks and two
// masked source loads are made once and used for every plane, each of
// which does correlateAVX2's arithmetic: acc -= (−w AND mask)·x, so an
// enabled lane gets the single rounding of acc + w·x and a disabled one
// adds −0, whatever w is. Four planes × 2 halves = 8 accumulators Y0..Y7
// (plane o, half h in Y(2o+h)). The planes beyond outs are skipped by
// branches that go the same way at every tap. Full segments are stored
// whole; the last, partial one with VMASKMOVPS.

// outsBits are the lane bits of a 16-lane mask.
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

// outsSign is eight -0: XOR with it negates.
DATA outsSign<>+0(SB)/4, $0x80000000
DATA outsSign<>+4(SB)/4, $0x80000000
DATA outsSign<>+8(SB)/4, $0x80000000
DATA outsSign<>+12(SB)/4, $0x80000000
DATA outsSign<>+16(SB)/4, $0x80000000
DATA outsSign<>+20(SB)/4, $0x80000000
DATA outsSign<>+24(SB)/4, $0x80000000
DATA outsSign<>+28(SB)/4, $0x80000000
GLOBL outsSign<>(SB), RODATA|NOPTR, $32

// OUTHALF makes the lane mask of one half (bits: Y14 or Y15) of the mask
// word broadcast in b.
#define OUTHALF(b, bits, m) \
	VPAND    bits, b, m; \
	VPCMPEQD bits, m, m

// PLANE adds the segment (halves in Y10, Y11, lane masks in Y8, Y9) times
// the weight at addr to a plane's accumulators lo, hi. Y12, Y13 scratch.
#define PLANE(addr, lo, hi) \
	VBROADCASTSS addr, Y12; \
	VXORPS       outsSign<>(SB), Y12, Y12; \
	VANDPS       Y12, Y8, Y13; \
	VFNMADD231PS Y10, Y13, lo; \
	VANDPS       Y12, Y9, Y13; \
	VFNMADD231PS Y11, Y13, hi

// func correlateOutsAVX2(dst *float32, ldd, full int, src *float32, deltas *int, masks *uint16, stride int, w *float32, taps, tail, outs int)
// Requires taps >= 1 and 1 <= outs <= 4.
//
//	DI dst plane 0 at the segment   SI src at the segment   CX full segments left
//	R8 masks at the segment   R13 mask row bytes   R14 weight row bytes (taps·4)
//	R9 outs   BX tap delta address   DX weights of planes 0, 1 at the tap
//	AX weights of planes 2, 3 at the tap   R12 taps left   R11 mask address
//	R10 source at the tap   Y14, Y15 lane bits
TEXT ·correlateOutsAVX2(SB), NOSPLIT, $0-88
	MOVQ    dst+0(FP), DI
	MOVQ    full+16(FP), CX
	MOVQ    src+24(FP), SI
	MOVQ    masks+40(FP), R8
	MOVQ    stride+48(FP), R13
	SHLQ    $1, R13
	MOVQ    taps+64(FP), R14
	SHLQ    $2, R14
	MOVQ    outs+80(FP), R9
	LEAQ    outsBits<>(SB), AX
	VMOVDQU (AX), Y14
	VMOVDQU 32(AX), Y15

seg:
	TESTQ CX, CX
	JNZ   segtaps
	MOVQ  tail+72(FP), AX
	TESTQ AX, AX
	JZ    done

segtaps:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   deltas+32(FP), BX
	MOVQ   w+56(FP), DX
	LEAQ   (DX)(R14*2), AX
	MOVQ   taps+64(FP), R12
	MOVQ   R8, R11

tap:
	MOVQ         (BX), R10
	LEAQ         (SI)(R10*4), R10
	VPBROADCASTW (R11), Y9
	OUTHALF(Y9, Y14, Y8)
	OUTHALF(Y9, Y15, Y9)
	VMASKMOVPS   (R10), Y8, Y10
	VMASKMOVPS   32(R10), Y9, Y11
	PLANE((DX), Y0, Y1)
	CMPQ         R9, $1
	JEQ          next
	PLANE((DX)(R14*1), Y2, Y3)
	CMPQ         R9, $2
	JEQ          next
	PLANE((AX), Y4, Y5)
	CMPQ         R9, $3
	JEQ          next
	PLANE((AX)(R14*1), Y6, Y7)

next:
	ADDQ $8, BX
	ADDQ R13, R11
	ADDQ $4, DX
	ADDQ $4, AX
	DECQ R12
	JNZ  tap

	MOVQ  ldd+8(FP), AX
	SHLQ  $2, AX
	MOVQ  DI, R10
	TESTQ CX, CX
	JZ    partial

	// A full segment: plain stores.
	VMOVUPS Y0, (R10)
	VMOVUPS Y1, 32(R10)
	CMPQ    R9, $1
	JEQ     segdone
	ADDQ    AX, R10
	VMOVUPS Y2, (R10)
	VMOVUPS Y3, 32(R10)
	CMPQ    R9, $2
	JEQ     segdone
	ADDQ    AX, R10
	VMOVUPS Y4, (R10)
	VMOVUPS Y5, 32(R10)
	CMPQ    R9, $3
	JEQ     segdone
	ADDQ    AX, R10
	VMOVUPS Y6, (R10)
	VMOVUPS Y7, 32(R10)

segdone:
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $2, R8
	DECQ CX
	JMP  seg

	// The last, partial segment: store the positions < n only.
partial:
	MOVQ         tail+72(FP), BX
	MOVQ         BX, X9
	VPBROADCASTD X9, Y9
	OUTHALF(Y9, Y14, Y8)
	OUTHALF(Y9, Y15, Y9)
	VMASKMOVPS   Y0, Y8, (R10)
	VMASKMOVPS   Y1, Y9, 32(R10)
	CMPQ         R9, $1
	JEQ          done
	ADDQ         AX, R10
	VMASKMOVPS   Y2, Y8, (R10)
	VMASKMOVPS   Y3, Y9, 32(R10)
	CMPQ         R9, $2
	JEQ          done
	ADDQ         AX, R10
	VMASKMOVPS   Y4, Y8, (R10)
	VMASKMOVPS   Y5, Y9, 32(R10)
	CMPQ         R9, $3
	JEQ          done
	ADDQ         AX, R10
	VMASKMOVPS   Y6, Y8, (R10)
	VMASKMOVPS   Y7, Y9, 32(R10)

done:
	VZEROUPPER
	RET
