//go:build !purego

#include "textflag.h"

// AVX2 rows of MaxPoolPlane and AvgPoolPlane (pool.go), 8 outputs per
// chunk. Lane ox of a chunk reads column ix = ox·sw − pw + kj of each
// window row. Where every read of a chunk lies inside the plane rows (an
// "inner" chunk: 0 <= ix for lane 0, kj = 0 and ix < w for lane 7,
// kj = kw−1) strides 1 and 2 read with plain loads: 8 consecutive
// floats, or 15 (two loads 7 floats apart) of which VSHUFPS and VPERMPD
// keep the even ones. Other chunks read stride 1 with VMASKMOVPS and
// other strides with VGATHERDPS, both masked to 0 <= ix < w: masked-off
// lanes are not read (no fault) and read as 0. Comparisons and sums run
// in the Go twins' row-major order, so the results are theirs bit for bit.

// iota8 is 0, 1, …, 7 as int32.
DATA iota8<>+0(SB)/4, $0
DATA iota8<>+4(SB)/4, $1
DATA iota8<>+8(SB)/4, $2
DATA iota8<>+12(SB)/4, $3
DATA iota8<>+16(SB)/4, $4
DATA iota8<>+20(SB)/4, $5
DATA iota8<>+24(SB)/4, $6
DATA iota8<>+28(SB)/4, $7
GLOBL iota8<>(SB), RODATA|NOPTR, $32

// tailMask: the 8 int32 from tailMask<>+4·(8−n) set the first n lanes.
DATA tailMask<>+0(SB)/8, $-1
DATA tailMask<>+8(SB)/8, $-1
DATA tailMask<>+16(SB)/8, $-1
DATA tailMask<>+24(SB)/8, $-1
DATA tailMask<>+32(SB)/8, $0
DATA tailMask<>+40(SB)/8, $0
DATA tailMask<>+48(SB)/8, $0
DATA tailMask<>+56(SB)/8, $0
GLOBL tailMask<>(SB), RODATA|NOPTR, $64

// BCAST broadcasts the low 32 bits of reg to every lane of y (via x).
#define BCAST(reg, x, y) \
	VMOVD        reg, x; \
	VPBROADCASTD x, y

// VALID sets Y6 to the lanes with 0 <= ix (Y3) <= w−1 (Y14), unsigned.
#define VALID \
	VPMINUD  Y14, Y3, Y6; \
	VPCMPEQD Y3, Y6, Y6

// EVENS leaves in Y2 the floats 0, 2, …, 14 from R10: Y2 holds floats
// 0..7 and Y7 floats 7..14, so [0 2 8 10 | 4 6 12 14] after VSHUFPS.
#define EVENS \
	VMOVUPS  (R10), Y2; \
	VMOVUPS  28(R10), Y7; \
	VSHUFPS  $0xD8, Y7, Y2, Y2; \
	VPERMPD  $0xD8, Y2, Y2

// SETUP sets up the geometry shared by both rows from R14 w, R11 sw,
// DX pw, AX tail and BX kw:
//	Y15 ix of lane ox for kj = 0: ox·sw − pw   Y14 w − 1   Y13 all ones
//	Y11 8·sw   Y10 store lanes of the last chunk   DX lane 0's ix
//	R11 sw   R12 8·sw   R13 inner limit (see INNER)   R14 w
#define SETUP \
	MOVQ    R11, R12; \
	SHLQ    $3, R12; \
	LEAQ    -1(R14), R13; \
	BCAST(R13, X14, Y14); \
	VPCMPEQD Y13, Y13, Y13; \
	BCAST(R12, X11, Y11); \
	BCAST(R11, X15, Y15); \
	VPMULLD iota8<>(SB), Y15, Y15; \
	NEGQ    DX; \
	BCAST(DX, X6, Y6); \
	VPADDD  Y6, Y15, Y15; \
	NEGQ    AX; \
	ADDQ    $8, AX; \
	LEAQ    tailMask<>(SB), R10; \
	VMOVDQU (R10)(AX*4), Y10; \
	LEAQ    (R11)(R11*8), R13; \
	SUBQ    R11, R13; \
	SUBQ    R11, R13; \
	ADDQ    BX, R13; \
	DECQ    R13; \
	NEGQ    R13; \
	ADDQ    R14, R13; \
	XORQ    AX, AX; \
	CMPQ    R13, $0; \
	CMOVQLT AX, R13

// INNER jumps to inner if the chunk at DX is inner: 0 <= DX <
// w − (7·sw + kw − 1) = R13 (0 when no chunk fits), unsigned.
#define INNER(inner) \
	CMPQ DX, R13; \
	JCS  inner

