"""Generator of asm/winograd_avx2_amd64.s, the AVX2 + FMA Winograd F(2×2, 3×3)
input and output transforms (winograd.go): every step of the unrolled tile
groups is spelled out here once. Run it from the repository root with any
Python 3 and commit what it writes; the Go build never runs it:

    python3 asm/gen/winograd_avx2.py
"""
import os
import sys
out = []
p = out.append

def table(name, vals):
    for i, v in enumerate(vals):
        p('DATA %s<>+%d(SB)/4, $%d' % (name, 4*i, v))
    p('GLOBL %s<>(SB), RODATA|NOPTR, $%d' % (name, 4*len(vals)))
    p('')

p('''//go:build !purego

#include "textflag.h"

// AVX2 Winograd F(2×2, 3×3) transforms (winograd.go), 8 tiles of a tile
// row per vector, with the additions of the Go twins in their order.
// Written by gen/winograd_avx2.py (each step spelled out, no macros):\n// edit the generator, not this file.
''')
for o in (0, 2, 8, 10):
    table('wgIota%d' % o, [o+i for i in range(8)])

p('''// func winogradInputAVX2(v *float32, ldv int, x *float32, h, w, ty0, ty1 int)
//
// For tile row ty and the 8 tiles from tx0, column j of patch row i is
// x[2ty-1+i][e+j+2l] in lane l, e = 2tx0-1: the even (j = 0) and odd
// (j = 1) elements of the 16 from e, and of the 16 from e+2 (j = 2, 3),
// loaded with VMASKMOVPS, which reads nothing outside 0..w-1 (the lane
// masks compare the lane's element with w-e, Y15, and for the first group
// with e = -1), and deinterleaved with VSHUFPS and VPERMPD. With 16
// registers the group goes in three phases: columns 0 and 1 of the patch
// and Bᵀ on them; column 2, Bᵀ, and the outputs k = 0, 1, 2; column 3, Bᵀ
// and the outputs k = 3. Tile rows whose patch rows all lie in the plane
// run the loop ingroupF; the first and last run ingroupG, which zeroes the
// rows outside (flags at 512(SP): bit 0 row 2ty-1, bit 1 row 2ty+1, bit 2
// row 2ty+2). The last, partial group of a tile row writes its outputs to
// the frame (0(SP), 32 bytes a row ξ) and copies them with masked stores.
//
//	AX, SI, BX, DX  rows 2ty-1..2ty+2   R12 e   R13 ty   R14 tiles left
//	DI  v at the group   R8 ldv bytes   R9 3·ldv bytes   R11 store pointer
//	R10 v at the group while the stores go to the frame
TEXT ·winogradInputAVX2(SB), NOSPLIT, $520-56
	MOVQ ty0+40(FP), R13

inrow:
	CMPQ    R13, ty1+48(FP)
	JGE     indone
	MOVQ    ldv+8(FP), R8
	SHLQ    $2, R8
	LEAQ    (R8)(R8*2), R9
	MOVQ    w+32(FP), R10
	SHLQ    $2, R10
	MOVQ    R13, SI
	IMULQ   R10, SI
	SHLQ    $1, SI
	ADDQ    x+16(FP), SI
	MOVQ    SI, AX
	SUBQ    R10, AX
	LEAQ    (SI)(R10*1), BX
	LEAQ    (BX)(R10*1), DX
	XORL    R11, R11
	MOVL    $1, CX
	TESTQ   R13, R13
	CMOVQEQ SI, AX
	CMOVLNE CX, R11
	LEAQ    1(R13)(R13*1), R10
	XORL    CX, CX
	MOVL    $2, R14
	CMPQ    R10, h+24(FP)
	CMOVQGE SI, BX
	CMOVLLT R14, CX
	ORQ     CX, R11
	INCQ    R10
	XORL    CX, CX
	MOVL    $4, R14
	CMPQ    R10, h+24(FP)
	CMOVQGE SI, DX
	CMOVLLT R14, CX
	ORQ     CX, R11
	MOVQ    R11, 512(SP)
	MOVQ    w+32(FP), R14
	INCQ    R14
	SHRQ    $1, R14
	MOVQ    R13, DI
	IMULQ   R14, DI
	SHLQ    $2, DI
	ADDQ    v+0(FP), DI
	MOVQ    $-1, R12
	CMPQ    R11, $7
	JNE     ingroupG
''')

rows = ['AX', 'SI', 'BX', 'DX']
lab = [0]

def newlab(s):
    lab[0] += 1
    return '%s%d' % (s, lab[0])

