//go:build !purego

#include "textflag.h"

// AVX2 gathers of pieced and step-2 span tables (gather.go): the AVX2
// twins of gatherPiecesAVX512 and gatherStep2AVX512. Each piece of a
// segment is read with VMASKMOVPS, whose masked-off lanes are not accessed
// and do not fault (a piece may start before or end after its source), and
// read as +0; the pieces are ORed, which is exact because their masks are
// disjoint.
//
// VMASKMOVPS looks only at the sign bit of each mask lane, so an 8-lane
// mask is the span mask broadcast and shifted left by a per-lane count
// that brings lane i's bit to bit 31: one VPSLLVD instead of an AND and a
// compare.

// pieceShifts holds the counts for the four 8-bit quarters of a span
// mask: lane i of quarter q needs bit 8q+i, shifted by 31-8q-i.
DATA pieceShifts<>+0(SB)/4, $31
DATA pieceShifts<>+4(SB)/4, $30
DATA pieceShifts<>+8(SB)/4, $29
DATA pieceShifts<>+12(SB)/4, $28
DATA pieceShifts<>+16(SB)/4, $27
DATA pieceShifts<>+20(SB)/4, $26
DATA pieceShifts<>+24(SB)/4, $25
DATA pieceShifts<>+28(SB)/4, $24
DATA pieceShifts<>+32(SB)/4, $23
DATA pieceShifts<>+36(SB)/4, $22
DATA pieceShifts<>+40(SB)/4, $21
DATA pieceShifts<>+44(SB)/4, $20
DATA pieceShifts<>+48(SB)/4, $19
DATA pieceShifts<>+52(SB)/4, $18
DATA pieceShifts<>+56(SB)/4, $17
DATA pieceShifts<>+60(SB)/4, $16
DATA pieceShifts<>+64(SB)/4, $15
DATA pieceShifts<>+68(SB)/4, $14
DATA pieceShifts<>+72(SB)/4, $13
DATA pieceShifts<>+76(SB)/4, $12
DATA pieceShifts<>+80(SB)/4, $11
DATA pieceShifts<>+84(SB)/4, $10
DATA pieceShifts<>+88(SB)/4, $9
DATA pieceShifts<>+92(SB)/4, $8
DATA pieceShifts<>+96(SB)/4, $7
DATA pieceShifts<>+100(SB)/4, $6
DATA pieceShifts<>+104(SB)/4, $5
DATA pieceShifts<>+108(SB)/4, $4
DATA pieceShifts<>+112(SB)/4, $3
DATA pieceShifts<>+116(SB)/4, $2
DATA pieceShifts<>+120(SB)/4, $1
DATA pieceShifts<>+124(SB)/4, $0
GLOBL pieceShifts<>(SB), RODATA|NOPTR, $128

// ARGS loads the arguments shared by both kernels.
#define ARGS \
	MOVQ  dst+0(FP), DI; \
	MOVQ  rows+8(FP), CX; \
	MOVQ  segs+16(FP), R8; \
	MOVQ  src+24(FP), SI; \
	MOVQ  tab+32(FP), BX; \
	MOVQ  rowBytes+40(FP), DX; \
	MOVQ  taps+48(FP), R13; \
	IMULQ DX, R13; \
	MOVQ  t0+56(FP), R11; \
	IMULQ DX, R11; \
	MOVQ  plane+64(FP), R12; \
	SHLQ  $2, R12

// NEXTROW moves to the next span row after a row's segments, and to the
// next channel's plane when the tap wraps to 0; it loops to label while
// rows are left.
#define NEXTROW(label, skip) \
	ADDQ DX, R11; \
	CMPQ R11, R13; \
	JLT  skip; \
	XORQ R11, R11; \
	ADDQ R12, SI; \
skip: \
	DECQ CX; \
	JNZ  label

// PIECE1 loads the 16 lanes of the step-1 piece at R9 into lo, hi and
// moves R9 to the next piece; Y14, Y15 hold the shifts of lanes 0..7 and
// 8..15. Y2, Y3, Y8 are scratch.
#define PIECE1(lo, hi) \
	MOVLQSX      0(R9), AX; \
	VPBROADCASTD 4(R9), Y8; \
	VPSLLVD      Y14, Y8, Y2; \
	VPSLLVD      Y15, Y8, Y3; \
	VMASKMOVPS   (SI)(AX*4), Y2, lo; \
	VMASKMOVPS   32(SI)(AX*4), Y3, hi; \
	ADDQ         $8, R9