// ROWSTART sets, for window row CX: Y5 = iy·w, Y3 = ix and Y4 = iy·w + ix
// of each lane for kj = 0, R10 = the address of lane 0's read.
#define ROWSTART \
	MOVQ   CX, AX; \
	IMULQ  R14, AX; \
	BCAST(AX, X5, Y5); \
	VMOVDQA Y15, Y3; \
	VPADDD Y5, Y15, Y4; \
	ADDQ   DX, AX; \
	LEAQ   (SI)(AX*4), R10

// MAXSTEP takes v (Y2) and its index (Y4) into best (Y0, Y1) where v is
// greater or a NaN; masked lanes (mask) are left alone.
#define MAXSTEP \
	VCMPPS    $0x1e, Y0, Y2, Y7; \
	VCMPPS    $3, Y2, Y2, Y8; \
	VORPS     Y8, Y7, Y7; \
	VBLENDVPS Y7, Y2, Y0, Y0; \
	VBLENDVPS Y7, Y4, Y1, Y1

#define MAXSTEPMASKED \
	VCMPPS    $0x1e, Y0, Y2, Y7; \
	VCMPPS    $3, Y2, Y2, Y8; \
	VORPS     Y8, Y7, Y7; \
	VANDPS    Y6, Y7, Y7; \
	VBLENDVPS Y7, Y2, Y0, Y0; \
	VBLENDVPS Y7, Y4, Y1, Y1

// func maxPoolRowAVX2(out *float32, idx *int32, x *float32, w, chunks, tail int, y0, y1, kw, sw, pw int)
// One output row of MaxPoolPlane, as maxPoolRowAVX512; the last chunk
// stores its first tail (1..8) lanes. Requires y0 < y1, chunks >= 1.
//
//	DI out   R8 idx   SI plane   R9 chunks left   CX iy   BX kj left
//	R10 read address   Y0 best   Y1 best index   Y2 v   Y3 ix
//	Y4 iy·w + ix   Y5 iy·w   Y6 valid lanes   Y7, Y8 scratch
//	Y12 −Inf; others as in SETUP
TEXT ·maxPoolRowAVX2(SB), NOSPLIT, $0-88
	MOVQ out+0(FP), DI
	MOVQ idx+8(FP), R8
	MOVQ x+16(FP), SI
	MOVQ chunks+32(FP), R9
	MOVQ w+24(FP), R14
	MOVQ sw+72(FP), R11
	MOVQ pw+80(FP), DX
	MOVQ tail+40(FP), AX
	MOVQ kw+64(FP), BX
	SETUP
	MOVL $0xff800000, AX
	BCAST(AX, X12, Y12)

mpChunk:
	// best = −Inf at the window's first position inside the plane.
	VMOVAPS Y12, Y0
	VPXOR   Y6, Y6, Y6
	VPMAXSD Y6, Y15, Y1
	MOVQ    y0+48(FP), CX
	MOVQ    CX, AX
	IMULQ   R14, AX
	BCAST(AX, X5, Y5)
	VPADDD  Y5, Y1, Y1

mpRow:
	ROWSTART
	MOVQ kw+64(FP), BX
	INNER(mpInner)
	CMPQ R11, $1
	JEQ  mpMasked1

mpGather:
	VALID
	VMOVDQA    Y6, Y7
	VGATHERDPS Y7, (SI)(Y4*4), Y2
	MAXSTEPMASKED
	VPSUBD     Y13, Y3, Y3
	VPSUBD     Y13, Y4, Y4
	DECQ       BX
	JNZ        mpGather
	JMP        mpNextRow

mpMasked1:
	VALID
	VMASKMOVPS (R10), Y6, Y2
	MAXSTEPMASKED
	VPSUBD     Y13, Y3, Y3
	VPSUBD     Y13, Y4, Y4
	ADDQ       $4, R10
	DECQ       BX
	JNZ        mpMasked1
	JMP        mpNextRow

mpInner:
	CMPQ R11, $2
	JEQ  mpInner2
	CMPQ R11, $1
	JNE  mpGather

mpInner1:
	VMOVUPS (R10), Y2
	MAXSTEP
	VPSUBD  Y13, Y4, Y4
	ADDQ    $4, R10
	DECQ    BX
	JNZ     mpInner1
	JMP     mpNextRow

mpInner2:
	EVENS
	MAXSTEP
	VPSUBD Y13, Y4, Y4
	ADDQ   $4, R10
	DECQ   BX
	JNZ    mpInner2

mpNextRow:
	INCQ CX
	CMPQ CX, y1+56(FP)
	JLT  mpRow

	CMPQ R9, $1
	JNE  mpStore
	CMPQ tail+40(FP), $8
	JNE  mpStoreTail

