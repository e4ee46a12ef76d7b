//go:build !purego

#include "textflag.h"

// AVX2 kernels of the planar 3×3, stride-2, padding-1 depthwise
// convolution (depthwise_s2.go), for the avx2 kernel. They read the planes
// in place and use no staging buffer: a vector is 8 outputs of one output
// row (a row of a plane 16 wide, half a row 32 wide), and the inputs of
// its taps are input row halves of 16 floats (at p, 16 wide):
//
//	kj = 1   columns 0, 2, …, 14: VSHUFPS $0x88 of (p) and 32(p)
//	kj = 2   columns 1, 3, …, 15: VSHUFPS $0xdd of the same
//	kj = 0   columns −1, 1, …, 13: VSHUFPS $0x88 of −4(p) and 28(p),
//	         −4(p) read with VMASKMOVPS, column −1 (the padding, before
//	         the plane at its first row) masked off for the first half
//
// VSHUFPS works within 128-bit lanes, so every tap vector holds the
// outputs in the order 0 1 4 5 2 3 6 7: sums of them are put in order
// with one VPERMPD $0xd8 (which is its own inverse) at the end, and the
// weight gradient's g and sums are kept in that order too. Rows above or
// below the plane read zeros<>. R15 points at the geometry, s2args, whose
// fields lie at these byte offsets (see depthwise_s2_avx512_amd64.s):
//
//	 576 h   592 ho   712 xrow   720 orow   728 xplane   736 oplane

// zeros<>+16 is a zero row (read from −4 to +64) for the rows outside
// the plane.
GLOBL zeros<>(SB), RODATA|NOPTR, $96

// lanes17<> keeps lanes 1..7: −4(p) of a first half, whose lane 0 is
// column −1.
DATA lanes17<>+0(SB)/4, $0
DATA lanes17<>+4(SB)/4, $0xffffffff
DATA lanes17<>+8(SB)/4, $0xffffffff
DATA lanes17<>+12(SB)/4, $0xffffffff
DATA lanes17<>+16(SB)/4, $0xffffffff
DATA lanes17<>+20(SB)/4, $0xffffffff
DATA lanes17<>+24(SB)/4, $0xffffffff
DATA lanes17<>+28(SB)/4, $0xffffffff
GLOBL lanes17<>(SB), RODATA|NOPTR, $32

// allLanes<> keeps every lane: −4(p) of a second half is column 15.
DATA allLanes<>+0(SB)/4, $0xffffffff
DATA allLanes<>+4(SB)/4, $0xffffffff
DATA allLanes<>+8(SB)/4, $0xffffffff
DATA allLanes<>+12(SB)/4, $0xffffffff
DATA allLanes<>+16(SB)/4, $0xffffffff
DATA allLanes<>+20(SB)/4, $0xffffffff
DATA allLanes<>+24(SB)/4, $0xffffffff
DATA allLanes<>+28(SB)/4, $0xffffffff
GLOBL allLanes<>(SB), RODATA|NOPTR, $32

// func convS2AVX2(out *float32, x *float32, planes int, w *float32, args *s2args)
// For each plane and each 8-output half k of the output rows (one half,
// 16 wide; two, 32 wide; a pass each): for each output row oy, per kernel
// row ki the tap vectors of input row 2oy+ki−1 (zeros outside the plane)
// summed with fused multiply-adds in kj order from zero, the kernel rows
// added in order, (row 0 + row 1) + row 2.
//
//	R12 out plane   R11 x plane   R10 planes left   BX w   DI out
//	CX rows left   R13 input row 2oy, half k   SI row 2oy−1   R8 row 2oy+1
//	DX xrow   R14 plane end (+ 64 in the second half)   R9 mask of −4(row)
//	Y0..Y8 weights
//	Y9..Y11 kernel-row sums
TEXT ·convS2AVX2(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), R12
	MOVQ x+8(FP), R11
	MOVQ planes+16(FP), R10
	MOVQ w+24(FP), BX
	MOVQ args+32(FP), R15
	MOVQ 712(R15), DX

