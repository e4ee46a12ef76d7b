"""Generator of the depthwise convolution's AVX-512 and AVX2 assembly.

Writes asm/depthwise_avx512_amd64.s (channel-packed kernels),
asm/depthwise_planar_avx512_amd64.s (planar 3x3 stride 1) and
asm/depthwise_s2_avx512_amd64.s (planar 3x3 stride 2), and their AVX2 +
FMA counterparts asm/depthwise_avx2_amd64.s,
asm/depthwise_planar_avx2_amd64.s and asm/depthwise_s2_avx2_amd64.s: their
unrolled tap loops, register allocation and masks are spelled out here
once. Run it from
anywhere with any Python 3 and commit the .s files it writes; the Go build
never runs it:

    python3 asm/gen/depthwise.py
"""
import os

ASM = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')

out = []
p = out.append
p('''//go:build !purego

#include "textflag.h"

// AVX-512 kernels of the channel-packed depthwise convolution
// (depthwise.go): the 16×16 transposes between planes and pixel vectors,
// and the convolution and its weight gradient on pixel vectors.

// TRANSPOSE16 transposes the 16×16 matrix whose rows are Z0..Z15 (row i in
// Zi) into Z0..Z15 (column j in Zj), through Z16..Z31: interleave pairs of
// floats, then pairs of pairs, then 128-bit lanes twice.
#define TRANSPOSE16 \\''')
lines = []
for q in range(8):
    a, b = 2*q, 2*q+1
    lines.append(f'VUNPCKLPS Z{b}, Z{a}, Z{16+2*q}')
    lines.append(f'VUNPCKHPS Z{b}, Z{a}, Z{17+2*q}')
for g in range(4):
    lines.append(f'VUNPCKLPD Z{18+4*g}, Z{16+4*g}, Z{4*g}')
    lines.append(f'VUNPCKHPD Z{18+4*g}, Z{16+4*g}, Z{4*g+1}')
    lines.append(f'VUNPCKLPD Z{19+4*g}, Z{17+4*g}, Z{4*g+2}')
    lines.append(f'VUNPCKHPD Z{19+4*g}, Z{17+4*g}, Z{4*g+3}')
for m in range(4):
    lines.append(f'VSHUFF32X4 $0x88, Z{4+m}, Z{m}, Z{16+m}')
    lines.append(f'VSHUFF32X4 $0xdd, Z{4+m}, Z{m}, Z{20+m}')
    lines.append(f'VSHUFF32X4 $0x88, Z{12+m}, Z{8+m}, Z{24+m}')
    lines.append(f'VSHUFF32X4 $0xdd, Z{12+m}, Z{8+m}, Z{28+m}')
for m in range(4):
    lines.append(f'VSHUFF32X4 $0x88, Z{24+m}, Z{16+m}, Z{m}')
    lines.append(f'VSHUFF32X4 $0xdd, Z{24+m}, Z{16+m}, Z{8+m}')
    lines.append(f'VSHUFF32X4 $0x88, Z{28+m}, Z{20+m}, Z{4+m}')
    lines.append(f'VSHUFF32X4 $0xdd, Z{28+m}, Z{20+m}, Z{12+m}')
p('; \\\n'.join('\t' + l for l in lines))
p('''
// func packPlanesAVX512(dst *float32, pos *int32, n int, src *float32, offs *[16]int64, pf int)
// For each run of 16 pixels: load the run from each of the 16 planes (at
// byte offsets offs from src; the last, short run under a mask), transpose,
// and store pixel vector j at dst + 64·pos[j]. Each plain load also
// prefetches the line pf bytes further on (the next planes a caller will
// pack): short runs of 16 streams are more than the hardware prefetcher
// follows.
//
//	DI dst   R8 pos at the run   CX pixels left   SI src at the run
//	BX offs   R10 SI + pf   K1 load mask
TEXT ·packPlanesAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ pos+8(FP), R8
	MOVQ n+16(FP), CX
	MOVQ src+24(FP), SI
	MOVQ offs+32(FP), BX
	MOVQ pf+40(FP), R10
	ADDQ SI, R10
	MOVL $0xffff, AX
	KMOVW AX, K1

prun:
	// Full runs are read with plain loads, which (unlike masked ones)
	// train the hardware prefetcher; the last, short run under a mask.
	CMPQ CX, $16
	JGE  pfull
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1''')
for i in range(16):
    p(f'\tMOVQ      {i*8}(BX), AX')
    p(f'\tVMOVUPS.Z (SI)(AX*1), K1, Z{i}')
p('''	JMP  ptrans

pfull:''')
for i in range(16):
    p(f'\tMOVQ      {i*8}(BX), AX')
    p(f'\tVMOVUPS   (SI)(AX*1), Z{i}')
    p(f'\tPREFETCHT0 (R10)(AX*1)')
p('''
ptrans:''')
p('\tTRANSPOSE16')
for j in range(16):
    p(f'\tMOVLQSX {j*4}(R8), AX')
    p(f'\tSHLQ    $6, AX')
    p(f'\tVMOVUPS Z{j}, (DI)(AX*1)')
    p(f'\tCMPQ    CX, ${j+1}')
    p(f'\tJEQ     pdone')
p('''	ADDQ $64, SI
	ADDQ $64, R10
	ADDQ $64, R8
	SUBQ $16, CX
	JMP  prun

pdone:
	VZEROUPPER
	RET

// func unpackPlanesAVX512(dst *float32, offs *[16]int64, cnt int, src *float32, pos *int32, n int, pf int)
// For each run of 16 pixels: load pixel vector j from src + 64·pos[j],
// transpose, and store the run of plane l < cnt at dst + offs[l] (the
// last, short run under a mask), prefetching the line pf bytes further on.
//
//	DI dst at the run   BX offs   R9 cnt   SI src   R8 pos at the run
//	CX pixels left   R10 DI + pf   K1 store mask
TEXT ·unpackPlanesAVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ offs+8(FP), BX
	MOVQ cnt+16(FP), R9
	MOVQ src+24(FP), SI
	MOVQ pos+32(FP), R8
	MOVQ n+40(FP), CX
	MOVQ pf+48(FP), R10
	ADDQ DI, R10
	MOVL $0xffff, AX
	KMOVW AX, K1

urun:
	CMPQ CX, $16
	JGE  uload
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1

uload:''')
for j in range(16):
    p(f'\tMOVLQSX {j*4}(R8), AX')
    p(f'\tSHLQ    $6, AX')
    p(f'\tVMOVUPS (SI)(AX*1), Z{j}')
    if j < 15:
        p(f'\tCMPQ    CX, ${j+1}')
        p(f'\tJEQ     uloaded')
p('''
uloaded:
	TRANSPOSE16
	CMPQ CX, $16
	JGE  ustorefull''')
for i in range(16):
    p(f'\tMOVQ    {i*8}(BX), AX')
    p(f'\tVMOVUPS Z{i}, K1, (DI)(AX*1)')
    if i < 15:
        p(f'\tCMPQ    R9, ${i+1}')
        p(f'\tJEQ     ustored')
p('''	JMP ustored

ustorefull:''')
for i in range(16):
    p(f'\tMOVQ    {i*8}(BX), AX')
    p(f'\tVMOVUPS Z{i}, (DI)(AX*1)')
    p(f'\tPREFETCHT0 (R10)(AX*1)')
    if i < 15:
        p(f'\tCMPQ    R9, ${i+1}')
        p(f'\tJEQ     ustored')
p('''
ustored:
	SUBQ $16, CX
	JLE  udone
	ADDQ $64, DI
	ADDQ $64, R10
	ADDQ $64, R8
	JMP  urun

udone:
	VZEROUPPER
	RET
''')

# conv
def convblock(nb, lab):
    s = []
    s.append(f'c{lab}:')
    s.append(f'\tCMPQ CX, ${nb}')
    s.append(f'\tJLT  c{lab}next')
    for b in range(nb):
        s.append(f'\tVPXORD Z{b}, Z{b}, Z{b}')
    s.append('\tMOVQ DX, R9')
    s.append('\tMOVQ BX, R10')
    s.append('\tMOVQ R12, R11')
    s.append(f'c{lab}tap:')
    s.append('\tVMOVUPS (R9), Z31')
    s.append('\tMOVQ    (R10), AX')
    s.append('\tADDQ    SI, AX')
    for b in range(nb):
        s.append(f'\tVFMADD231PS {b*64}(AX), Z31, Z{b}')
    s.append('\tADDQ $64, R9')
    s.append('\tADDQ $8, R10')
    s.append('\tDECQ R11')
    s.append(f'\tJNZ  c{lab}tap')
    for b in range(nb):
        s.append(f'\tVMOVUPS Z{b}, {b*64}(DI)')
    s.append(f'\tADDQ ${nb*64}, DI')
    s.append(f'\tADDQ ${nb*64}, SI')
    s.append(f'\tSUBQ ${nb}, CX')
    s.append(f'\tJMP  c{lab}')
    s.append('')
    s.append(f'c{lab}next:')
    return '\n'.join(s)

