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