cplane:
	VBROADCASTSS 0(BX), Y0
	VBROADCASTSS 4(BX), Y1
	VBROADCASTSS 8(BX), Y2
	VBROADCASTSS 12(BX), Y3
	VBROADCASTSS 16(BX), Y4
	VBROADCASTSS 20(BX), Y5
	VBROADCASTSS 24(BX), Y6
	VBROADCASTSS 28(BX), Y7
	VBROADCASTSS 32(BX), Y8
	MOVQ R12, DI
	MOVQ R11, R13
	MOVQ R11, R14
	ADDQ 728(R15), R14
	LEAQ lanes17<>(SB), R9

chalf:
	LEAQ zeros<>+16(SB), SI
	MOVQ 592(R15), CX

crow:
	LEAQ    (R13)(DX*1), R8
	LEAQ    zeros<>+16(SB), AX
	CMPQ    R8, R14
	CMOVQCC AX, R8
	VXORPS     Y9, Y9, Y9
	VXORPS     Y10, Y10, Y10
	VXORPS     Y11, Y11, Y11
	VMOVDQU    (R9), Y15
	VMASKMOVPS -4(SI), Y15, Y15
	VSHUFPS    $0x88, 28(SI), Y15, Y15
	VMOVUPS    (SI), Y12
	VSHUFPS    $0x88, 32(SI), Y12, Y13
	VSHUFPS    $0xdd, 32(SI), Y12, Y14
	VFMADD231PS Y15, Y0, Y9
	VFMADD231PS Y13, Y1, Y9
	VFMADD231PS Y14, Y2, Y9
	VMOVDQU    (R9), Y15
	VMASKMOVPS -4(R13), Y15, Y15
	VSHUFPS    $0x88, 28(R13), Y15, Y15
	VMOVUPS    (R13), Y12
	VSHUFPS    $0x88, 32(R13), Y12, Y13
	VSHUFPS    $0xdd, 32(R13), Y12, Y14
	VFMADD231PS Y15, Y3, Y10
	VFMADD231PS Y13, Y4, Y10
	VFMADD231PS Y14, Y5, Y10
	VMOVDQU    (R9), Y15
	VMASKMOVPS -4(R8), Y15, Y15
	VSHUFPS    $0x88, 28(R8), Y15, Y15
	VMOVUPS    (R8), Y12
	VSHUFPS    $0x88, 32(R8), Y12, Y13
	VSHUFPS    $0xdd, 32(R8), Y12, Y14
	VFMADD231PS Y15, Y6, Y11
	VFMADD231PS Y13, Y7, Y11
	VFMADD231PS Y14, Y8, Y11
	VADDPS  Y10, Y9, Y9
	VADDPS  Y11, Y9, Y9
	VPERMPD $0xd8, Y9, Y9
	VMOVUPS Y9, (DI)
	ADDQ    720(R15), DI
	LEAQ    (R13)(DX*1), SI
	LEAQ    (R13)(DX*2), R13
	DECQ    CX
	JNZ     crow

	// 32 wide: the second half of each row, its −4(p) all in the row.
	CMPQ DX, $128
	JNE  cnext
	LEAQ allLanes<>(SB), AX
	CMPQ R9, AX
	JEQ  cnext
	MOVQ AX, R9
	LEAQ 32(R12), DI
	LEAQ 64(R11), R13
	ADDQ $64, R14
	JMP  chalf

cnext:
	ADDQ 736(R15), R12
	ADDQ 728(R15), R11
	ADDQ $36, BX
	DECQ R10
	JNZ  cplane
	VZEROUPPER
	RET

// func dotS2AVX2(lanes *float32, gs *float32, x *float32, planes int, args *s2args)
// For each plane, in two passes, one per 8-lane half h of the sums (16
// wide: the output rows oy ≡ h mod 2, whose lanes are 8h + column; 32
// wide: the output row halves h, lanes 8h + column − 8h): for each output
// vector g and tap t, in order, lanes[t] += g · tap t, the nine sums in
// Y0..Y8 (in VSHUFPS order, as g). Either way a pass steps 64 bytes of g
// and 256 bytes (4 rows 16 wide, 2 rows 32 wide) of x.
//
//	DI lanes   R12 g plane   R11 x plane   R10 planes left   BX g
//	CX vectors left   R13 input row 2oy, half   SI row 2oy−1   R8 row 2oy+1
//	DX xrow   R14 plane end (+ 64 for a second half)   Y9 g   Y15 mask of −4(row)
TEXT ·dotS2AVX2(SB), NOSPLIT, $0-40
	MOVQ lanes+0(FP), DI
	MOVQ gs+8(FP), R12
	MOVQ x+16(FP), R11
	MOVQ planes+24(FP), R10
	MOVQ args+32(FP), R15
	MOVQ 712(R15), DX