// func gatherPiecesAVX2(dst *float32, rows, segs int, src *float32, tab *Span16, rowBytes, taps, t0, plane, pieces int)
// As gatherPiecesAVX512: dst[(p*segs+h)*16+l] = lane l of segment h of
// span row t = (t0+p) mod taps, the lane of whichever of its pieces has
// it (or +0), read from src moved by one plane each time t wraps to 0.
// Requires rows, segs, pieces >= 1.
//
//	DI dst   CX rows left   R8 segs   SI src of the current channel
//	BX tab   DX row bytes   R11 t·row bytes   R13 taps·row bytes
//	R12 plane bytes   R9 span pointer   R10 segments left   R14 pieces left
TEXT ·gatherPiecesAVX2(SB), NOSPLIT, $0-80
	ARGS
	VMOVDQU pieceShifts<>+0(SB), Y14
	VMOVDQU pieceShifts<>+32(SB), Y15

prow:
	LEAQ (BX)(R11*1), R9
	MOVQ R8, R10

pseg:
	PIECE1(Y0, Y1)
	MOVQ pieces+72(FP), R14
	DECQ R14
	JZ   pstore

	// Further pieces load into their own registers and are ORed in: a
	// masked load cannot merge into Y0, Y1 (it zeroes the lanes off).
ppiece:
	PIECE1(Y4, Y5)
	VORPS Y4, Y0, Y0
	VORPS Y5, Y1, Y1
	DECQ  R14
	JNZ   ppiece

pstore:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, DI
	DECQ    R10
	JNZ     pseg
	NEXTROW(prow, pnext)
	VZEROUPPER
	RET

// PIECE2 loads the 32 elements Off..Off+31 of the step-2 piece at R9 into
// a, b, c, d (8 each), reading only those whose bit is set in its element
// mask (bit 2l for lane l: the odd elements are never read), and moves R9
// to the next piece. Y12..Y15 hold the shifts of the four quarters; Y8..Y11
// are scratch.
#define PIECE2(a, b, c, d) \
	MOVLQSX      0(R9), AX; \
	VPBROADCASTD 4(R9), Y8; \
	VPSLLVD      Y12, Y8, Y9; \
	VPSLLVD      Y13, Y8, Y10; \
	VPSLLVD      Y14, Y8, Y11; \
	VPSLLVD      Y15, Y8, Y8; \
	VMASKMOVPS   (SI)(AX*4), Y9, a; \
	VMASKMOVPS   32(SI)(AX*4), Y10, b; \
	VMASKMOVPS   64(SI)(AX*4), Y11, c; \
	VMASKMOVPS   96(SI)(AX*4), Y8, d; \
	ADDQ         $8, R9

// EVENS packs the even elements of the 16 in lo (0..7) and hi (8..15) into
// lo, in order: VSHUFPS takes elements 0, 2 of each 128-bit half of both
// (giving 0 2 8 10 | 4 6 12 14), VPERMPD puts the 64-bit pairs in order.
#define EVENS(lo, hi) \
	VSHUFPS $0x88, hi, lo, lo; \
	VPERMPD $0xD8, lo, lo

// func gatherStep2AVX2(dst *float32, rows, segs int, src *float32, tab *Span16, rowBytes, taps, t0, plane, pieces int)
// gatherPiecesAVX2 for tables of step 2: a piece's lane l reads element
// Off+2l. The pieces' 32 elements are ORed as loaded and de-interleaved
// once per segment (the shuffles are lane moves, so they commute with
// the OR).
//
//	registers as in gatherPiecesAVX2
TEXT ·gatherStep2AVX2(SB), NOSPLIT, $0-80
	ARGS
	VMOVDQU pieceShifts<>+0(SB), Y12
	VMOVDQU pieceShifts<>+32(SB), Y13
	VMOVDQU pieceShifts<>+64(SB), Y14
	VMOVDQU pieceShifts<>+96(SB), Y15

srow:
	LEAQ (BX)(R11*1), R9
	MOVQ R8, R10

sseg:
	PIECE2(Y0, Y1, Y2, Y3)
	MOVQ pieces+72(FP), R14
	DECQ R14
	JZ   sstore

spiece:
	PIECE2(Y4, Y5, Y6, Y7)
	VORPS Y4, Y0, Y0
	VORPS Y5, Y1, Y1
	VORPS Y6, Y2, Y2
	VORPS Y7, Y3, Y3
	DECQ  R14
	JNZ   spiece

sstore:
	EVENS(Y0, Y1)
	EVENS(Y2, Y3)
	VMOVUPS Y0, (DI)
	VMOVUPS Y2, 32(DI)
	ADDQ    $64, DI
	DECQ    R10
	JNZ     sseg
	NEXTROW(srow, snext)
	VZEROUPPER
	RET