def guarded(v, i, zero_regs, emit):
    # emit() loads patch row i; in the general variant rows other than 1
    # may lie outside the plane and are zero.
    if v == 'F' or i == 1:
        emit()
        return
    bit = {0: 1, 2: 2, 3: 4}[i]
    lz, ld = newlab('inz'), newlab('inl')
    p('\tTESTQ $%d, 512(SP)' % bit)
    p('\tJZ    %s' % lz)
    emit()
    p('\tJMP   %s' % ld)
    p('%s:' % lz)
    for r in zero_regs:
        p('\tVXORPS %s, %s, %s' % (r, r, r))
    p('%s:' % ld)

def combine(x, free):
    x0, x1, x2, x3 = x
    t = free.pop(0)
    p('\tVSUBPS %s, %s, %s' % (x2, x0, x0))
    p('\tVADDPS %s, %s, %s' % (x2, x1, t))
    p('\tVSUBPS %s, %s, %s' % (x1, x2, x2))
    p('\tVSUBPS %s, %s, %s' % (x3, x1, x3))
    free.append(x1)
    return [x0, t, x2, x3]

ADDR = ['(R11)', '(R11)(R8*1)', '(R11)(R8*2)', '(R11)(R9*1)']

def body(v):
    Y = lambda n: 'Y%d' % n
    # phase 1: columns 0, 1 into Y(2i), Y(2i+1)
    p('\t// columns 0 and 1')
    for i in range(4):
        r = rows[i]
        def emit(i=i, r=r):
            p('\tVMASKMOVPS (%s)(R12*4), Y13, Y8' % r)
            p('\tVMASKMOVPS 32(%s)(R12*4), Y14, Y9' % r)
            p('\tVSHUFPS $0x88, Y9, Y8, Y%d' % (2*i))
            p('\tVSHUFPS $0xDD, Y9, Y8, Y%d' % (2*i+1))
            p('\tVPERMPD $0xD8, Y%d, Y%d' % (2*i, 2*i))
            p('\tVPERMPD $0xD8, Y%d, Y%d' % (2*i+1, 2*i+1))
        guarded(v, i, [Y(2*i), Y(2*i+1)], emit)
    free = [Y(n) for n in (8, 9, 10, 11, 12)]
    R = {i: [None]*4 for i in range(4)}
    for j in range(2):
        col = combine([Y(2*i+j) for i in range(4)], free)
        for i in range(4):
            R[i][j] = col[i]
    # free now: 5 regs (one of them may be an old Y(2i+1)); plus Y13, Y14, Y15 after masks
    p('\t// columns 2 and 3 read from e+2 and e+10')
    p('\tVPCMPGTD wgIota2<>(SB), Y15, Y13')
    p('\tVPCMPGTD wgIota10<>(SB), Y15, Y14')
    free.append('Y15')
    L1, L2 = free.pop(0), free.pop(0)
    C = {}
    for i in range(4):
        C[i] = free.pop(0) if free else None
    assert all(C.values()), (free, C)
    for i in range(4):
        r = rows[i]
        def emit(i=i, r=r):
            p('\tVMASKMOVPS 8(%s)(R12*4), Y13, %s' % (r, L1))
            p('\tVMASKMOVPS 40(%s)(R12*4), Y14, %s' % (r, L2))
            p('\tVSHUFPS $0x88, %s, %s, %s' % (L2, L1, C[i]))
            p('\tVPERMPD $0xD8, %s, %s' % (C[i], C[i]))
        guarded(v, i, [C[i]], emit)
    free = [L1, L2]
    col = combine([C[i] for i in range(4)], free)
    for i in range(4):
        R[i][2] = col[i]
    p('\t// outputs k = 0, 1, 2')
    p('\tMOVQ DI, R11')
    for i in range(4):
        if i:
            p('\tLEAQ (R11)(R8*4), R11')
        c0, c1, c2 = R[i][0], R[i][1], R[i][2]
        t = free[0]
        p('\tVSUBPS %s, %s, %s' % (c2, c0, c0))
        p('\tVADDPS %s, %s, %s' % (c2, c1, t))
        p('\tVSUBPS %s, %s, %s' % (c1, c2, c2))
        p('\tVMOVUPS %s, %s' % (c0, ADDR[0]))
        p('\tVMOVUPS %s, %s' % (t, ADDR[1]))
        p('\tVMOVUPS %s, %s' % (c2, ADDR[2]))
        free.append(c0)
        free.append(c2)
    # free regs: temps; keep R[i][1]
    free = [f for f in dict.fromkeys(free)]
    p('\t// column 3 and outputs k = 3')
    L1, L2 = free.pop(0), free.pop(0)
    for i in range(4):
        C[i] = free.pop(0)
    for i in range(4):
        r = rows[i]
        def emit(i=i, r=r):
            p('\tVMASKMOVPS 8(%s)(R12*4), Y13, %s' % (r, L1))
            p('\tVMASKMOVPS 40(%s)(R12*4), Y14, %s' % (r, L2))
            p('\tVSHUFPS $0xDD, %s, %s, %s' % (L2, L1, C[i]))
            p('\tVPERMPD $0xD8, %s, %s' % (C[i], C[i]))
        guarded(v, i, [C[i]], emit)
    free = [L1, L2]
    col = combine([C[i] for i in range(4)], free)
    p('\tMOVQ DI, R11')
    for i in range(4):
        if i:
            p('\tLEAQ (R11)(R8*4), R11')
        p('\tVSUBPS %s, %s, %s' % (col[i], R[i][1], col[i]))
        p('\tVMOVUPS %s, %s' % (col[i], ADDR[3]))