dplane:
	// Pass 0: from output row 0 (the first half of each, 32 wide).
	LEAQ    zeros<>+16(SB), SI
	MOVQ    R11, R13
	MOVQ    R11, R14
	ADDQ    728(R15), R14
	MOVQ    R12, BX
	LEAQ    lanes17<>(SB), AX
	VMOVDQU (AX), Y15
	MOVQ    592(R15), CX
	CMPQ    DX, $64
	JNE     d0sums
	INCQ    CX
	SHRQ    $1, CX

d0sums:
	VPERMPD $0xd8, 0(DI), Y0
	VPERMPD $0xd8, 64(DI), Y1
	VPERMPD $0xd8, 128(DI), Y2
	VPERMPD $0xd8, 192(DI), Y3
	VPERMPD $0xd8, 256(DI), Y4
	VPERMPD $0xd8, 320(DI), Y5
	VPERMPD $0xd8, 384(DI), Y6
	VPERMPD $0xd8, 448(DI), Y7
	VPERMPD $0xd8, 512(DI), Y8
d0loop:
	LEAQ    (R13)(DX*1), R8
	LEAQ    zeros<>+16(SB), AX
	CMPQ    R8, R14
	CMOVQCC AX, R8
	VPERMPD    $0xd8, (BX), Y9
	VMASKMOVPS -4(SI), Y15, Y10
	VSHUFPS    $0x88, 28(SI), Y10, Y10
	VMOVUPS    (SI), Y11
	VSHUFPS    $0x88, 32(SI), Y11, Y12
	VSHUFPS    $0xdd, 32(SI), Y11, Y13
	VFMADD231PS Y10, Y9, Y0
	VFMADD231PS Y12, Y9, Y1
	VFMADD231PS Y13, Y9, Y2
	VMASKMOVPS -4(R13), Y15, Y10
	VSHUFPS    $0x88, 28(R13), Y10, Y10
	VMOVUPS    (R13), Y11
	VSHUFPS    $0x88, 32(R13), Y11, Y12
	VSHUFPS    $0xdd, 32(R13), Y11, Y13
	VFMADD231PS Y10, Y9, Y3
	VFMADD231PS Y12, Y9, Y4
	VFMADD231PS Y13, Y9, Y5
	VMASKMOVPS -4(R8), Y15, Y10
	VSHUFPS    $0x88, 28(R8), Y10, Y10
	VMOVUPS    (R8), Y11
	VSHUFPS    $0x88, 32(R8), Y11, Y12
	VSHUFPS    $0xdd, 32(R8), Y11, Y13
	VFMADD231PS Y10, Y9, Y6
	VFMADD231PS Y12, Y9, Y7
	VFMADD231PS Y13, Y9, Y8
	ADDQ $64, BX
	ADDQ $256, R13
	MOVQ R13, SI
	SUBQ DX, SI
	DECQ CX
	JNZ  d0loop
	VPERMPD $0xd8, Y0, Y0
	VMOVUPS Y0, 0(DI)
	VPERMPD $0xd8, Y1, Y1
	VMOVUPS Y1, 64(DI)
	VPERMPD $0xd8, Y2, Y2
	VMOVUPS Y2, 128(DI)
	VPERMPD $0xd8, Y3, Y3
	VMOVUPS Y3, 192(DI)
	VPERMPD $0xd8, Y4, Y4
	VMOVUPS Y4, 256(DI)
	VPERMPD $0xd8, Y5, Y5
	VMOVUPS Y5, 320(DI)
	VPERMPD $0xd8, Y6, Y6
	VMOVUPS Y6, 384(DI)
	VPERMPD $0xd8, Y7, Y7
	VMOVUPS Y7, 448(DI)
	VPERMPD $0xd8, Y8, Y8
	VMOVUPS Y8, 512(DI)

	// Pass 1: 16 wide, from output row 1 (input rows 1, 2); 32 wide, the
	// second half of each row from row 0.
	LEAQ 32(R12), BX
	MOVQ 592(R15), CX
	CMPQ DX, $64
	JNE  d1wide
	SHRQ $1, CX
	JZ   dnext
	LEAQ (R11)(DX*1), SI
	LEAQ (R11)(DX*2), R13
	JMP  d1sums