p("""// func convPackedAVX512(out *float32, q int, in *float32, w *float32, offs *int64, taps int, runs *int64, nruns int)
// out[b] = Σ_t w[t]·in[b + offs[t]/64] for q pixel vectors b, taps >= 1.
// Blocks of 12 pixels in Z0..Z11 go through the taps by runs: a run is up
// to 5 taps whose offsets are consecutive (o, o+1, …; runs holds the
// byte offset o·64 and the length of each), so the 12 + 4 input vectors
// it reads are loaded once into Z12..Z27 and each tap is twelve
// register FMAs with one weight vector in Z28. Then blocks of 4 and 1
// pixels, tap by tap with memory operands.
//
//	DI out   CX pixels left   SI in at the block   DX w   BX offs
//	R12 taps   R13 runs   R14 nruns   R9 weight   R10 offset or run
//	R11 taps or runs left   R15 run length   AX run input
TEXT ·convPackedAVX512(SB), NOSPLIT, $0-64
	MOVQ out+0(FP), DI
	MOVQ q+8(FP), CX
	MOVQ in+16(FP), SI
	MOVQ w+24(FP), DX
	MOVQ offs+32(FP), BX
	MOVQ taps+40(FP), R12
	MOVQ runs+48(FP), R13
	MOVQ nruns+56(FP), R14

c12:
	CMPQ CX, $12
	JLT  c12next""")
for b in range(12):
    p(f'\tVPXORD Z{b}, Z{b}, Z{b}')
p("""	MOVQ DX, R9
	MOVQ R13, R10
	MOVQ R14, R11

c12run:
	MOVQ 0(R10), AX
	ADDQ SI, AX
	MOVQ 8(R10), R15""")
for b in range(12):
    p(f'\tVMOVUPS {b*64}(AX), Z{12+b}')
for k in range(5):
    p(f'\tVMOVUPS {k*64}(R9), Z28')
    if k > 0:
        p(f'\tVMOVUPS {(11+k)*64}(AX), Z{23+k}')
    for b in range(12):
        p(f'\tVFMADD231PS Z{12+b+k}, Z28, Z{b}')
    if k < 4:
        p(f'\tCMPQ R15, ${k+1}')
        p(f'\tJEQ  c12rdone')
p("""
c12rdone:
	SHLQ $6, R15
	ADDQ R15, R9
	ADDQ $16, R10
	DECQ R11
	JNZ  c12run""")
for b in range(12):
    p(f'\tVMOVUPS Z{b}, {b*64}(DI)')
p("""	ADDQ $768, DI
	ADDQ $768, SI
	SUBQ $12, CX
	JMP  c12

c12next:""")
p(convblock(4, '4'))
p(convblock(1, '1'))
p('''	VZEROUPPER
	RET
''')

N = 30
p(f'''// func dotPackedAVX512(acc *float32, taps int, gs *float32, q int, in *float32, offs *int64)
// acc[t] += Σ_b g[b]·in[b + offs[t]/64] over q >= 1 pixel vectors b in
// order, for 1 <= taps <= {N}. The sums stay in Z0..Z{N-1} for the whole
// run; g[b] is in Z{N}.
//
//	DI acc   R12 taps   DX g at b   CX pixels left   SI in at b   BX offs
TEXT ·dotPackedAVX512(SB), NOSPLIT, $0-48
	MOVQ acc+0(FP), DI
	MOVQ taps+8(FP), R12
	MOVQ gs+16(FP), DX
	MOVQ q+24(FP), CX
	MOVQ in+32(FP), SI
	MOVQ offs+40(FP), BX
''')
for t in range(N):
    p(f'\tVMOVUPS {t*64}(DI), Z{t}')
    if t < N-1:
        p(f'\tCMPQ    R12, ${t+1}')
        p(f'\tJEQ     dloaded')
p('''
dloaded:
	CMPQ R12, $9
	JEQ  d9

dloop:
	VMOVUPS (DX), Z30''')
for t in range(N):
    p(f'\tMOVQ        {t*8}(BX), AX')
    p(f'\tVFMADD231PS (SI)(AX*1), Z30, Z{t}')
    if t < N-1:
        p(f'\tCMPQ        R12, ${t+1}')
        p(f'\tJEQ         dnext')
p('''
dnext:
	ADDQ $64, DX
	ADDQ $64, SI
	DECQ CX
	JNZ  dloop
	JMP  dstore

	// Nine taps (3×3 kernels): no exit tests, offsets in registers.
d9:
	MOVQ 0(BX), R8
	MOVQ 8(BX), R9
	MOVQ 16(BX), R10
	MOVQ 24(BX), R11
	MOVQ 32(BX), R13
	MOVQ 40(BX), R14
	MOVQ 48(BX), R15
	MOVQ 56(BX), AX
	MOVQ 64(BX), BX

d9loop:
	VMOVUPS     (DX), Z30
	VFMADD231PS (SI)(R8*1), Z30, Z0
	VFMADD231PS (SI)(R9*1), Z30, Z1
	VFMADD231PS (SI)(R10*1), Z30, Z2
	VFMADD231PS (SI)(R11*1), Z30, Z3
	VFMADD231PS (SI)(R13*1), Z30, Z4
	VFMADD231PS (SI)(R14*1), Z30, Z5
	VFMADD231PS (SI)(R15*1), Z30, Z6
	VFMADD231PS (SI)(AX*1), Z30, Z7
	VFMADD231PS (SI)(BX*1), Z30, Z8
	ADDQ        $64, DX
	ADDQ        $64, SI
	DECQ        CX
	JNZ         d9loop

dstore:''')
for t in range(N):
    p(f'\tVMOVUPS Z{t}, {t*64}(DI)')
    if t < N-1:
        p(f'\tCMPQ    R12, ${t+1}')
        p(f'\tJEQ     ddone')
p('''
ddone:
	VZEROUPPER
	RET''')
open(os.path.join(ASM, 'depthwise_avx512_amd64.s'), 'w').write('\n'.join(out) + '\n')

# ---------------- planar 3x3 stride-1 kernels ----------------
q = []
P = q.append
P('''//go:build !purego

#include "textflag.h"

// AVX-512 kernels of the planar 3×3, stride-1, padding-1 depthwise
// convolution (depthwise_planar.go). A plane (n = h·w floats) sits in a
// staging buffer between zero rows: position q of the plane is stage[w+1+q],
// so kernel row ki of output segment s (positions 16s…16s+15) reads the
// 18 floats from stage[16s + ki·w]: one window of two vectors, shifted by
// kj = 0, 1, 2 floats with VALIGND. The taps that would wrap around a row
// end (column 0 for kj = 0, column w−1 for kj = 2) are masked per segment
// (masks[2s], masks[2s+1]).
''')

def addr(ki, disp):
    if ki == 0:
        return f'{disp}(SI)'
    if ki == 1:
        return f'{disp}(SI)(DX*1)'
    return f'{disp}(SI)(R9*1)'


P("""// func conv3x3AVX512(out *float32, x *float32, planes int, w *float32, stage *float32, segs int, masks *uint16, width int, tail int)
// For each of planes consecutive planes of n = h·w floats (at x and out,
// n apart; weights w, 9 apart): copy the plane into the staging buffer
// (between its zero rows), then out[16s:16s+16] for its segs segments,
// taps summed in order t = 3·ki + kj with fused multiply-adds; the last
// segment's store (and copy) is masked with tail. Pairs of segments in
// Z9, Z10, then single segments.
//
//	DI out   SI stage at the segment   CX segments left   R8 masks
//	DX w·4   R9 2·w·4   Z0..Z8 weights   K7 tail   R10 planes left
//	R11 x   R12 out plane   R13 n·4   BX w   R14 stage   R15 masks
TEXT ·conv3x3AVX512(SB), NOSPLIT, $0-72
	MOVQ out+0(FP), R12
	MOVQ x+8(FP), R11
	MOVQ planes+16(FP), R10
	MOVQ w+24(FP), BX
	MOVQ stage+32(FP), R14
	MOVQ masks+48(FP), R15
	MOVQ width+56(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*1), R9
	MOVQ  tail+64(FP), AX
	KMOVW AX, K7
	MOVQ segs+40(FP), R13
	SHLQ $6, R13
	TESTQ AX, AX
	JZ   cplane
	// n·4 = 64·segs − 4·(16 − lanes in tail)
	POPCNTL AX, AX
	SUBQ $16, AX
	SHLQ $2, AX
	ADDQ AX, R13

cplane:
	// Copy the plane: segs runs of 16 floats, the last under K7.
	MOVQ R11, SI
	LEAQ 4(R14)(DX*1), DI
	MOVQ segs+40(FP), CX

ccopy:
	CMPQ      CX, $1
	JEQ       ccopylast
	VMOVUPS   (SI), Z9
	VMOVUPS   Z9, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	DECQ      CX
	JMP       ccopy

ccopylast:
	VMOVUPS.Z (SI), K7, Z9
	VMOVUPS   Z9, K7, (DI)
""")
for t in range(9):
    P(f'\tVBROADCASTSS {4*t}(BX), Z{t}')
P("""	MOVQ R12, DI
	MOVQ R14, SI
	MOVQ R15, R8
	MOVQ segs+40(FP), CX

c2:
	CMPQ CX, $3
	JLT  c1
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	KMOVW  0(R8), K1
	KMOVW  2(R8), K2
	KMOVW  4(R8), K3
	KMOVW  6(R8), K4""")