mpStore:
	VMOVUPS Y0, (DI)
	VMOVDQU Y1, (R8)
	ADDQ    $32, DI
	ADDQ    $32, R8
	VPADDD  Y11, Y15, Y15
	ADDQ    R12, DX
	DECQ    R9
	JNZ     mpChunk
	VZEROUPPER
	RET

mpStoreTail:
	VMASKMOVPS Y0, Y10, (DI)
	VPMASKMOVD Y1, Y10, (R8)
	VZEROUPPER
	RET

// func avgPoolRowAVX2(out *float32, x *float32, w, chunks, tail int, y0, y1, kw, sw, pw, fh, includePad int)
// One output row of AvgPoolPlane, as avgPoolRowAVX512: each lane sums its
// window in row-major order (a masked-off read adds +0, which leaves the
// sum's bits alone: a sum that starts at +0 is never −0), then divides by
// fh·(min(lo + kw, right) − max(lo, left)) with lo = ox·sw − pw and
// [left, right) = [−2³¹, w + pw) (includePad) or [0, w).
// Requires y0 < y1, chunks >= 1.
//
//	DI out   SI plane   R9 chunks left   CX iy   BX kj left
//	R10 read address   Y0 sum   Y2 v   Y3 ix   Y4 iy·w + ix   Y5 iy·w
//	Y6 valid lanes   Y1, Y7 scratch (Y7 fh at the division)   Y12 left
//	Y9 right   Y8 kw; others as in SETUP
TEXT ·avgPoolRowAVX2(SB), NOSPLIT, $0-96
	MOVQ out+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ chunks+24(FP), R9
	MOVQ w+16(FP), R14
	MOVQ sw+64(FP), R11
	MOVQ pw+72(FP), DX
	MOVQ tail+32(FP), AX
	MOVQ kw+56(FP), BX
	SETUP
	VPBROADCASTD kw+56(FP), Y8
	MOVQ         R14, AX
	XORQ         BX, BX
	CMPQ         includePad+88(FP), $0
	JEQ          apBounds
	ADDQ         pw+72(FP), AX
	MOVL         $0x80000000, BX

apBounds:
	BCAST(AX, X9, Y9)
	BCAST(BX, X12, Y12)

apChunk:
	VXORPS Y0, Y0, Y0
	MOVQ   y0+40(FP), CX

apRow:
	ROWSTART
	MOVQ kw+56(FP), BX
	INNER(apInner)
	CMPQ R11, $1
	JEQ  apMasked1

apGather:
	VALID
	VXORPS     Y2, Y2, Y2
	VGATHERDPS Y6, (SI)(Y4*4), Y2
	VADDPS     Y2, Y0, Y0
	VPSUBD     Y13, Y3, Y3
	VPSUBD     Y13, Y4, Y4
	DECQ       BX
	JNZ        apGather
	JMP        apNextRow

apMasked1:
	VALID
	VMASKMOVPS (R10), Y6, Y2
	VADDPS     Y2, Y0, Y0
	VPSUBD     Y13, Y3, Y3
	ADDQ       $4, R10
	DECQ       BX
	JNZ        apMasked1
	JMP        apNextRow

apInner:
	CMPQ R11, $2
	JEQ  apInner2
	CMPQ R11, $1
	JNE  apGather

apInner1:
	VADDPS (R10), Y0, Y0
	ADDQ   $4, R10
	DECQ   BX
	JNZ    apInner1
	JMP    apNextRow

apInner2:
	EVENS
	VADDPS Y2, Y0, Y0
	ADDQ   $4, R10
	DECQ   BX
	JNZ    apInner2

apNextRow:
	INCQ CX
	CMPQ CX, y1+48(FP)
	JLT  apRow

	VPADDD       Y8, Y15, Y6
	VPMINSD      Y9, Y6, Y6
	VPMAXSD      Y12, Y15, Y1
	VPSUBD       Y1, Y6, Y6
	VPBROADCASTD fh+80(FP), Y7
	VPMULLD      Y7, Y6, Y6
	VCVTDQ2PS    Y6, Y6
	VDIVPS       Y6, Y0, Y0

	CMPQ R9, $1
	JNE  apStore
	CMPQ tail+32(FP), $8
	JNE  apStoreTail

apStore:
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	VPADDD  Y11, Y15, Y15
	ADDQ    R12, DX
	DECQ    R9
	JNZ     apChunk
	VZEROUPPER
	RET

apStoreTail:
	VMASKMOVPS Y0, Y10, (DI)
	VZEROUPPER
	RET