d1wide:
	LEAQ    zeros<>+16(SB), SI
	LEAQ    64(R11), R13
	ADDQ    $64, R14
	LEAQ    allLanes<>(SB), AX
	VMOVDQU (AX), Y15

d1sums:
	VPERMPD $0xd8, 32(DI), Y0
	VPERMPD $0xd8, 96(DI), Y1
	VPERMPD $0xd8, 160(DI), Y2
	VPERMPD $0xd8, 224(DI), Y3
	VPERMPD $0xd8, 288(DI), Y4
	VPERMPD $0xd8, 352(DI), Y5
	VPERMPD $0xd8, 416(DI), Y6
	VPERMPD $0xd8, 480(DI), Y7
	VPERMPD $0xd8, 544(DI), Y8
d1loop:
	LEAQ    (R13)(DX*1), R8
	LEAQ    zeros<>+16(SB), AX
	CMPQ    R8, R14
	CMOVQCC AX, R8
	VPERMPD    $0xd8, (BX), Y9
	VMASKMOVPS -4(SI), Y15, Y10
	VSHUFPS    $0x88, 28(SI), Y10, Y10
	VMOVUPS    (SI), Y11
	VSHUFPS    $0x88, 32(SI), Y11, Y12
	VSHUFPS    $0xdd, 32(SI), Y11, Y13
	VFMADD231PS Y10, Y9, Y0
	VFMADD231PS Y12, Y9, Y1
	VFMADD231PS Y13, Y9, Y2
	VMASKMOVPS -4(R13), Y15, Y10
	VSHUFPS    $0x88, 28(R13), Y10, Y10
	VMOVUPS    (R13), Y11
	VSHUFPS    $0x88, 32(R13), Y11, Y12
	VSHUFPS    $0xdd, 32(R13), Y11, Y13
	VFMADD231PS Y10, Y9, Y3
	VFMADD231PS Y12, Y9, Y4
	VFMADD231PS Y13, Y9, Y5
	VMASKMOVPS -4(R8), Y15, Y10
	VSHUFPS    $0x88, 28(R8), Y10, Y10
	VMOVUPS    (R8), Y11
	VSHUFPS    $0x88, 32(R8), Y11, Y12
	VSHUFPS    $0xdd, 32(R8), Y11, Y13
	VFMADD231PS Y10, Y9, Y6
	VFMADD231PS Y12, Y9, Y7
	VFMADD231PS Y13, Y9, Y8
	ADDQ $64, BX
	ADDQ $256, R13
	MOVQ R13, SI
	SUBQ DX, SI
	DECQ CX
	JNZ  d1loop
	VPERMPD $0xd8, Y0, Y0
	VMOVUPS Y0, 32(DI)
	VPERMPD $0xd8, Y1, Y1
	VMOVUPS Y1, 96(DI)
	VPERMPD $0xd8, Y2, Y2
	VMOVUPS Y2, 160(DI)
	VPERMPD $0xd8, Y3, Y3
	VMOVUPS Y3, 224(DI)
	VPERMPD $0xd8, Y4, Y4
	VMOVUPS Y4, 288(DI)
	VPERMPD $0xd8, Y5, Y5
	VMOVUPS Y5, 352(DI)
	VPERMPD $0xd8, Y6, Y6
	VMOVUPS Y6, 416(DI)
	VPERMPD $0xd8, Y7, Y7
	VMOVUPS Y7, 480(DI)
	VPERMPD $0xd8, Y8, Y8
	VMOVUPS Y8, 544(DI)

dnext:
	ADDQ $576, DI
	ADDQ 736(R15), R12
	ADDQ 728(R15), R11
	DECQ R10
	JNZ  dplane
	VZEROUPPER
	RET