for ki in range(3):
    w0, w1, w2 = 3*ki, 3*ki+1, 3*ki+2
    P(f'\tVMOVUPS {addr(ki, 0)}, Z11')
    P(f'\tVMOVUPS {addr(ki, 64)}, Z12')
    P(f'\tVMOVUPS {addr(ki, 128)}, Z13')
    P(f'\tVFMADD231PS Z11, Z{w0}, K1, Z9')
    P(f'\tVALIGND     $1, Z11, Z12, Z14')
    P(f'\tVFMADD231PS Z14, Z{w1}, Z9')
    P(f'\tVALIGND     $2, Z11, Z12, Z15')
    P(f'\tVFMADD231PS Z15, Z{w2}, K2, Z9')
    P(f'\tVFMADD231PS Z12, Z{w0}, K3, Z10')
    P(f'\tVALIGND     $1, Z12, Z13, Z16')
    P(f'\tVFMADD231PS Z16, Z{w1}, Z10')
    P(f'\tVALIGND     $2, Z12, Z13, Z17')
    P(f'\tVFMADD231PS Z17, Z{w2}, K4, Z10')
P("""	VMOVUPS Z9, (DI)
	VMOVUPS Z10, 64(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	ADDQ    $8, R8
	SUBQ    $2, CX
	JMP     c2

c1:
	VPXORD Z9, Z9, Z9
	KMOVW  0(R8), K1
	KMOVW  2(R8), K2""")
for ki in range(3):
    w0, w1, w2 = 3*ki, 3*ki+1, 3*ki+2
    P(f'\tVMOVUPS {addr(ki, 0)}, Z11')
    P(f'\tVMOVUPS {addr(ki, 64)}, Z12')
    P(f'\tVFMADD231PS Z11, Z{w0}, K1, Z9')
    P(f'\tVALIGND     $1, Z11, Z12, Z14')
    P(f'\tVFMADD231PS Z14, Z{w1}, Z9')
    P(f'\tVALIGND     $2, Z11, Z12, Z15')
    P(f'\tVFMADD231PS Z15, Z{w2}, K2, Z9')
P("""	CMPQ    CX, $1
	JEQ     clast
	VMOVUPS Z9, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	ADDQ    $4, R8
	DECQ    CX
	JMP     c1

clast:
	VMOVUPS Z9, K7, (DI)
	ADDQ    R13, R12
	ADDQ    R13, R11
	ADDQ    $36, BX
	DECQ    R10
	JNZ     cplane
	VZEROUPPER
	RET
""")

P("""// func dot3x3AVX512(lanes *float32, gs *float32, x *float32, planes int, stage *float32, segs int, masks *uint16, width int, tail int)
// For each of planes consecutive planes (x and g n apart, lanes 144
// apart): copy the x plane into the staging buffer, then lanes[16t+l] +=
// Σ g[q]·(tap t of q) over the plane's positions q ≡ l (mod 16), in
// order; the last segment's g (and copy) is loaded with tail. The nine
// sums stay in Z0..Z8.
//
//	DI lanes   BX g at the segment   CX segments left   SI stage at the
//	segment   R8 masks   DX w·4   R9 2·w·4   Z9 g   K6 g lanes   K7 tail
//	R10 planes left   R11 x   R12 g plane   R13 n·4   R14 stage   R15 masks
TEXT ·dot3x3AVX512(SB), NOSPLIT, $0-72
	MOVQ lanes+0(FP), DI
	MOVQ gs+8(FP), R12
	MOVQ x+16(FP), R11
	MOVQ planes+24(FP), R10
	MOVQ stage+32(FP), R14
	MOVQ masks+48(FP), R15
	MOVQ width+56(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*1), R9
	MOVQ  tail+64(FP), AX
	KMOVW AX, K7
	MOVQ segs+40(FP), R13
	SHLQ $6, R13
	TESTQ AX, AX
	JZ   dplane
	POPCNTL AX, AX
	SUBQ $16, AX
	SHLQ $2, AX
	ADDQ AX, R13

dplane:
	MOVQ R11, SI
	LEAQ 4(R14)(DX*1), BX
	MOVQ segs+40(FP), CX

dcopy:
	CMPQ      CX, $1
	JEQ       dcopylast
	VMOVUPS   (SI), Z9
	VMOVUPS   Z9, (BX)
	ADDQ      $64, SI
	ADDQ      $64, BX
	DECQ      CX
	JMP       dcopy

dcopylast:
	VMOVUPS.Z (SI), K7, Z9
	VMOVUPS   Z9, K7, (BX)
""")
for t in range(9):
    P(f'\tVMOVUPS {64*t}(DI), Z{t}')
P("""	MOVQ  R12, BX
	MOVQ  R14, SI
	MOVQ  R15, R8
	MOVQ  segs+40(FP), CX
	MOVL  $0xffff, AX
	KMOVW AX, K6

dloop:
	// Plain loads but for the last segment: masked loads do not train the
	// hardware prefetcher, which then leaves every line to a demand miss.
	CMPQ      CX, $1
	JNE       dfull
	VMOVUPS.Z (BX), K7, Z9
	JMP       dseg

dfull:
	VMOVUPS (BX), Z9

dseg:
	KMOVW     0(R8), K1
	KMOVW     2(R8), K2""")
for ki in range(3):
    a0, a1, a2 = 3*ki, 3*ki+1, 3*ki+2
    P(f'\tVMOVUPS {addr(ki, 0)}, Z11')
    P(f'\tVMOVUPS {addr(ki, 64)}, Z12')
    P(f'\tVFMADD231PS Z11, Z9, K1, Z{a0}')
    P(f'\tVALIGND     $1, Z11, Z12, Z14')
    P(f'\tVFMADD231PS Z14, Z9, Z{a1}')
    P(f'\tVALIGND     $2, Z11, Z12, Z15')
    P(f'\tVFMADD231PS Z15, Z9, K2, Z{a2}')
P("""	ADDQ $64, BX
	ADDQ $64, SI
	ADDQ $4, R8
	DECQ CX
	JNZ  dloop""")
for t in range(9):
    P(f'\tVMOVUPS Z{t}, {64*t}(DI)')
P("""	ADDQ $576, DI
	ADDQ R13, R12
	ADDQ R13, R11
	DECQ R10
	JNZ  dplane
	VZEROUPPER
	RET""")
open(os.path.join(ASM, 'depthwise_planar_avx512_amd64.s'), 'w').write('\n'.join(q) + '\n')

# ---------------- planar 3x3 stride-2 kernels ----------------
q = []
P = q.append
OFF = dict(idx=0, tidx=192, h=576, w=584, ho=592, wo=600, r=608, vecs=616, pitch=624, d2=632, halves=640,
           kmask=648, store=654, last=656, rowm=658, rowm2=660, gym=662, tmask=664, xstage=680, gstage=688,
           sadv=696, ostr=704, xrow=712, orow=720, xplane=728, oplane=736, direct=744, first=752, clamp=760, clamp2=768)
P('''//go:build !purego

#include "textflag.h"

// AVX-512 kernels of the planar 3×3, stride-2, padding-1 depthwise
// convolution (depthwise_s2.go). R15 points at the geometry, s2args, whose
// fields lie at these byte offsets:
//''')
for k, v in OFF.items():
    P(f'//\t{v:4d} {k}')
P('')

def xstage(lab):
    P(f"""	// Stage the plane: a row per pitch-DX slot from the second, lanes
	// past w zero; or, for planes whose rows are their slots (direct),
	// read the plane itself. AX is the row before the plane's first.
	KMOVW 658(R15), K6
	KMOVW 660(R15), K7
	CMPQ  744(R15), $0
	JEQ   {lab}staged
	MOVQ  R11, AX
	SUBQ  DX, AX
	JMP   {lab}done

{lab}staged:
	MOVQ R11, SI
	LEAQ (R14)(DX*1), R8
	MOVQ 576(R15), CX

{lab}:
	VMOVUPS   (SI), Z10
	VMOVUPS   Z10, (R8)
	CMPQ      DX, $128
	JNE       {lab}1
	VMOVUPS   64(SI), Z11
	VMOVUPS   Z11, 64(R8)

{lab}1:
	ADDQ 712(R15), SI
	ADDQ DX, R8
	DECQ CX
	JNZ  {lab}
	MOVQ R14, AX

{lab}done:
	// The first vector's top row, which may lie before the plane.
	KMOVW 752(R15), K6
	KMOVW 754(R15), K7""")

def rowload(ki, base, r1, r2, first):
    # S1, S2 of kernel row ki for the vector whose top row slot is at base.
    # The first vector of a plane read in place has its top row before the
    # plane: S1 and S2 are read from the next row where theirs is before
    # the plane (clamp, clamp2) and zeroed under K6, K7 (staged planes:
    # K6 = K7 = all, no clamps).
    addr_reg = 'AX' if base == 'SI' else 'R8'
    if ki == 0:
        P(f'\tMOVQ    {base}, {addr_reg}')
    elif ki == 1:
        P(f'\tLEAQ    ({base})(DX*1), {addr_reg}')
    else:
        P(f'\tLEAQ    ({base})(DX*2), {addr_reg}')
    if ki == 0 and first:
        P(f'\tADDQ    768(R15), {addr_reg}')
        P(f'\tVMOVUPS ({addr_reg})(R9*1), {r2}')
        P(f'\tSUBQ    768(R15), {addr_reg}')
        P(f'\tADDQ    760(R15), {addr_reg}')
        P(f'\tVMOVUPS ({addr_reg}), {r1}')
        P(f'\tVMOVUPS.Z {r1}, K6, {r1}')
        P(f'\tVMOVUPS.Z {r2}, K7, {r2}')
    else:
        P(f'\tVMOVUPS ({addr_reg}), {r1}')
        P(f'\tVMOVUPS ({addr_reg})(R9*1), {r2}')