for v in ('F', 'G'):
    p('''ingroup%s:
	MOVQ         w+32(FP), CX
	SUBQ         R12, CX
	MOVL         $64, R10
	CMPQ         CX, R10
	CMOVQGT      R10, CX
	VMOVD        CX, X15
	VPBROADCASTD X15, Y15
	VPCMPGTD     wgIota0<>(SB), Y15, Y13
	VPCMPGTD     wgIota8<>(SB), Y15, Y14
	MOVQ         R12, CX
	NEGQ         CX
	VMOVD        CX, X12
	VPBROADCASTD X12, Y12
	VPCMPGTD     wgIota0<>(SB), Y12, Y12
	VPANDN       Y13, Y12, Y13
	CMPQ         R14, $8
	JGE          inbody%s
	MOVQ         DI, R10
	LEAQ         (SP), DI
	MOVQ         $32, R8
	MOVQ         $96, R9

inbody%s:''' % (v, v, v))
    body(v)
    p('''	CMPQ R14, $8
	JLT  intail
	ADDQ $32, DI
	ADDQ $16, R12
	SUBQ $8, R14
	JNZ  ingroup%s
	INCQ R13
	JMP  inrow
''' % v)

p('''intail:
	MOVQ         ldv+8(FP), R8
	SHLQ         $2, R8
	VMOVD        R14, X15
	VPBROADCASTD X15, Y15
	VPCMPGTD     wgIota0<>(SB), Y15, Y15''')
for xi in range(16):
    p('\tVMOVUPS %d(SP), Y0' % (32*xi))
    p('\tVMASKMOVPS Y0, Y15, (R10)')
    if xi < 15:
        p('\tADDQ R8, R10')
p('''	INCQ R13
	JMP  inrow

indone:
	VZEROUPPER
	RET
''')

# ---------------------------------------------------------------- output
p('''// func winogradOutputAVX2(y *float32, h, w int, m *float32, ldm, ty0, ty1 int)
//
// winogradOutputAVX512 on 8 tiles: r[0][j] (Y0..Y3) and r[1][j] (Y4..Y7)
// from the rows M[ξ] (memory operands; masked loads for the last group of
// a tile row), a and b of the two output rows (Y8..Y11), interleaved with
// VUNPCKLPS/VUNPCKHPS and VPERM2F128 into the 16 elements from 2tx0.
//
//	SI  m at the group; AX, BX, DX  rows ξ = 4, 8, 12   R8 ldm bytes
//	R9 3·ldm bytes   DI  y at the group (row 2ty)   R11 row bytes
//	R12 whether row 2ty+1 is in the plane   R13 ty   R14 w-2tx0
TEXT ·winogradOutputAVX2(SB), NOSPLIT, $0-56
	MOVQ ldm+32(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9
	MOVQ ty0+40(FP), R13

outrow:
	CMPQ    R13, ty1+48(FP)
	JGE     outdone
	MOVQ    w+16(FP), R14
	MOVQ    R14, R11
	SHLQ    $2, R11
	INCQ    R14
	SHRQ    $1, R14
	MOVQ    R13, SI
	IMULQ   R14, SI
	SHLQ    $2, SI
	ADDQ    m+24(FP), SI
	MOVQ    R13, DI
	IMULQ   R11, DI
	SHLQ    $1, DI
	ADDQ    y+0(FP), DI
	LEAQ    1(R13)(R13*1), AX
	XORL    R12, R12
	MOVL    $1, CX
	CMPQ    AX, h+8(FP)
	CMOVQLT CX, R12
	MOVQ    w+16(FP), R14

outgroup:
	LEAQ (SI)(R8*4), AX
	LEAQ (AX)(R8*4), BX
	LEAQ (BX)(R8*4), DX
	CMPQ R14, $16
	JLT  outtail''')
