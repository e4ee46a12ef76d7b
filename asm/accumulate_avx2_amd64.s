//go:build !purego

#include "textflag.h"

// AVX2 versions of accumulate_avx512_amd64.s (accumulate.go), for CPUs
// without AVX-512. A 16-bit lane mask becomes two 8-lane masks: it is
// broadcast, ANDed with the lane bits [1, 2, ..., 128] (lanes 0..7) or
// [256, ..., 32768] (lanes 8..15) and compared with them. VMASKMOVPS then
// reads or writes only the enabled lanes: the others are not accessed and
// cannot fault, which is how a tap's row may start before or end after
// its source.
//
// A disabled lane must leave dst as it is, bit for bit, as the skipped add
// of the Go loop does. The masked load gives +0 there, and x + (+0) turns
// a -0 in dst into +0; so disabled lanes are set to -0 first, which adds
// nothing to any x.

// accBits are the lane bits of a 16-lane mask (lanes 0..15), then, for
// Col2imRowsStep2's element mask in bits 16..23, the bit of element e.
DATA accBits<>+0(SB)/4, $0x1
DATA accBits<>+4(SB)/4, $0x2
DATA accBits<>+8(SB)/4, $0x4
DATA accBits<>+12(SB)/4, $0x8
DATA accBits<>+16(SB)/4, $0x10
DATA accBits<>+20(SB)/4, $0x20
DATA accBits<>+24(SB)/4, $0x40
DATA accBits<>+28(SB)/4, $0x80
DATA accBits<>+32(SB)/4, $0x100
DATA accBits<>+36(SB)/4, $0x200
DATA accBits<>+40(SB)/4, $0x400
DATA accBits<>+44(SB)/4, $0x800
DATA accBits<>+48(SB)/4, $0x1000
DATA accBits<>+52(SB)/4, $0x2000
DATA accBits<>+56(SB)/4, $0x4000
DATA accBits<>+60(SB)/4, $0x8000
DATA accBits<>+64(SB)/4, $0x10000
DATA accBits<>+68(SB)/4, $0x20000
DATA accBits<>+72(SB)/4, $0x40000
DATA accBits<>+76(SB)/4, $0x80000
DATA accBits<>+80(SB)/4, $0x100000
DATA accBits<>+84(SB)/4, $0x200000
DATA accBits<>+88(SB)/4, $0x400000
DATA accBits<>+92(SB)/4, $0x800000
GLOBL accBits<>(SB), RODATA|NOPTR, $96

// accPairs sends element l/2 to lane l: lanes 0..7, then lanes 8..15.
DATA accPairs<>+0(SB)/4, $0
DATA accPairs<>+4(SB)/4, $0
DATA accPairs<>+8(SB)/4, $1
DATA accPairs<>+12(SB)/4, $1
DATA accPairs<>+16(SB)/4, $2
DATA accPairs<>+20(SB)/4, $2
DATA accPairs<>+24(SB)/4, $3
DATA accPairs<>+28(SB)/4, $3
DATA accPairs<>+32(SB)/4, $4
DATA accPairs<>+36(SB)/4, $4
DATA accPairs<>+40(SB)/4, $5
DATA accPairs<>+44(SB)/4, $5
DATA accPairs<>+48(SB)/4, $6
DATA accPairs<>+52(SB)/4, $6
DATA accPairs<>+56(SB)/4, $7
DATA accPairs<>+60(SB)/4, $7
GLOBL accPairs<>(SB), RODATA|NOPTR, $64

// accSign is -0, broadcast to every lane.
DATA accSign<>+0(SB)/4, $0x80000000
GLOBL accSign<>(SB), RODATA|NOPTR, $4

// LANEMASKS turns the mask word broadcast in b into the lane masks of
// lanes 0..7 (lo) and 8..15 (hi); Y14, Y15 hold the lane bits.
#define LANEMASKS(b, lo, hi) \
	VPAND    Y14, b, lo; \
	VPAND    Y15, b, hi; \
	VPCMPEQD Y14, lo, lo; \
	VPCMPEQD Y15, hi, hi