def taps(acc_fn, first):
    # One vector from SI: per kernel row two sources, per column a permute.
    for ki in range(3):
        rowload(ki, 'SI', 'Z10', 'Z11', first)
        for kj in range(3):
            t = 3*ki + kj
            P(f'\tVMOVUPS   {64*kj}(R15), Z12')
            P(f'\tVPERMI2PS.Z Z11, Z10, K{kj+1}, Z12')
            acc_fn(t)

accA = ['Z9', 'Z20', 'Z21']
accB = ['Z16', 'Z22', 'Z23']

def conv_pair(first, lab):
    # Two vectors (SI and R13 = SI + sadv), each in three sums, one per
    # kernel row: short FMA chains that overlap.
    P('\tMOVQ   SI, R13')
    P('\tADDQ   696(R15), R13')
    for ki in range(3):
        P(f'\tVPXORD {accA[ki]}, {accA[ki]}, {accA[ki]}')
        P(f'\tVPXORD {accB[ki]}, {accB[ki]}, {accB[ki]}')
    for ki in range(3):
        rowload(ki, 'SI', 'Z10', 'Z11', first)
        rowload(ki, 'R13', 'Z17', 'Z18', False)
        for kj in range(3):
            t = 3*ki + kj
            P(f'\tVMOVUPS   {64*kj}(R15), Z12')
            P(f'\tVMOVUPS   {64*kj}(R15), Z19')
            P(f'\tVPERMI2PS.Z Z11, Z10, K{kj+1}, Z12')
            P(f'\tVPERMI2PS.Z Z18, Z17, K{kj+1}, Z19')
            P(f'\tVFMADD231PS Z12, Z{t}, {accA[ki]}')
            P(f'\tVFMADD231PS Z19, Z{t}, {accB[ki]}')
    P('\tVADDPS Z20, Z9, Z9'); P('\tVADDPS Z22, Z16, Z16')
    P('\tVADDPS Z21, Z9, Z9'); P('\tVADDPS Z23, Z16, Z16')
    P(f"""	VMOVUPS Z9, (DI)
	ADDQ    704(R15), DI
	CMPQ    CX, $2
	JEQ     {lab}last
	VMOVUPS Z16, (DI)
	ADDQ    704(R15), DI
	MOVQ    R13, SI
	ADDQ    696(R15), SI
	SUBQ    $2, CX
	JMP     cvec

{lab}last:
	VMOVUPS Z16, K5, (DI)
	JMP     cnext
""")

def conv_one(first):
    P('\tVPXORD Z9, Z9, Z9')
    P('\tVPXORD Z20, Z20, Z20')
    P('\tVPXORD Z21, Z21, Z21')
    taps(lambda t: P(f'\tVFMADD231PS Z12, Z{t}, {accA[t // 3]}'), first)
    P('\tVADDPS Z20, Z9, Z9')
    P('\tVADDPS Z21, Z9, Z9')
    P('\tVMOVUPS Z9, K5, (DI)')
    P('\tJMP     cnext')

P("""// func convS2AVX512(out *float32, x *float32, planes int, w *float32, stage *float32, args *s2args)
// For each plane: stage it (or read it in place), then each output
// vector: per kernel row, the two source vectors (one row's halves, or
// rows two apart) and per column a permute of them (zero in the padding),
// each kernel row summed with fused multiply-adds, the rows added in
// order; stored whole (the last vector under K5, which may hold one row).
// Vectors go in pairs, the first of a plane apart (its top row may lie
// before the plane).
//
//	R12 out plane   R11 x plane   R10 planes left   BX w   R14 stage
//	DI out   SI stage at the vector   CX vectors left   DX pitch   R9 d2
//	R13 second vector of a pair   AX, R8 row addresses
TEXT ·convS2AVX512(SB), NOSPLIT, $0-48
	MOVQ  out+0(FP), R12
	MOVQ  x+8(FP), R11
	MOVQ  planes+16(FP), R10
	MOVQ  w+24(FP), BX
	MOVQ  stage+32(FP), R14
	MOVQ  args+40(FP), R15
	MOVQ  624(R15), DX
	MOVQ  632(R15), R9
	KMOVW 648(R15), K1
	KMOVW 650(R15), K2
	KMOVW 652(R15), K3
	KMOVW 654(R15), K4
	KMOVW 656(R15), K5

cplane:""")
xstage('ccopy')
for t in range(9):
    P(f'\tVBROADCASTSS {4*t}(BX), Z{t}')
P("""	MOVQ R12, DI
	MOVQ AX, SI
	MOVQ 616(R15), CX
	CMPQ CX, $2
	JLT  cfirstone""")
conv_pair(True, 'cfirstpair')
P("""
cfirstone:""")
conv_one(True)
P("""
cvec:
	CMPQ CX, $2
	JLT  cone""")
conv_pair(False, 'cpair')
P("""
cone:
	TESTQ CX, CX
	JZ    cnext""")
conv_one(False)
P("""
cnext:
	ADDQ 736(R15), R12
	ADDQ 728(R15), R11
	ADDQ $36, BX
	DECQ R10
	JNZ  cplane
	VZEROUPPER
	RET

// func dotS2AVX512(lanes *float32, gs *float32, x *float32, planes int, stage *float32, args *s2args)
// For each plane: stage it (or read it in place), then for each output
// vector g (loaded whole, the last under K5) and tap t,
// lanes[t] += g · tap t, the sums in Z0..Z8; the first vector of a plane
// apart, as in convS2.
//
//	DI lanes   R12 g plane   R11 x plane   R10 planes left   R14 stage
//	BX g   SI stage at the vector   CX vectors left   DX pitch   R9 d2
TEXT ·dotS2AVX512(SB), NOSPLIT, $0-48
	MOVQ  lanes+0(FP), DI
	MOVQ  gs+8(FP), R12
	MOVQ  x+16(FP), R11
	MOVQ  planes+24(FP), R10
	MOVQ  stage+32(FP), R14
	MOVQ  args+40(FP), R15
	MOVQ  624(R15), DX
	MOVQ  632(R15), R9
	KMOVW 648(R15), K1
	KMOVW 650(R15), K2
	KMOVW 652(R15), K3
	KMOVW 654(R15), K4
	KMOVW 656(R15), K5

dplane:""")
xstage('dcopy')
for t in range(9):
    P(f'\tVMOVUPS {64*t}(DI), Z{t}')
def dot_one(first, lab):
    P(f"""	CMPQ      CX, $1
	JEQ       {lab}lastg
	VMOVUPS   (BX), Z9
	JMP       {lab}taps

{lab}lastg:
	VMOVUPS.Z (BX), K5, Z9

{lab}taps:""")
    taps(lambda t: P(f'\tVFMADD231PS Z12, Z9, Z{t}'), first)
    P("""	ADDQ 704(R15), BX
	ADDQ 696(R15), SI
	DECQ CX""")
P("""	MOVQ R12, BX
	MOVQ AX, SI
	MOVQ 616(R15), CX""")
dot_one(True, 'dfirst')
P("""	JZ   dstore

dvec:""")
dot_one(False, 'dv')
P("""	JNZ  dvec

dstore:""")
for t in range(9):
    P(f'\tVMOVUPS Z{t}, {64*t}(DI)')
P("""	ADDQ $576, DI
	ADDQ 736(R15), R12
	ADDQ 728(R15), R11
	DECQ R10
	JNZ  dplane
	VZEROUPPER
	RET
""")

P('''// func convTS2AVX512(gx *float32, gs *float32, planes int, w *float32, stage *float32, args *s2args)
// For each plane: stage the output gradient (rows at 64 bytes, a zero row
// after them), then each pair of input rows 2u, 2u+1 and each 16-float
// half of them: with P_kj, Q_kj the permutes (tidx, tmask) of gradient
// rows u and u+1,
//
//	row 2u   = Σ_kj w[1,kj]·P_kj
//	row 2u+1 = Σ_kj w[0,kj]·Q_kj + Σ_kj w[2,kj]·P_kj
//
// stored (the odd row only when it exists).
//
//	R12 gx plane   R11 gy plane   R10 planes left   BX w   R14 stage
//	DI gx row pair   SI stage at row u   CX pairs left   R13 half
//	R8 rows left   AX temp   Z13..Z18 tidx   Z20..Z25 P, Q
TEXT ·convTS2AVX512(SB), NOSPLIT, $0-48
	MOVQ  gx+0(FP), R12
	MOVQ  gs+8(FP), R11
	MOVQ  planes+16(FP), R10
	MOVQ  w+24(FP), BX
	MOVQ  stage+32(FP), R14
	MOVQ  args+40(FP), R15
	KMOVW 662(R15), K7''')
for h in range(2):
    for kj in range(3):
        P(f'\tVMOVUPS {192 + 192*h + 64*kj}(R15), Z{13 + 3*h + kj}')
