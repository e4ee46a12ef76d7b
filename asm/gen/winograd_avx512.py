"""Generator of asm/winograd_avx512_amd64.s, the AVX-512 Winograd F(2×2, 3×3)
input and output transforms (winograd.go): every step of the unrolled tile
groups is spelled out here once. Run it from the repository root with any
Python 3 and commit what it writes; the Go build never runs it:

    python3 asm/gen/winograd_avx512.py
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

// AVX-512 Winograd F(2×2, 3×3) transforms (winograd.go), 16 tiles of a tile
// row per vector, with the additions of the Go twins in their order.
// Written by gen/winograd_avx512.py (each step spelled out, no macros):\n// edit the generator, not this file.
''')
table('wgEven', [2*i for i in range(16)])
table('wgOdd', [2*i+1 for i in range(16)])
table('wgIlvLo', [x for i in range(8) for x in (i, 16+i)])
table('wgIlvHi', [x for i in range(8, 16) for x in (i, 16+i)])

# ---------------------------------------------------------------- input
p('''// func winogradInputAVX512(v *float32, ldv int, x *float32, h, w, ty0, ty1 int)
//
// For tile row ty and the 16 tiles from tx0, column j of the patch row i is
// x[2ty-1+i][e+j+2l] in lane l, e = 2tx0-1: the even (j = 0) and odd (j = 1)
// elements of the 32 from e, and of the 32 from e+2 (j = 2, 3). They are
// loaded with zeroing masks (K1: e.., K2: e+16.., K3: e+2.., K4: e+18..)
// that clear the elements outside 0..w-1, which are never read, and
// deinterleaved with VPERMI2PS/VPERMT2PS, zeroing whole patch rows outside
// the plane (K5: row 2ty-1, K6: 2ty+1, K7: 2ty+2; an invalid row's pointer
// is that of row 2ty, so its masked loads stay inside x). Then the column
// and row combinations of the twin, and 16 stores, one per ξ, masked for
// the last, partial group of the tile row.
//
//	AX, SI, BX, DX  rows 2ty-1..2ty+2   R12 e   R13 ty   R14 tiles left
//	DI  v at the group   R8 ldv bytes   R9 3·ldv bytes   R11 store pointer
//	Z30, Z31  even and odd element indexes
TEXT ·winogradInputAVX512(SB), NOSPLIT, $0-56
	MOVQ      ldv+8(FP), R8
	SHLQ      $2, R8
	LEAQ      (R8)(R8*2), R9
	VMOVDQU32 wgEven<>(SB), Z30
	VMOVDQU32 wgOdd<>(SB), Z31
	MOVQ      ty0+40(FP), R13

inrow:
	CMPQ    R13, ty1+48(FP)
	JGE     indone
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
	MOVL    $0xffff, R11
	XORL    CX, CX
	TESTQ   R13, R13
	CMOVQEQ SI, AX
	CMOVLNE R11, CX
	KMOVW   CX, K5
	LEAQ    1(R13)(R13*1), R10
	XORL    CX, CX
	CMPQ    R10, h+24(FP)
	CMOVQGE SI, BX
	CMOVLLT R11, CX
	KMOVW   CX, K6
	INCQ    R10
	XORL    CX, CX
	CMPQ    R10, h+24(FP)
	CMOVQGE SI, DX
	CMOVLLT R11, CX
	KMOVW   CX, K7
	MOVQ    w+32(FP), R14
	INCQ    R14
	SHRQ    $1, R14
	MOVQ    R13, DI
	IMULQ   R14, DI
	SHLQ    $2, DI
	ADDQ    v+0(FP), DI
	MOVQ    $-1, R12

ingroup:
	// The elements e.. that lie in 0..w-1: bits 0..39 of R10.
	MOVQ    w+32(FP), CX
	SUBQ    R12, CX
	MOVL    $40, R10
	CMPQ    CX, R10
	CMOVQGT R10, CX
	MOVL    $1, R10
	SHLQ    CX, R10
	DECQ    R10
	MOVQ    R12, CX
	SHRQ    $63, CX
	NOTQ    CX
	ANDQ    CX, R10
	KMOVW   R10, K1
	SHRQ    $2, R10
	KMOVW   R10, K3
	SHRQ    $14, R10
	KMOVW   R10, K2
	SHRQ    $2, R10
	KMOVW   R10, K4
''')
rows = ['AX', 'SI', 'BX', 'DX']
rmask = ['K5', None, 'K6', 'K7']
D = {}
for i in range(4):
    a, b, c, d = ['Z%d' % (4*i+k) for k in range(4)]
    r = rows[i]
    p('\t// patch row %d' % i)
    p('\tVMOVUPS.Z (%s)(R12*4), K1, %s' % (r, a))
    p('\tVMOVUPS.Z 64(%s)(R12*4), K2, %s' % (r, b))
    p('\tVMOVUPS.Z 8(%s)(R12*4), K3, %s' % (r, c))
    p('\tVMOVUPS.Z 72(%s)(R12*4), K4, %s' % (r, d))
    c0, c2 = 'Z%d' % (16+4*i), 'Z%d' % (17+4*i)
    z = '.Z' if rmask[i] else ''
    k = (rmask[i] + ', ') if rmask[i] else ''
    p('\tVMOVAPS Z30, %s' % c0)
    p('\tVPERMI2PS%s %s, %s, %s%s' % (z, b, a, k, c0))
    p('\tVPERMT2PS%s %s, Z31, %s%s' % (z, b, k, a))
    p('\tVMOVAPS Z30, %s' % c2)
    p('\tVPERMI2PS%s %s, %s, %s%s' % (z, d, c, k, c2))
    p('\tVPERMT2PS%s %s, Z31, %s%s' % (z, d, k, c))
    D[i] = [c0, a, c2, c]
free = ['Z%d' % (4*i+k) for i in range(4) for k in (1, 3)] + ['Z%d' % (18+4*i+k) for i in range(4) for k in (0, 1)]

def combine(x, free, fmt):
    # x = [x0, x1, x2, x3] -> [x0-x2, x1+x2, x2-x1, x1-x3]
    x0, x1, x2, x3 = x
    t = free.pop(0)
    p('\tVSUBPS %s, %s, %s' % (x2, x0, x0))
    p('\tVADDPS %s, %s, %s' % (x2, x1, t))
    p('\tVSUBPS %s, %s, %s' % (x1, x2, x2))
    p('\tVSUBPS %s, %s, %s' % (x3, x1, x3))
    free.append(x1)
    return [x0, t, x2, x3]

p('\t// Bᵀ on the columns: r[i][j] from d[0..3][j]')
R = {i: [None]*4 for i in range(4)}
for j in range(4):
    col = combine([D[i][j] for i in range(4)], free, None)
    for i in range(4):
        R[i][j] = col[i]
p('\t// and on the rows: v[4i+k] from r[i][0..3]')
V = {}
for i in range(4):
    V[i] = combine(R[i], free, None)

def stores(masked):
    k = 'K1, ' if masked else ''
    p('\tMOVQ DI, R11')
    for i in range(4):
        if i:
            p('\tLEAQ (R11)(R8*4), R11')
        for kk, addr in enumerate(['(R11)', '(R11)(R8*1)', '(R11)(R8*2)', '(R11)(R9*1)']):
            p('\tVMOVUPS %s, %s%s' % (V[i][kk], k, addr))

p('\tCMPQ R14, $16')
p('\tJLT  intail')
stores(False)
p('''	ADDQ $64, DI
	ADDQ $32, R12
	SUBQ $16, R14
	JNZ  ingroup
	INCQ R13
	JMP  inrow

intail:
	MOVL  $1, R10
	MOVQ  R14, CX
	SHLQ  CX, R10
	DECQ  R10
	KMOVW R10, K1''')
stores(True)
p('''	INCQ R13
	JMP  inrow

indone:
	VZEROUPPER
	RET
''')

# ---------------------------------------------------------------- output
p('''// func winogradOutputAVX512(y *float32, h, w int, m *float32, ldm, ty0, ty1 int)
//
// For tile row ty and the 16 tiles from tx0: the 16 rows M[ξ] (Z0..Z15),
// r[0][j] = M[j]+M[4+j]+M[8+j] and r[1][j] = M[4+j]-M[8+j]-M[12+j], then
// a = r[i][0]+r[i][1]+r[i][2] and b = r[i][1]-r[i][2]-r[i][3], interleaved
// (a0 b0 a1 b1 ...) into the 32 elements from 2tx0 of rows 2ty and 2ty+1
// (skipped past the plane). A group is full when those 32 elements lie in
// the plane; the last one of a tile row is loaded with the tiles it has
// (K1) and stored masked (K2, K3).
//
//	SI  m at the group   R8 ldm bytes   R9 3·ldm bytes   R10 load pointer
//	DI  y at the group (row 2ty)   R11 row bytes   R12 whether row 2ty+1 is
//	in the plane   R13 ty   R14 elements left in the row (w-2tx0)
//	Z30, Z31  interleaving indexes
TEXT ·winogradOutputAVX512(SB), NOSPLIT, $0-56
	MOVQ      ldm+32(FP), R8
	SHLQ      $2, R8
	LEAQ      (R8)(R8*2), R9
	VMOVDQU32 wgIlvLo<>(SB), Z30
	VMOVDQU32 wgIlvHi<>(SB), Z31
	MOVQ      ty0+40(FP), R13

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
	CMPQ R14, $32
	JLT  outtail''')

def loads(masked):
    k = 'K1, ' if masked else ''
    z = '.Z' if masked else ''
    p('\tMOVQ SI, R10')
    for i in range(4):
        if i:
            p('\tLEAQ (R10)(R8*4), R10')
        for kk, addr in enumerate(['(R10)', '(R10)(R8*1)', '(R10)(R8*2)', '(R10)(R9*1)']):
            p('\tVMOVUPS%s %s, %sZ%d' % (z, addr, k, 4*i+kk))

def compute():
    # r0j in Z16+j, r1j in Z20+j
    for j in range(4):
        p('\tVADDPS Z%d, Z%d, Z%d' % (4+j, j, 16+j))
        p('\tVSUBPS Z%d, Z%d, Z%d' % (8+j, 4+j, 20+j))
        p('\tVADDPS Z%d, Z%d, Z%d' % (8+j, 16+j, 16+j))
        p('\tVSUBPS Z%d, Z%d, Z%d' % (12+j, 20+j, 20+j))
    for i in range(2):
        r = [16+4*i+j for j in range(4)]
        a, b = 24+2*i, 25+2*i
        p('\tVADDPS Z%d, Z%d, Z%d' % (r[1], r[0], a))
        p('\tVSUBPS Z%d, Z%d, Z%d' % (r[2], r[1], b))
        p('\tVADDPS Z%d, Z%d, Z%d' % (r[2], a, a))
        p('\tVSUBPS Z%d, Z%d, Z%d' % (r[3], b, b))
        lo, hi = 2*i, 2*i+1
        p('\tVMOVAPS Z30, Z%d' % lo)
        p('\tVPERMI2PS Z%d, Z%d, Z%d' % (b, a, lo))
        p('\tVMOVAPS Z31, Z%d' % hi)
        p('\tVPERMI2PS Z%d, Z%d, Z%d' % (b, a, hi))

loads(False)
compute()
p('\tVMOVUPS Z0, (DI)')
p('\tVMOVUPS Z1, 64(DI)')
p('\tTESTQ R12, R12')
p('\tJZ    outnext')
p('\tVMOVUPS Z2, (DI)(R11*1)')
p('\tVMOVUPS Z3, 64(DI)(R11*1)')
p('''
outnext:
	ADDQ $64, SI
	ADDQ $128, DI
	SUBQ $32, R14
	JNZ  outgroup
	INCQ R13
	JMP  outrow

outtail:
	MOVQ  R14, CX
	INCQ  CX
	SHRQ  $1, CX
	MOVL  $1, AX
	SHLQ  CX, AX
	DECQ  AX
	KMOVW AX, K1
	MOVQ  R14, CX
	MOVL  $1, AX
	SHLQ  CX, AX
	DECQ  AX
	KMOVW AX, K2
	SHRQ  $16, AX
	KMOVW AX, K3''')
loads(True)
compute()
p('\tVMOVUPS Z0, K2, (DI)')
p('\tVMOVUPS Z1, K3, 64(DI)')
p('\tTESTQ R12, R12')
p('\tJZ    outtaildone')
p('\tVMOVUPS Z2, K2, (DI)(R11*1)')
p('\tVMOVUPS Z3, K3, 64(DI)(R11*1)')
p('''
outtaildone:
	INCQ R13
	JMP  outrow

outdone:
	VZEROUPPER
	RET''')
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'winograd_avx512_amd64.s')
open(path, 'w').write('\n'.join(out) + '\n')