// TAILMASKS loads the lane masks of the bits in the GPR t into lo, hi.
#define TAILMASKS(t, lo, hi) \
	MOVQ         t, X0; \
	VPBROADCASTD X0, hi; \
	LANEMASKS(hi, lo, hi)

// C2ITAPS adds each tap's enabled source lanes of the chunk to Y0 (lanes
// 0..7) and Y1 (8..15), disabled lanes as -0, taps in order.
//
//	R14 src at the chunk   R11 offs   R12 masks at the chunk
//	R13 mask row bytes   R10 tap   R15 mask address   Y13 -0
//
// It reads taps+72(FP) of col2imRowsAVX2 or col2imRows2AVX2 (every
// general register is in use), and is defined before the first TEXT so
// that vet checks it against neither.
#define C2ITAPS(loop) \
	XORQ         R10, R10; \
	MOVQ         R12, R15; \
loop:; \
	MOVQ         (R11)(R10*8), AX; \
	VPBROADCASTW (R15), Y2; \
	LANEMASKS(Y2, Y3, Y4); \
	VMASKMOVPS   (R14)(AX*4), Y3, Y5; \
	VMASKMOVPS   32(R14)(AX*4), Y4, Y6; \
	VANDNPS      Y13, Y3, Y3; \
	VANDNPS      Y13, Y4, Y4; \
	VORPS        Y3, Y5, Y5; \
	VORPS        Y4, Y6, Y6; \
	VADDPS       Y5, Y0, Y0; \
	VADDPS       Y6, Y1, Y1; \
	ADDQ         R13, R15; \
	INCQ         R10; \
	CMPQ         R10, taps+72(FP); \
	JLT          loop

// C2ITAPS2 is C2ITAPS for Col2imRowsStep2: each tap's mask word holds the
// lanes in bits 0..15 and the chunk's source elements they read in bits
// 16..23. The elements are loaded under their mask (Y12: element bits),
// spread to lane pairs by VPERMPS (Y7, Y8: indices), and the lanes a tap
// does not enable, which may have a value from the other lane of their
// pair, are set to -0.
#define C2ITAPS2(loop) \
	XORQ         R10, R10; \
	MOVQ         R12, R15; \
loop:; \
	MOVQ         (R11)(R10*8), AX; \
	VPBROADCASTD (R15), Y2; \
	VPAND        Y12, Y2, Y11; \
	VPCMPEQD     Y12, Y11, Y11; \
	VMASKMOVPS   (R14)(AX*4), Y11, Y11; \
	VPERMPS      Y11, Y7, Y5; \
	VPERMPS      Y11, Y8, Y6; \
	LANEMASKS(Y2, Y3, Y4); \
	VANDPS       Y3, Y5, Y5; \
	VANDPS       Y4, Y6, Y6; \
	VANDNPS      Y13, Y3, Y3; \
	VANDNPS      Y13, Y4, Y4; \
	VORPS        Y3, Y5, Y5; \
	VORPS        Y4, Y6, Y6; \
	VADDPS       Y5, Y0, Y0; \
	VADDPS       Y6, Y1, Y1; \
	ADDQ         R13, R15; \
	INCQ         R10; \
	CMPQ         R10, taps+72(FP); \
	JLT          loop