// func convTS2AVX2(gx *float32, gs *float32, planes int, w *float32, args *s2args)
// For each plane and each pair of input rows 2u, 2u+1: each 8-float
// chunk c of them from the output-gradient rows u (P) and u+1 (Q; zeros
// past the plane) at columns 4c…4c+4, as zero-interleaved vectors
//
//	kj = 0   0 g[4c+1] 0 g[4c+2] 0 g[4c+3] 0 g[4c+4]   (g[wo] = 0)
//	kj = 1   g[4c] 0 g[4c+1] 0 g[4c+2] 0 g[4c+3] 0
//	kj = 2   0 g[4c] 0 g[4c+1] 0 g[4c+2] 0 g[4c+3]
//
// (VPMOVZXDQ, shifted by 32 bits where the zero comes first):
//
//	row 2u   = Σ_kj w[1,kj]·P_kj
//	row 2u+1 = Σ_kj w[0,kj]·Q_kj + Σ_kj w[2,kj]·P_kj
//
// with fused multiply-adds from zero, and stored: the odd row first, to
// the even row's place where it does not exist (the even row then
// overwrites it).
//
//	R12 gx plane   R11 gy plane   R10 planes left   BX w   DI gx row 2u
//	SI gy row u   R8 gy row u+1   CX pairs left   DX xrow   R13 orow
//	R14 gx row 2u+1   R9 gx plane end   Y0..Y8 weights   Y9, Y10 rows
TEXT ·convTS2AVX2(SB), NOSPLIT, $0-40
	MOVQ gx+0(FP), R12
	MOVQ gs+8(FP), R11
	MOVQ planes+16(FP), R10
	MOVQ w+24(FP), BX
	MOVQ args+32(FP), R15
	MOVQ 712(R15), DX
	MOVQ 720(R15), R13

tplane:
	VBROADCASTSS 0(BX), Y0
	VBROADCASTSS 4(BX), Y1
	VBROADCASTSS 8(BX), Y2
	VBROADCASTSS 12(BX), Y3
	VBROADCASTSS 16(BX), Y4
	VBROADCASTSS 20(BX), Y5
	VBROADCASTSS 24(BX), Y6
	VBROADCASTSS 28(BX), Y7
	VBROADCASTSS 32(BX), Y8
	MOVQ R12, DI
	MOVQ R11, SI
	MOVQ R12, R9
	ADDQ 728(R15), R9
	MOVQ 592(R15), CX

tpair:
	LEAQ    (SI)(R13*1), R8
	LEAQ    zeros<>+16(SB), AX
	CMPQ    CX, $1
	CMOVQEQ AX, R8
	LEAQ    (DI)(DX*1), R14
	CMPQ    R14, R9
	CMOVQCC DI, R14
	CMPQ    DX, $128
	JEQ     t32
	VPMOVZXDQ 0(R8), Y11
	VPSLLQ    $32, Y11, Y12
	VPMOVZXDQ 4(R8), Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y10, Y10, Y10
	VFMADD231PS Y13, Y0, Y10
	VFMADD231PS Y11, Y1, Y10
	VFMADD231PS Y12, Y2, Y10
	VPMOVZXDQ 0(SI), Y11
	VPSLLQ    $32, Y11, Y12
	VPMOVZXDQ 4(SI), Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y9, Y9, Y9
	VFMADD231PS Y13, Y3, Y9
	VFMADD231PS Y11, Y4, Y9
	VFMADD231PS Y12, Y5, Y9
	VFMADD231PS Y13, Y6, Y10
	VFMADD231PS Y11, Y7, Y10
	VFMADD231PS Y12, Y8, Y10
	VMOVUPS     Y10, 0(R14)
	VMOVUPS     Y9, 0(DI)
	VPMOVZXDQ 16(R8), Y11
	VPSLLQ    $32, Y11, Y12
	VMOVUPS   16(R8), X13
	VPSRLDQ   $4, X13, X13
	VPMOVZXDQ X13, Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y10, Y10, Y10
	VFMADD231PS Y13, Y0, Y10
	VFMADD231PS Y11, Y1, Y10
	VFMADD231PS Y12, Y2, Y10
	VPMOVZXDQ 16(SI), Y11
	VPSLLQ    $32, Y11, Y12
	VMOVUPS   16(SI), X13
	VPSRLDQ   $4, X13, X13
	VPMOVZXDQ X13, Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y9, Y9, Y9
	VFMADD231PS Y13, Y3, Y9
	VFMADD231PS Y11, Y4, Y9
	VFMADD231PS Y12, Y5, Y9
	VFMADD231PS Y13, Y6, Y10
	VFMADD231PS Y11, Y7, Y10
	VFMADD231PS Y12, Y8, Y10
	VMOVUPS     Y10, 32(R14)
	VMOVUPS     Y9, 32(DI)
	JMP         tnext