P('''
tplane:
	// Stage the ho gradient rows at 64 bytes: plain loads (which train
	// the hardware prefetcher; lanes past wo are never used) but for the
	// last row, which may end the slice.
	MOVQ R11, SI
	MOVQ R14, DI
	MOVQ 592(R15), CX

tcopy:
	CMPQ      CX, $1
	JEQ       tcopylast
	VMOVUPS   (SI), Z10
	VMOVUPS   Z10, (DI)
	ADDQ      720(R15), SI
	ADDQ      $64, DI
	DECQ      CX
	JMP       tcopy

tcopylast:
	VMOVUPS.Z (SI), K7, Z10
	VMOVUPS   Z10, (DI)''')
for t in range(9):
    P(f'\tVBROADCASTSS {4*t}(BX), Z{t}')
P('''	MOVQ R12, DI
	MOVQ R14, SI
	MOVQ 576(R15), R8

tpair:
	XORQ R13, R13

thalf:''')
# half-dependent: masks from tmask[h], idx regs Z13+3h.. -> branch on R13
P('''	TESTQ R13, R13
	JNZ   thalf1
	KMOVW 664(R15), K1
	KMOVW 666(R15), K2
	KMOVW 668(R15), K3
	KMOVW 658(R15), K4''')
def half_body(h, lab_done):
    for kj in range(3):
        P(f'\tVPERMPS.Z (SI), Z{13+3*h+kj}, K{kj+1}, Z{20+kj}')
        P(f'\tVPERMPS.Z 64(SI), Z{13+3*h+kj}, K{kj+1}, Z{23+kj}')
    P('\tVPXORD Z9, Z9, Z9')
    P('\tVPXORD Z10, Z10, Z10')
    for kj in range(3):
        P(f'\tVFMADD231PS Z{20+kj}, Z{3+kj}, Z9')
    for kj in range(3):
        P(f'\tVFMADD231PS Z{23+kj}, Z{kj}, Z10')
    for kj in range(3):
        P(f'\tVFMADD231PS Z{20+kj}, Z{6+kj}, Z10')
    P(f'\tJMP {lab_done}')
half_body(0, 'tstore')
P('''
thalf1:
	KMOVW 670(R15), K1
	KMOVW 672(R15), K2
	KMOVW 674(R15), K3
	KMOVW 660(R15), K4''')
half_body(1, 'tstore')
P('''
tstore:
	MOVQ    R13, AX
	SHLQ    $6, AX
	ADDQ    DI, AX
	VMOVUPS Z9, (AX)
	CMPQ    R8, $1
	JEQ     tnext
	ADDQ    712(R15), AX
	VMOVUPS Z10, (AX)

tnext:
	INCQ R13
	CMPQ R13, 640(R15)
	JLT  thalf
	ADDQ $64, SI
	MOVQ 712(R15), AX
	LEAQ (DI)(AX*2), DI
	SUBQ $2, R8
	JG   tpair
	ADDQ 728(R15), R12
	ADDQ 736(R15), R11
	ADDQ $36, BX
	DECQ R10
	JNZ  tplane
	VZEROUPPER
	RET''')
open(os.path.join(ASM, 'depthwise_s2_avx512_amd64.s'), 'w').write('\n'.join(q) + '\n')

# ======================= AVX2 + FMA kernels =======================
# The same three families for the avx2 kernel (simdOps.avx2), on 8-lane
# YMM vectors and 16 registers: asm/depthwise_avx2_amd64.s,
# asm/depthwise_planar_avx2_amd64.s, asm/depthwise_s2_avx2_amd64.s.

def write(name, lines):
    open(os.path.join(ASM, name), 'w').write('\n'.join(lines) + '\n')


def tailmask_data():
    s = ['// tailMask<>+4·(8−k) is the mask of the first k lanes, 1 <= k <= 8.']
    for i in range(16):
        s.append(f'DATA tailMask<>+{4*i}(SB)/4, ${"0xffffffff" if i < 8 else "0"}')
    s.append('GLOBL tailMask<>(SB), RODATA|NOPTR, $64')
    return '\n'.join(s)


TRANSPOSE8 = '''// TRANSPOSE8 transposes the 8×8 matrix whose rows are Y0..Y7 into
// Y8..Y15 (column j in Y8+j), through Y0..Y7: interleave pairs of floats,
// then pairs of pairs, then 128-bit lanes.
#define TRANSPOSE8 \\
	VUNPCKLPS  Y1, Y0, Y8; \\
	VUNPCKHPS  Y1, Y0, Y9; \\
	VUNPCKLPS  Y3, Y2, Y10; \\
	VUNPCKHPS  Y3, Y2, Y11; \\
	VUNPCKLPS  Y5, Y4, Y12; \\
	VUNPCKHPS  Y5, Y4, Y13; \\
	VUNPCKLPS  Y7, Y6, Y14; \\
	VUNPCKHPS  Y7, Y6, Y15; \\
	VSHUFPS    $0x44, Y10, Y8, Y0; \\
	VSHUFPS    $0xEE, Y10, Y8, Y1; \\
	VSHUFPS    $0x44, Y11, Y9, Y2; \\
	VSHUFPS    $0xEE, Y11, Y9, Y3; \\
	VSHUFPS    $0x44, Y14, Y12, Y4; \\
	VSHUFPS    $0xEE, Y14, Y12, Y5; \\
	VSHUFPS    $0x44, Y15, Y13, Y6; \\
	VSHUFPS    $0xEE, Y15, Y13, Y7; \\
	VPERM2F128 $0x20, Y4, Y0, Y8; \\
	VPERM2F128 $0x20, Y5, Y1, Y9; \\
	VPERM2F128 $0x20, Y6, Y2, Y10; \\
	VPERM2F128 $0x20, Y7, Y3, Y11; \\
	VPERM2F128 $0x31, Y4, Y0, Y12; \\
	VPERM2F128 $0x31, Y5, Y1, Y13; \\
	VPERM2F128 $0x31, Y6, Y2, Y14; \\
	VPERM2F128 $0x31, Y7, Y3, Y15'''

# ---------------- channel-packed (AVX2) ----------------
a = []
A = a.append
A('''//go:build !purego

#include "textflag.h"

// AVX2 kernels of the channel-packed depthwise convolution (depthwise.go),
// for the avx2 kernel: those of depthwise_avx512_amd64.s on 8-lane
// vectors. The packed layout is the Go code's: a 16-plane pixel vector is
// two YMM halves (planes 0..7 at +0, 8..15 at +32), and a 16×16 transpose
// is four 8×8 ones. The last, short run of a plane is read and written
// with VMASKMOVPS, which neither touches nor faults on the lanes masked
// off.
''')
A(tailmask_data())
A('')
A(TRANSPOSE8)
A('''
// func packPlanesAVX2(dst *float32, pos *int32, n int, src *float32, offs *[16]int64, pf int)
// For each run of 8 pixels and each half h of the planes: load the run
// from planes 8h..8h+7 (at byte offsets offs from src), transpose, and
// store pixel j's half at dst + 64·pos[j] + 32h. Full runs use plain loads
// (which train the hardware prefetcher), each prefetching the line pf
// bytes further on (the next planes a caller will pack); the last, short
// run masked ones.
//
//	DI dst   R8 pos at the run   CX pixels left   SI src at the run
//	BX offs   R10 SI + pf   R11 load mask
TEXT ·packPlanesAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ pos+8(FP), R8
	MOVQ n+16(FP), CX
	MOVQ src+24(FP), SI
	MOVQ offs+32(FP), BX
	MOVQ pf+40(FP), R10
	ADDQ SI, R10

prun:
	CMPQ CX, $8
	JLT  ptail''')
for h in range(2):
    for i in range(8):
        A(f'\tMOVQ       {64*h + 8*i}(BX), AX')
        A(f'\tVMOVUPS    (SI)(AX*1), Y{i}')
        A(f'\tPREFETCHT0 (R10)(AX*1)')
    A('\tTRANSPOSE8')
    for j in range(8):
        A(f'\tMOVLQSX {4*j}(R8), AX')
        A(f'\tSHLQ    $6, AX')
        A(f'\tVMOVUPS Y{8+j}, {32*h}(DI)(AX*1)')
A('''	ADDQ $32, SI
	ADDQ $32, R10
	ADDQ $32, R8
	SUBQ $8, CX
	JMP  prun

ptail:
	// 1..7 pixels left: lanes CX and up are neither read nor stored.
	TESTQ CX, CX
	JZ    pdone
	MOVQ  $8, AX
	SUBQ  CX, AX
	LEAQ  tailMask<>(SB), R11
	LEAQ  (R11)(AX*4), R11''')
for h in range(2):
    A(f'\tVMOVDQU (R11), Y8')
    for i in range(8):
        A(f'\tMOVQ       {64*h + 8*i}(BX), AX')
        A(f'\tVMASKMOVPS (SI)(AX*1), Y8, Y{i}')
    A('\tTRANSPOSE8')
    for j in range(7):
        A(f'\tMOVLQSX {4*j}(R8), AX')
        A(f'\tSHLQ    $6, AX')
        A(f'\tVMOVUPS Y{8+j}, {32*h}(DI)(AX*1)')
        A(f'\tCMPQ    CX, ${j+1}')
        A(f'\tJEQ     ptail{h}done')
    A(f'\nptail{h}done:')