// func add2DAVX2(dst *float32, ldd int, src *float32, lds int, rows, cols int)
// Adds rows rows of cols floats: 16 at a time, then 8, then the last
// cols%8 under a mask. Requires rows, cols >= 1.
//
//	DI dst row   SI src row   DX ldd bytes   BX lds bytes   CX rows left
//	R8 cols/8   R9, R10 dst, src in the row   R11 8-lane blocks left
//	R12 cols%8   Y12 tail mask
TEXT ·add2DAVX2(SB), NOSPLIT, $0-48
	MOVQ    dst+0(FP), DI
	MOVQ    ldd+8(FP), DX
	SHLQ    $2, DX
	MOVQ    src+16(FP), SI
	MOVQ    lds+24(FP), BX
	SHLQ    $2, BX
	MOVQ    rows+32(FP), CX
	MOVQ    cols+40(FP), R8
	MOVQ    R8, R12
	ANDQ    $7, R12
	SHRQ    $3, R8
	LEAQ    accBits<>(SB), AX
	VMOVDQU (AX), Y14
	MOVQ    R12, CX
	MOVQ    $1, AX
	SHLQ    CX, AX
	DECQ    AX
	MOVQ    rows+32(FP), CX
	MOVQ         AX, X12
	VPBROADCASTD X12, Y12
	VPAND        Y14, Y12, Y12
	VPCMPEQD     Y14, Y12, Y12

adrow:
	MOVQ DI, R9
	MOVQ SI, R10
	MOVQ R8, R11

ad16:
	CMPQ    R11, $2
	JLT     ad8
	VMOVUPS (R10), Y0
	VMOVUPS 32(R10), Y1
	VADDPS  (R9), Y0, Y0
	VADDPS  32(R9), Y1, Y1
	VMOVUPS Y0, (R9)
	VMOVUPS Y1, 32(R9)
	ADDQ    $64, R9
	ADDQ    $64, R10
	SUBQ    $2, R11
	JMP     ad16

ad8:
	TESTQ   R11, R11
	JZ      adtail
	VMOVUPS (R10), Y0
	VADDPS  (R9), Y0, Y0
	VMOVUPS Y0, (R9)
	ADDQ    $32, R9
	ADDQ    $32, R10

adtail:
	TESTQ      R12, R12
	JZ         adnext
	VMASKMOVPS (R10), Y12, Y0
	VMASKMOVPS (R9), Y12, Y1
	VADDPS     Y1, Y0, Y0
	VMASKMOVPS Y0, Y12, (R9)

adnext:
	ADDQ DX, DI
	ADDQ BX, SI
	DECQ CX
	JNZ  adrow
	VZEROUPPER
	RET

// func col2imRowsAVX2(dst *float32, ldd, rows, full int, src *float32, lds int, offs *int, masks *uint16, stride, taps int, tail uint64)
// Col2imRows (accumulate.go): for each row and 16-column chunk, load the
// chunk of dst, add each tap's enabled source lanes (C2ITAPS), store: the
// full chunks with plain moves, then, if tail != 0, the last chunk, whose
// columns are the bits of tail, under masks. stride is the mask words per
// tap. Requires rows, taps >= 1.
//
//	DI dst row   SI src row   DX ldd bytes   BX lds bytes   CX rows left
//	R8 chunk byte offset   R9 full chunks left   Y9, Y10 tail lane masks
TEXT ·col2imRowsAVX2(SB), NOSPLIT, $0-88
	MOVQ    dst+0(FP), DI
	MOVQ    ldd+8(FP), DX
	SHLQ    $2, DX
	MOVQ    rows+16(FP), CX
	MOVQ    src+32(FP), SI
	MOVQ    lds+40(FP), BX
	SHLQ    $2, BX
	MOVQ    offs+48(FP), R11
	MOVQ    stride+64(FP), R13
	SHLQ    $1, R13
	LEAQ    accBits<>(SB), AX
	VMOVDQU (AX), Y14
	VMOVDQU 32(AX), Y15
	VBROADCASTSS accSign<>(SB), Y13
	MOVQ    tail+80(FP), AX
	TESTQ   AX, AX
	JZ      crrow
	TAILMASKS(AX, Y9, Y10)

crrow:
	XORQ  R8, R8
	MOVQ  masks+56(FP), R12
	MOVQ  full+24(FP), R9
	TESTQ R9, R9
	JZ    crlast

