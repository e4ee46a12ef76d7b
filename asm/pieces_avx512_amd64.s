//go:build !purego

#include "textflag.h"

// func gatherPiecesAVX512(dst *float32, rows, segs int, src *float32, tab *Span16, rowBytes, taps, t0, plane, pieces int)
// gatherRowsAVX512 for segments of several pieces (gather.go): each piece
// is loaded zero-masked and the pieces are ORed (their masks are
// disjoint). dst[(p*segs+h)*16+l] = lane l of segment h of span row
// t = (t0+p) mod taps, read from src moved by one plane each time t wraps
// to 0. Requires rows, segs, pieces >= 1.
//
//	DI dst   CX rows left   R8 segs   SI src of the current channel
//	BX tab   DX row bytes   R11 t·row bytes   R13 taps·row bytes
//	R12 plane bytes   R9 span pointer   R10 segments left   R14 pieces left
TEXT ·gatherPiecesAVX512(SB), NOSPLIT, $0-80
	MOVQ  dst+0(FP), DI
	MOVQ  rows+8(FP), CX
	MOVQ  segs+16(FP), R8
	MOVQ  src+24(FP), SI
	MOVQ  tab+32(FP), BX
	MOVQ  rowBytes+40(FP), DX
	MOVQ  taps+48(FP), R13
	IMULQ DX, R13
	MOVQ  t0+56(FP), R11
	IMULQ DX, R11
	MOVQ  plane+64(FP), R12
	SHLQ  $2, R12

prow:
	LEAQ (BX)(R11*1), R9
	MOVQ R8, R10

pseg:
	MOVLQSX   0(R9), AX
	KMOVW     4(R9), K1
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	ADDQ      $8, R9
	MOVQ      pieces+72(FP), R14
	DECQ      R14
	JZ        pstore

	// Each further piece is its own zero-masked load, ORed in: a
	// merge-masked load into Z0 would chain every load of the segment on
	// the previous one's latency.
ppiece:
	MOVLQSX   0(R9), AX
	KMOVW     4(R9), K1
	VMOVUPS.Z (SI)(AX*4), K1, Z1
	VORPS     Z1, Z0, Z0
	ADDQ      $8, R9
	DECQ      R14
	JNZ       ppiece

pstore:
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	DECQ    R10
	JNZ     pseg
	ADDQ    DX, R11
	CMPQ    R11, R13
	JLT     pnext
	XORQ    R11, R11
	ADDQ    R12, SI

pnext:
	DECQ CX
	JNZ  prow
	VZEROUPPER
	RET

// evenLanes selects the even elements of a 32-element pair of vectors.
DATA evenLanes<>+0(SB)/4, $0
DATA evenLanes<>+4(SB)/4, $2
DATA evenLanes<>+8(SB)/4, $4
DATA evenLanes<>+12(SB)/4, $6
DATA evenLanes<>+16(SB)/4, $8
DATA evenLanes<>+20(SB)/4, $10
DATA evenLanes<>+24(SB)/4, $12
DATA evenLanes<>+28(SB)/4, $14
DATA evenLanes<>+32(SB)/4, $16
DATA evenLanes<>+36(SB)/4, $18
DATA evenLanes<>+40(SB)/4, $20
DATA evenLanes<>+44(SB)/4, $22
DATA evenLanes<>+48(SB)/4, $24
DATA evenLanes<>+52(SB)/4, $26
DATA evenLanes<>+56(SB)/4, $28
DATA evenLanes<>+60(SB)/4, $30
GLOBL evenLanes<>(SB), RODATA|NOPTR, $64

// func gatherStep2AVX512(dst *float32, rows, segs int, src *float32, tab *Span16, rowBytes, taps, t0, plane, pieces int)
// gatherPiecesAVX512 for tables of step 2 (gather.go): a piece's lane l
// reads element Off+2l, its mask holds element bits (bit 2l). Each piece
// is two zero-masked 16-element loads, of which VPERMT2PS keeps the even
// elements; the pieces are ORed.
//
//	registers as in gatherPiecesAVX512; Z31 the even-element index
TEXT ·gatherStep2AVX512(SB), NOSPLIT, $0-80
	VMOVDQU32 evenLanes<>(SB), Z31
	MOVQ      dst+0(FP), DI
	MOVQ      rows+8(FP), CX
	MOVQ      segs+16(FP), R8
	MOVQ      src+24(FP), SI
	MOVQ      tab+32(FP), BX
	MOVQ      rowBytes+40(FP), DX
	MOVQ      taps+48(FP), R13
	IMULQ     DX, R13
	MOVQ      t0+56(FP), R11
	IMULQ     DX, R11
	MOVQ      plane+64(FP), R12
	SHLQ      $2, R12

srow:
	LEAQ (BX)(R11*1), R9
	MOVQ R8, R10

sseg:
	VPXORD Z0, Z0, Z0
	MOVQ   pieces+72(FP), R14

spiece:
	MOVLQSX   0(R9), AX
	KMOVW     4(R9), K1
	KMOVW     6(R9), K2
	VMOVUPS.Z (SI)(AX*4), K1, Z1
	VMOVUPS.Z 64(SI)(AX*4), K2, Z2
	VPERMT2PS Z2, Z31, Z1
	VORPS     Z1, Z0, Z0
	ADDQ      $8, R9
	DECQ      R14
	JNZ       spiece

	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	DECQ    R10
	JNZ     sseg
	ADDQ    DX, R11
	CMPQ    R11, R13
	JLT     snext
	XORQ    R11, R11
	ADDQ    R12, SI

snext:
	DECQ CX
	JNZ  srow
	VZEROUPPER
	RET