A('''
pdone:
	VZEROUPPER
	RET

// func unpackPlanesAVX2(dst *float32, offs *[16]int64, cnt int, src *float32, pos *int32, n int, pf int)
// For each run of 8 pixels and each half h of the planes: load pixel j's
// half h from src + 64·pos[j] + 32h, transpose, and store the run of plane
// 8h+i < cnt at dst + offs[8h+i] (the last, short run under a mask),
// prefetching the line pf bytes further on.
//
//	DI dst at the run   BX offs   R9 cnt   SI src   R8 pos at the run
//	CX pixels left   R10 DI + pf   R11 store mask
TEXT ·unpackPlanesAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ offs+8(FP), BX
	MOVQ cnt+16(FP), R9
	MOVQ src+24(FP), SI
	MOVQ pos+32(FP), R8
	MOVQ n+40(FP), CX
	MOVQ pf+48(FP), R10
	ADDQ DI, R10

urun:
	CMPQ CX, $8
	JGE  uhalf0
	MOVQ $8, AX
	SUBQ CX, AX
	LEAQ tailMask<>(SB), R11
	LEAQ (R11)(AX*4), R11
''')
for h in range(2):
    A(f'uhalf{h}:')
    for j in range(8):
        A(f'\tMOVLQSX {4*j}(R8), AX')
        A(f'\tSHLQ    $6, AX')
        A(f'\tVMOVUPS {32*h}(SI)(AX*1), Y{j}')
        if j < 7:
            A(f'\tCMPQ    CX, ${j+1}')
            A(f'\tJEQ     uloaded{h}')
    A(f'''
uloaded{h}:
	TRANSPOSE8
	CMPQ CX, $8
	JLT  umasked{h}''')
    for i in range(8):
        A(f'\tMOVQ       {64*h + 8*i}(BX), AX')
        A(f'\tVMOVUPS    Y{8+i}, (DI)(AX*1)')
        A(f'\tPREFETCHT0 (R10)(AX*1)')
        if 8*h + i < 15:
            A(f'\tCMPQ       R9, ${8*h + i + 1}')
            A(f'\tJEQ        ustored')
    A('\tJMP        ustored' if h == 1 else '\tJMP        uhalf1')
    A(f'\numasked{h}:')
    A('\tVMOVDQU (R11), Y0')
    for i in range(8):
        A(f'\tMOVQ       {64*h + 8*i}(BX), AX')
        A(f'\tVMASKMOVPS Y{8+i}, Y0, (DI)(AX*1)')
        if 8*h + i < 15:
            A(f'\tCMPQ       R9, ${8*h + i + 1}')
            A(f'\tJEQ        ustored')
    A('')
A('''ustored:
	SUBQ $8, CX
	JLE  udone
	ADDQ $32, DI
	ADDQ $32, R10
	ADDQ $32, R8
	JMP  urun

udone:
	VZEROUPPER
	RET
''')


def convblock2(nb, lab):
    s = [f'c{lab}:', f'\tCMPQ CX, ${nb}', f'\tJLT  c{lab}next']
    for r in range(2*nb):
        s.append(f'\tVXORPS Y{r}, Y{r}, Y{r}')
    s += ['\tMOVQ DX, R9', '\tMOVQ BX, R10', '\tMOVQ R12, R11', '', f'c{lab}tap:',
          '\tVMOVUPS (R9), Y12', '\tVMOVUPS 32(R9), Y13', '\tMOVQ    (R10), AX', '\tADDQ    SI, AX']
    for b in range(nb):
        s.append(f'\tVFMADD231PS {64*b}(AX), Y12, Y{2*b}')
        s.append(f'\tVFMADD231PS {64*b+32}(AX), Y13, Y{2*b+1}')
    s += ['\tADDQ $64, R9', '\tADDQ $8, R10', '\tDECQ R11', f'\tJNZ  c{lab}tap']
    for b in range(nb):
        s.append(f'\tVMOVUPS Y{2*b}, {64*b}(DI)')
        s.append(f'\tVMOVUPS Y{2*b+1}, {64*b+32}(DI)')
    s += [f'\tADDQ ${64*nb}, DI', f'\tADDQ ${64*nb}, SI', f'\tSUBQ ${nb}, CX', f'\tJMP  c{lab}', '', f'c{lab}next:']
    return '\n'.join(s)


A('''// func convPackedAVX2(out *float32, q int, in *float32, w *float32, offs *int64, taps int)
// out[b] = Σ_t w[t]·in[b + offs[t]/64] for q pixel vectors b, taps >= 1,
// the taps in order with fused multiply-adds from zero. Blocks of 6 pixels
// (12 sums in Y0..Y11, the tap's weight halves in Y12, Y13, the inputs as
// memory operands), then blocks of 2 and 1.
//
//	DI out   CX pixels left   SI in at the block   DX w   BX offs
//	R12 taps   R9 weight   R10 offset   R11 taps left   AX tap input
TEXT ·convPackedAVX2(SB), NOSPLIT, $0-48
	MOVQ out+0(FP), DI
	MOVQ q+8(FP), CX
	MOVQ in+16(FP), SI
	MOVQ w+24(FP), DX
	MOVQ offs+32(FP), BX
	MOVQ taps+40(FP), R12
''')
A(convblock2(6, '6'))
A(convblock2(2, '2'))
A(convblock2(1, '1'))
A('''	VZEROUPPER
	RET
''')

N2 = 15
A(f'''// func dotPackedAVX2(acc *float32, taps int, gs *float32, q int, in *float32, offs *int64)
// One 8-lane half of dotPackedAVX512: acc[t] += Σ_b g[b]·in[b + offs[t]/64]
// over q >= 1 pixel vectors b in order, for 1 <= taps <= {N2}, reading and
// writing 8 floats of each 16 (the caller moves acc, gs and in on by 8
// floats for the upper half). The sums stay in Y0..Y{N2-1}; g[b] is in Y{N2}.
//
//	DI acc   R12 taps   DX g at b   CX pixels left   SI in at b   BX offs
TEXT ·dotPackedAVX2(SB), NOSPLIT, $0-48
	MOVQ acc+0(FP), DI
	MOVQ taps+8(FP), R12
	MOVQ gs+16(FP), DX
	MOVQ q+24(FP), CX
	MOVQ in+32(FP), SI
	MOVQ offs+40(FP), BX
''')
for t in range(N2):
    A(f'\tVMOVUPS {t*64}(DI), Y{t}')
    if t < N2-1:
        A(f'\tCMPQ    R12, ${t+1}')
        A(f'\tJEQ     dloaded')
A(f'''
dloaded:
	CMPQ R12, $9
	JEQ  d9

dloop:
	VMOVUPS (DX), Y{N2}''')
for t in range(N2):
    A(f'\tMOVQ        {t*8}(BX), AX')
    A(f'\tVFMADD231PS (SI)(AX*1), Y{N2}, Y{t}')
    if t < N2-1:
        A(f'\tCMPQ        R12, ${t+1}')
        A(f'\tJEQ         dnext')
A('''
dnext:
	ADDQ $64, DX
	ADDQ $64, SI
	DECQ CX
	JNZ  dloop
	JMP  dstore

	// Nine taps (3×3 kernels): no exit tests, offsets in registers.
d9:
	MOVQ 0(BX), R8
	MOVQ 8(BX), R9
	MOVQ 16(BX), R10
	MOVQ 24(BX), R11
	MOVQ 32(BX), R13
	MOVQ 40(BX), R14
	MOVQ 48(BX), R15
	MOVQ 56(BX), AX
	MOVQ 64(BX), BX

d9loop:
	VMOVUPS     (DX), Y15
	VFMADD231PS (SI)(R8*1), Y15, Y0
	VFMADD231PS (SI)(R9*1), Y15, Y1
	VFMADD231PS (SI)(R10*1), Y15, Y2
	VFMADD231PS (SI)(R11*1), Y15, Y3
	VFMADD231PS (SI)(R13*1), Y15, Y4
	VFMADD231PS (SI)(R14*1), Y15, Y5
	VFMADD231PS (SI)(R15*1), Y15, Y6
	VFMADD231PS (SI)(AX*1), Y15, Y7
	VFMADD231PS (SI)(BX*1), Y15, Y8
	ADDQ        $64, DX
	ADDQ        $64, SI
	DECQ        CX
	JNZ         d9loop

dstore:''')
for t in range(N2):
    A(f'\tVMOVUPS Y{t}, {t*64}(DI)')
    if t < N2-1:
        A(f'\tCMPQ    R12, ${t+1}')
        A(f'\tJEQ     ddone')
A('''
ddone:
	VZEROUPPER
	RET''')
write('depthwise_avx2_amd64.s', a)