t32:
	VPMOVZXDQ 0(R8), Y11
	VPSLLQ    $32, Y11, Y12
	VPMOVZXDQ 4(R8), Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y10, Y10, Y10
	VFMADD231PS Y13, Y0, Y10
	VFMADD231PS Y11, Y1, Y10
	VFMADD231PS Y12, Y2, Y10
	VPMOVZXDQ 0(SI), Y11
	VPSLLQ    $32, Y11, Y12
	VPMOVZXDQ 4(SI), Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y9, Y9, Y9
	VFMADD231PS Y13, Y3, Y9
	VFMADD231PS Y11, Y4, Y9
	VFMADD231PS Y12, Y5, Y9
	VFMADD231PS Y13, Y6, Y10
	VFMADD231PS Y11, Y7, Y10
	VFMADD231PS Y12, Y8, Y10
	VMOVUPS     Y10, 0(R14)
	VMOVUPS     Y9, 0(DI)
	VPMOVZXDQ 16(R8), Y11
	VPSLLQ    $32, Y11, Y12
	VPMOVZXDQ 20(R8), Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y10, Y10, Y10
	VFMADD231PS Y13, Y0, Y10
	VFMADD231PS Y11, Y1, Y10
	VFMADD231PS Y12, Y2, Y10
	VPMOVZXDQ 16(SI), Y11
	VPSLLQ    $32, Y11, Y12
	VPMOVZXDQ 20(SI), Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y9, Y9, Y9
	VFMADD231PS Y13, Y3, Y9
	VFMADD231PS Y11, Y4, Y9
	VFMADD231PS Y12, Y5, Y9
	VFMADD231PS Y13, Y6, Y10
	VFMADD231PS Y11, Y7, Y10
	VFMADD231PS Y12, Y8, Y10
	VMOVUPS     Y10, 32(R14)
	VMOVUPS     Y9, 32(DI)
	VPMOVZXDQ 32(R8), Y11
	VPSLLQ    $32, Y11, Y12
	VPMOVZXDQ 36(R8), Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y10, Y10, Y10
	VFMADD231PS Y13, Y0, Y10
	VFMADD231PS Y11, Y1, Y10
	VFMADD231PS Y12, Y2, Y10
	VPMOVZXDQ 32(SI), Y11
	VPSLLQ    $32, Y11, Y12
	VPMOVZXDQ 36(SI), Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y9, Y9, Y9
	VFMADD231PS Y13, Y3, Y9
	VFMADD231PS Y11, Y4, Y9
	VFMADD231PS Y12, Y5, Y9
	VFMADD231PS Y13, Y6, Y10
	VFMADD231PS Y11, Y7, Y10
	VFMADD231PS Y12, Y8, Y10
	VMOVUPS     Y10, 64(R14)
	VMOVUPS     Y9, 64(DI)
	VPMOVZXDQ 48(R8), Y11
	VPSLLQ    $32, Y11, Y12
	VMOVUPS   48(R8), X13
	VPSRLDQ   $4, X13, X13
	VPMOVZXDQ X13, Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y10, Y10, Y10
	VFMADD231PS Y13, Y0, Y10
	VFMADD231PS Y11, Y1, Y10
	VFMADD231PS Y12, Y2, Y10
	VPMOVZXDQ 48(SI), Y11
	VPSLLQ    $32, Y11, Y12
	VMOVUPS   48(SI), X13
	VPSRLDQ   $4, X13, X13
	VPMOVZXDQ X13, Y13
	VPSLLQ    $32, Y13, Y13
	VXORPS      Y9, Y9, Y9
	VFMADD231PS Y13, Y3, Y9
	VFMADD231PS Y11, Y4, Y9
	VFMADD231PS Y12, Y5, Y9
	VFMADD231PS Y13, Y6, Y10
	VFMADD231PS Y11, Y7, Y10
	VFMADD231PS Y12, Y8, Y10
	VMOVUPS     Y10, 96(R14)
	VMOVUPS     Y9, 96(DI)

tnext:
	LEAQ (DI)(DX*2), DI
	ADDQ R13, SI
	DECQ CX
	JNZ  tpair
	ADDQ 728(R15), R12
	ADDQ 736(R15), R11
	ADDQ $36, BX
	DECQ R10
	JNZ  tplane
	VZEROUPPER
	RET