crchunk:
	LEAQ    (DI)(R8*1), R14
	VMOVUPS (R14), Y0
	VMOVUPS 32(R14), Y1
	LEAQ    (SI)(R8*1), R14
	C2ITAPS(crtap)
	LEAQ    (DI)(R8*1), R14
	VMOVUPS Y0, (R14)
	VMOVUPS Y1, 32(R14)
	ADDQ    $64, R8
	ADDQ    $2, R12
	DECQ    R9
	JNZ     crchunk

crlast:
	CMPQ       tail+80(FP), $0
	JEQ        crnext
	LEAQ       (DI)(R8*1), R14
	VMASKMOVPS (R14), Y9, Y0
	VMASKMOVPS 32(R14), Y10, Y1
	LEAQ       (SI)(R8*1), R14
	C2ITAPS(crtaplast)
	LEAQ       (DI)(R8*1), R14
	VMASKMOVPS Y0, Y9, (R14)
	VMASKMOVPS Y1, Y10, 32(R14)

crnext:
	ADDQ DX, DI
	ADDQ BX, SI
	DECQ CX
	JNZ  crrow
	VZEROUPPER
	RET

// func col2imRows2AVX2(dst *float32, ldd, rows, full int, src *float32, lds int, offs *int, masks *uint32, stride, taps int, tail uint64)
// Col2imRowsStep2 (accumulate.go): as col2imRowsAVX2 with C2ITAPS2; a
// chunk of 16 columns reads 8 source elements (32 bytes).
//
//	registers as in col2imRowsAVX2, except BX the chunk's source byte
//	offset (ldd and lds are reread per row); R13 = stride·4
TEXT ·col2imRows2AVX2(SB), NOSPLIT, $0-88
	MOVQ    dst+0(FP), DI
	MOVQ    rows+16(FP), CX
	MOVQ    src+32(FP), SI
	MOVQ    offs+48(FP), R11
	MOVQ    stride+64(FP), R13
	SHLQ    $2, R13
	LEAQ    accBits<>(SB), AX
	VMOVDQU (AX), Y14
	VMOVDQU 32(AX), Y15
	VMOVDQU 64(AX), Y12
	LEAQ    accPairs<>(SB), AX
	VMOVDQU (AX), Y7
	VMOVDQU 32(AX), Y8
	VBROADCASTSS accSign<>(SB), Y13
	MOVQ    tail+80(FP), AX
	TESTQ   AX, AX
	JZ      c2row
	TAILMASKS(AX, Y9, Y10)

c2row:
	XORQ  R8, R8
	XORQ  BX, BX
	MOVQ  masks+56(FP), R12
	MOVQ  full+24(FP), R9
	TESTQ R9, R9
	JZ    c2last

c2chunk:
	LEAQ    (DI)(R8*1), R14
	VMOVUPS (R14), Y0
	VMOVUPS 32(R14), Y1
	LEAQ    (SI)(BX*1), R14
	C2ITAPS2(c2tap)
	LEAQ    (DI)(R8*1), R14
	VMOVUPS Y0, (R14)
	VMOVUPS Y1, 32(R14)
	ADDQ    $64, R8
	ADDQ    $32, BX
	ADDQ    $4, R12
	DECQ    R9
	JNZ     c2chunk

c2last:
	CMPQ       tail+80(FP), $0
	JEQ        c2next
	LEAQ       (DI)(R8*1), R14
	VMASKMOVPS (R14), Y9, Y0
	VMASKMOVPS 32(R14), Y10, Y1
	LEAQ       (SI)(BX*1), R14
	C2ITAPS2(c2taplast)
	LEAQ       (DI)(R8*1), R14
	VMASKMOVPS Y0, Y9, (R14)
	VMASKMOVPS Y1, Y10, 32(R14)

c2next:
	MOVQ lds+40(FP), AX
	LEAQ (SI)(AX*4), SI
	MOVQ ldd+8(FP), AX
	LEAQ (DI)(AX*4), DI
	DECQ CX
	JNZ  c2row
	VZEROUPPER
	RET