# ---------------- planar 3x3 stride-1 (AVX2) ----------------
b = []
B = b.append
B('''//go:build !purego

#include "textflag.h"

// AVX2 kernels of the planar 3×3, stride-1, padding-1 depthwise
// convolution (depthwise_planar.go), for the avx2 kernel. As in
// depthwise_planar_avx512_amd64.s, a plane is copied into the staging
// buffer between zero rows (position q at stage[w+1+q]), but a chunk is 8
// positions (8c…8c+7, the lower or upper half of the 16-position segment
// c/2), and tap kj of kernel row ki is one unaligned load from
// stage[8c + ki·w + kj]. The taps that would wrap around a row end
// (column 0 for kj = 0, column w−1 for kj = 2) are skipped with
// VBLENDVPS, which keeps the old sum: the Go loops' bits, not a sum plus
// zero. The blend masks come from the segment's two 16-bit masks, read as
// one 32-bit word (masks[2s] low, masks[2s+1] high), ANDed with each lane's
// bit and compared with it.
''')
B(tailmask_data())
B('''
// laneBits<> holds the bit of each lane in a segment's mask word: +0 the
// lower half's in masks[2s] (column != 0), +32 in masks[2s+1] (column !=
// w−1); +64, +96 the same for the upper half.''')
for i in range(32):
    half, which, l = i // 16, (i // 8) % 2, i % 8
    B(f'DATA laneBits<>+{4*i}(SB)/4, ${hex(1 << (8*half + l + 16*which))}')
B('GLOBL laneBits<>(SB), RODATA|NOPTR, $128')
B('')


def addr2(ki, kj):
    d = 4*kj
    return [f'{d}(SI)', f'{d}(SI)(DX*1)', f'{d}(SI)(R9*1)'][ki]


def blendmasks(bits):
    # Y11: taps kj = 0 kept (column != 0); Y12: kj = 2 (column != w−1).
    return [f'\tVPBROADCASTD (R8), Y10',
            f'\tVPAND        {bits}(R15), Y10, Y11',
            f'\tVPCMPEQD     {bits}(R15), Y11, Y11',
            f'\tVPAND        {bits+32}(R15), Y10, Y12',
            f'\tVPCMPEQD     {bits+32}(R15), Y12, Y12']


def tap3(ki, kj, x, acc):
    # acc += x·(tap ki, kj at SI); the wrapping taps only where kept.
    if kj == 1:
        return [f'\tVFMADD231PS {addr2(ki, kj)}, {x}, {acc}']
    m = 'Y11' if kj == 0 else 'Y12'
    return [f'\tVMOVUPS     {addr2(ki, kj)}, Y13',
            f'\tVFMADD213PS {acc}, {x}, Y13',
            f'\tVBLENDVPS   {m}, Y13, {acc}, {acc}']


def tailsetup():
    # Y14: the lanes of the last chunk, (n−1)%8 + 1; R13: n·4.
    return '''	MOVQ    n+56(FP), R13
	LEAQ    -1(R13), AX
	ANDQ    $7, AX
	MOVQ    $7, CX
	SUBQ    AX, CX
	LEAQ    tailMask<>(SB), AX
	VMOVDQU (AX)(CX*4), Y14
	SHLQ    $2, R13'''


def copyplane(lab, dst):
    return f'''	// Copy the plane: chunks of 8 floats, the last under Y14.
	MOVQ R11, SI
	LEAQ 4(R14)(DX*1), {dst}
	MOVQ n+56(FP), CX
	ADDQ $7, CX
	SHRQ $3, CX

{lab}:
	CMPQ    CX, $1
	JEQ     {lab}last
	VMOVUPS (SI), Y9
	VMOVUPS Y9, ({dst})
	ADDQ    $32, SI
	ADDQ    $32, {dst}
	DECQ    CX
	JMP     {lab}

{lab}last:
	VMASKMOVPS (SI), Y14, Y9
	VMASKMOVPS Y9, Y14, ({dst})
'''


def conv3tap(ki, kj, w, acc, m, disp):
    # acc += w·(tap ki, kj of the chunk at SI + disp); kj = 0, 2 only
    # where m keeps them. Y15 is the scratch.
    a = f'{4*kj + disp}' + ['(SI)', '(SI)(DX*1)', '(SI)(R9*1)'][ki]
    if kj == 1:
        return [f'\tVFMADD231PS {a}, {w}, {acc}']
    return [f'\tVMOVUPS     {a}, Y15',
            f'\tVFMADD213PS {acc}, {w}, Y15',
            f'\tVBLENDVPS   {m}, Y15, {acc}, {acc}']


B(f'''// func conv3x3AVX2(out *float32, x *float32, planes int, w *float32, stage *float32, masks *uint16, width int, n int)
// For each of planes consecutive planes of n = h·w floats (at x and out,
// n apart; weights w, 9 apart): copy the plane into the staging buffer,
// then out[8c:8c+8] for each chunk c, taps summed in order t = 3·ki + kj
// with fused multiply-adds from zero (the last chunk's store, and copy,
// under the tail mask). A segment's two chunks go together, two
// independent chains of nine FMAs (the upper one of a last segment with
// one chunk is computed, inside the staging buffer, and not stored).
//
//	DI out   SI stage at the segment   CX chunks left   R8 masks at the
//	segment   DX w·4   R9 2·w·4   Y0..Y8 weights   Y9, Y10 sums
//	Y11, Y12 and Y13, Y14 their blend masks   AX tail mask address
//	R10 planes left   R11 x   R12 out plane   R13 n·4   BX w   R14 stage
//	R15 laneBits
TEXT ·conv3x3AVX2(SB), NOSPLIT, $0-64
	MOVQ out+0(FP), R12
	MOVQ x+8(FP), R11
	MOVQ planes+16(FP), R10
	MOVQ w+24(FP), BX
	MOVQ stage+32(FP), R14
	MOVQ width+48(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*1), R9
{tailsetup()}
	LEAQ (AX)(CX*4), AX
	LEAQ laneBits<>(SB), R15

cplane:
	VMOVDQU (AX), Y14
{copyplane('ccopy', 'DI')}''')
for t in range(9):
    B(f'\tVBROADCASTSS {4*t}(BX), Y{t}')
B('''	MOVQ R12, DI
	MOVQ R14, SI
	MOVQ masks+40(FP), R8
	MOVQ n+56(FP), CX
	ADDQ $7, CX
	SHRQ $3, CX

cseg:''')
for m, bits in (('Y11', 0), ('Y13', 64)):
    n2 = f'Y{int(m[1:]) + 1}'
    B(f'\tVPBROADCASTD (R8), {m}')
    B(f'\tVPAND        {bits+32}(R15), {m}, {n2}')
    B(f'\tVPAND        {bits}(R15), {m}, {m}')
    B(f'\tVPCMPEQD     {bits}(R15), {m}, {m}')
    B(f'\tVPCMPEQD     {bits+32}(R15), {n2}, {n2}')
B('\tVXORPS       Y9, Y9, Y9')
B('\tVXORPS       Y10, Y10, Y10')
for t in range(9):
    ki, kj = t // 3, t % 3
    B('\n'.join(conv3tap(ki, kj, f'Y{t}', 'Y9', 'Y11' if kj == 0 else 'Y12', 0)))
    B('\n'.join(conv3tap(ki, kj, f'Y{t}', 'Y10', 'Y13' if kj == 0 else 'Y14', 32)))
B('''	CMPQ    CX, $1
	JEQ     clastlo
	VMOVUPS Y9, (DI)
	CMPQ    CX, $2
	JEQ     clasthi
	VMOVUPS Y10, 32(DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	ADDQ    $4, R8
	SUBQ    $2, CX
	JMP     cseg

clastlo:
	VMOVDQU    (AX), Y15
	VMASKMOVPS Y9, Y15, (DI)
	JMP        cnext

clasthi:
	VMOVDQU    (AX), Y15
	VMASKMOVPS Y10, Y15, 32(DI)

cnext:
	ADDQ R13, R12
	ADDQ R13, R11
	ADDQ $36, BX
	DECQ R10
	JNZ  cplane
	VZEROUPPER
	RET
''')

B(f'''// func dot3x3AVX2(lanes *float32, gs *float32, x *float32, planes int, stage *float32, masks *uint16, width int, n int)
// For each of planes consecutive planes (x and g n apart, lanes 144
// apart): copy the x plane into the staging buffer, then lanes[16t+l] +=
// Σ g[q]·(tap t of q) over the plane's positions q ≡ l (mod 16), in
// order. Eighteen sums do not fit in 16 registers: the lower lanes
// (chunks 0, 2, 4, …) and the upper ones (chunks 1, 3, …) go in two
// passes, each with its nine sums in Y0..Y8. The last chunk's g (and copy)
// is loaded under the tail mask.
//
//	DI lanes   BX g at the chunk   CX chunks left in the pass   SI stage
//	at the chunk   R8 masks at the segment   DX w·4   R9 2·w·4   Y9 g
//	Y11, Y12 blend masks   Y14 tail mask   R10 planes left   R11 x
//	R12 g plane   R13 n·4   R14 stage   R15 laneBits of the pass's half
//	AX g's last chunk
TEXT ·dot3x3AVX2(SB), NOSPLIT, $0-64
	MOVQ lanes+0(FP), DI
	MOVQ gs+8(FP), R12
	MOVQ x+16(FP), R11
	MOVQ planes+24(FP), R10
	MOVQ stage+32(FP), R14
	MOVQ width+48(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*1), R9
{tailsetup()}

dplane:
{copyplane('dcopy', 'BX')}
	MOVQ n+56(FP), AX
	DECQ AX
	SHRQ $3, AX
	SHLQ $5, AX
	ADDQ R12, AX''')