BASE = ['SI', 'AX', 'BX', 'DX']
def M(xi):
    b = BASE[xi // 4]
    return ['(%s)' % b, '(%s)(R8*1)' % b, '(%s)(R8*2)' % b, '(%s)(R9*1)' % b][xi % 4]

def ab_and_store(masked, done):
    for i in range(2):
        r = [4*i+j for j in range(4)]
        a, b = 8+2*i, 9+2*i
        p('\tVADDPS Y%d, Y%d, Y%d' % (r[1], r[0], a))
        p('\tVSUBPS Y%d, Y%d, Y%d' % (r[2], r[1], b))
        p('\tVADDPS Y%d, Y%d, Y%d' % (r[2], a, a))
        p('\tVSUBPS Y%d, Y%d, Y%d' % (r[3], b, b))
    if masked:
        p('\tVMOVD R14, X2')
        p('\tVPBROADCASTD X2, Y2')
        p('\tVPCMPGTD wgIota0<>(SB), Y2, Y0')
        p('\tVPCMPGTD wgIota8<>(SB), Y2, Y1')
    for i in range(2):
        a, b = 8+2*i, 9+2*i
        p('\tVUNPCKLPS Y%d, Y%d, Y12' % (b, a))
        p('\tVUNPCKHPS Y%d, Y%d, Y13' % (b, a))
        p('\tVPERM2F128 $0x20, Y13, Y12, Y14')
        p('\tVPERM2F128 $0x31, Y13, Y12, Y15')
        o = '(DI)' if i == 0 else '(DI)(R11*1)'
        o2 = '32(DI)' if i == 0 else '32(DI)(R11*1)'
        if i == 1:
            p('\tTESTQ R12, R12')
            p('\tJZ    %s' % done)
        if masked:
            p('\tVMASKMOVPS Y14, Y0, %s' % o)
            p('\tVMASKMOVPS Y15, Y1, %s' % o2)
        else:
            p('\tVMOVUPS Y14, %s' % o)
            p('\tVMOVUPS Y15, %s' % o2)

for j in range(4):
    p('\tVMOVUPS %s, Y%d' % (M(j), j))
    p('\tVADDPS %s, Y%d, Y%d' % (M(4+j), j, j))
    p('\tVADDPS %s, Y%d, Y%d' % (M(8+j), j, j))
    p('\tVMOVUPS %s, Y%d' % (M(4+j), 4+j))
    p('\tVSUBPS %s, Y%d, Y%d' % (M(8+j), 4+j, 4+j))
    p('\tVSUBPS %s, Y%d, Y%d' % (M(12+j), 4+j, 4+j))
ab_and_store(False, 'outnext')
p('''
outnext:
	ADDQ $32, SI
	ADDQ $64, DI
	SUBQ $16, R14
	JNZ  outgroup
	INCQ R13
	JMP  outrow

outtail:
	MOVQ         R14, CX
	INCQ         CX
	SHRQ         $1, CX
	VMOVD        CX, X15
	VPBROADCASTD X15, Y15
	VPCMPGTD     wgIota0<>(SB), Y15, Y15''')
for j in range(4):
    p('\tVMASKMOVPS %s, Y15, Y%d' % (M(j), j))
    p('\tVMASKMOVPS %s, Y15, Y8' % M(4+j))
    p('\tVMASKMOVPS %s, Y15, Y9' % M(8+j))
    p('\tVMASKMOVPS %s, Y15, Y10' % M(12+j))
    p('\tVADDPS Y8, Y%d, Y%d' % (j, j))
    p('\tVADDPS Y9, Y%d, Y%d' % (j, j))
    p('\tVSUBPS Y9, Y8, Y%d' % (4+j))
    p('\tVSUBPS Y10, Y%d, Y%d' % (4+j, 4+j))
ab_and_store(True, 'outtaildone')
p('''
outtaildone:
	INCQ R13
	JMP  outrow

outdone:
	VZEROUPPER
	RET''')
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'winograd_avx2_amd64.s')
open(path, 'w').write('\n'.join(out) + '\n')