for half in range(2):
    if half == 0:
        B('''	LEAQ laneBits<>(SB), R15
	MOVQ R12, BX
	MOVQ R14, SI
	MOVQ masks+40(FP), R8
	MOVQ n+56(FP), CX
	ADDQ $15, CX
	SHRQ $4, CX''')
    else:
        B('''	LEAQ laneBits<>+64(SB), R15
	LEAQ 32(R12), BX
	LEAQ 32(R14), SI
	MOVQ masks+40(FP), R8
	MOVQ n+56(FP), CX
	ADDQ $7, CX
	SHRQ $4, CX
	JZ   dnext''')
    for t in range(9):
        B(f'\tVMOVUPS {64*t + 32*half}(DI), Y{t}')
    B(f'''
d{half}loop:
	// Plain loads but for the last chunk (masked loads do not train the
	// hardware prefetcher).
	CMPQ       BX, AX
	JEQ        d{half}last
	VMOVUPS    (BX), Y9
	JMP        d{half}chunk

d{half}last:
	VMASKMOVPS (BX), Y14, Y9

d{half}chunk:''')
    B('\n'.join(blendmasks(0)))
    for t in range(9):
        B('\n'.join(tap3(t // 3, t % 3, 'Y9', f'Y{t}')))
    B(f'''	ADDQ $64, BX
	ADDQ $64, SI
	ADDQ $4, R8
	DECQ CX
	JNZ  d{half}loop''')
    for t in range(9):
        B(f'\tVMOVUPS Y{t}, {64*t + 32*half}(DI)')
B('''
dnext:
	ADDQ $576, DI
	ADDQ R13, R12
	ADDQ R13, R11
	DECQ R10
	JNZ  dplane
	VZEROUPPER
	RET''')
write('depthwise_planar_avx2_amd64.s', b)

# ---------------- planar 3x3 stride-2 (AVX2) ----------------
c = []
C = c.append
C('''//go:build !purego

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
DATA lanes17<>+0(SB)/4, $0''')
for i in range(1, 8):
    C(f'DATA lanes17<>+{4*i}(SB)/4, $0xffffffff')
C('GLOBL lanes17<>(SB), RODATA|NOPTR, $32')
C('''
// allLanes<> keeps every lane: −4(p) of a second half is column 15.''')
for i in range(8):
    C(f'DATA allLanes<>+{4*i}(SB)/4, $0xffffffff')
C('GLOBL allLanes<>(SB), RODATA|NOPTR, $32')
C('')


def s2row(reg, mask, k0, e, o, tmp=None):
    # The three tap vectors of the input row half at reg: kj = 0 in k0
    # (mask: a register with the −4(reg) load mask, or an address to load
    # it from into k0), kj = 1 in e, kj = 2 in o (through e's register).
    s = []
    if mask.startswith('Y'):
        s.append(f'\tVMASKMOVPS -4({reg}), {mask}, {k0}')
    else:
        s.append(f'\tVMOVDQU    ({mask}), {k0}')
        s.append(f'\tVMASKMOVPS -4({reg}), {k0}, {k0}')
    s.append(f'\tVSHUFPS    $0x88, 28({reg}), {k0}, {k0}')
    s.append(f'\tVMOVUPS    ({reg}), {tmp}')
    s.append(f'\tVSHUFPS    $0x88, 32({reg}), {tmp}, {e}')
    s.append(f'\tVSHUFPS    $0xdd, 32({reg}), {tmp}, {o}')
    return s


def nextrow(lab):
    # R8: input row 2oy+1 (R13 + DX), or zeros past the plane's end (R14).
    return [f'\tLEAQ    (R13)(DX*1), R8',
            f'\tLEAQ    zeros<>+16(SB), AX',
            f'\tCMPQ    R8, R14',
            f'\tCMOVQCC AX, R8']


C('''// func convS2AVX2(out *float32, x *float32, planes int, w *float32, args *s2args)
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

cplane:''')
for t in range(9):
    C(f'\tVBROADCASTSS {4*t}(BX), Y{t}')
C('''	MOVQ R12, DI
	MOVQ R11, R13
	MOVQ R11, R14
	ADDQ 728(R15), R14
	LEAQ lanes17<>(SB), R9

chalf:
	LEAQ zeros<>+16(SB), SI
	MOVQ 592(R15), CX

crow:''')
C('\n'.join(nextrow('c')))
for ki, reg in enumerate(['SI', 'R13', 'R8']):
    C(f'\tVXORPS     Y{9+ki}, Y{9+ki}, Y{9+ki}')
for ki, reg in enumerate(['SI', 'R13', 'R8']):
    C('\n'.join(s2row(reg, 'R9', 'Y15', 'Y13', 'Y14', 'Y12')))
    for kj, v in enumerate(['Y15', 'Y13', 'Y14']):
        C(f'\tVFMADD231PS {v}, Y{3*ki+kj}, Y{9+ki}')
C('''	VADDPS  Y10, Y9, Y9
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
''')


def dots2pass(lab):
    C(f'''{lab}:''')
    C('\n'.join(nextrow(lab)))
    C('\tVPERMPD    $0xd8, (BX), Y9')
    for ki, reg in enumerate(['SI', 'R13', 'R8']):
        C('\n'.join(s2row(reg, 'Y15', 'Y10', 'Y12', 'Y13', 'Y11')))
        for kj, v in enumerate(['Y10', 'Y12', 'Y13']):
            C(f'\tVFMADD231PS {v}, Y9, Y{3*ki+kj}')
    C(f'''	ADDQ $64, BX
	ADDQ $256, R13
	MOVQ R13, SI
	SUBQ DX, SI
	DECQ CX
	JNZ  {lab}''')


C('''// func dotS2AVX2(lanes *float32, gs *float32, x *float32, planes int, args *s2args)
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

d0sums:''')
for t in range(9):
    C(f'\tVPERMPD $0xd8, {64*t}(DI), Y{t}')
dots2pass('d0loop')
for t in range(9):
    C(f'\tVPERMPD $0xd8, Y{t}, Y{t}')
    C(f'\tVMOVUPS Y{t}, {64*t}(DI)')
C('''
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

d1sums:''')
for t in range(9):
    C(f'\tVPERMPD $0xd8, {64*t + 32}(DI), Y{t}')
dots2pass('d1loop')
for t in range(9):
    C(f'\tVPERMPD $0xd8, Y{t}, Y{t}')
    C(f'\tVMOVUPS Y{t}, {64*t + 32}(DI)')
C('''
dnext:
	ADDQ $576, DI
	ADDQ 736(R15), R12
	ADDQ 728(R15), R11
	DECQ R10
	JNZ  dplane
	VZEROUPPER
	RET
''')


def ts2chunk(cc, last):
    # gx[2u, 8c:8c+8] in Y9 and gx[2u+1, 8c:8c+8] in Y10 from gy rows u
    # (SI) and u+1 (R8) at columns 4c…4c+4, in Go's tap order: row 2u+1
    # takes the taps of row u+1 (t = 0, 1, 2) before those of row u.
    s = []
    for src, first in (('R8', True), ('SI', False)):
        s.append(f'\tVPMOVZXDQ {16*cc}({src}), Y11')
        s.append(f'\tVPSLLQ    $32, Y11, Y12')
        if last:
            s.append(f'\tVMOVUPS   {16*cc}({src}), X13')
            s.append(f'\tVPSRLDQ   $4, X13, X13')
            s.append(f'\tVPMOVZXDQ X13, Y13')
        else:
            s.append(f'\tVPMOVZXDQ {16*cc+4}({src}), Y13')
        s.append(f'\tVPSLLQ    $32, Y13, Y13')
        if first:
            s.append('\tVXORPS      Y10, Y10, Y10')
            s.append('\tVFMADD231PS Y13, Y0, Y10')
            s.append('\tVFMADD231PS Y11, Y1, Y10')
            s.append('\tVFMADD231PS Y12, Y2, Y10')
        else:
            s.append('\tVXORPS      Y9, Y9, Y9')
            s.append('\tVFMADD231PS Y13, Y3, Y9')
            s.append('\tVFMADD231PS Y11, Y4, Y9')
            s.append('\tVFMADD231PS Y12, Y5, Y9')
            s.append('\tVFMADD231PS Y13, Y6, Y10')
            s.append('\tVFMADD231PS Y11, Y7, Y10')
            s.append('\tVFMADD231PS Y12, Y8, Y10')
    # R14 is DI where row 2u+1 does not exist: Y9 then overwrites Y10.
    s.append(f'\tVMOVUPS     Y10, {32*cc}(R14)')
    s.append(f'\tVMOVUPS     Y9, {32*cc}(DI)')
    return s


C('''// func convTS2AVX2(gx *float32, gs *float32, planes int, w *float32, args *s2args)
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

tplane:''')
for t in range(9):
    C(f'\tVBROADCASTSS {4*t}(BX), Y{t}')
C('''	MOVQ R12, DI
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
	JEQ     t32''')
for w_, lab in ((16, 't16'), (32, 't32')):
    if w_ == 32:
        C(f'\n{lab}:')
    nch = w_ // 8
    for cc in range(nch):
        C('\n'.join(ts2chunk(cc, cc == nch - 1)))
    if w_ == 16:
        C('\tJMP         tnext')
C('''
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
	RET''')
write('depthwise_s2_avx2_amd64.s', c)
