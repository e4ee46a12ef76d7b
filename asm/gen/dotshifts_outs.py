"""Generator of asm.DotShiftsLanesOuts's assembly.

Writes asm/dotshifts_outs_avx512_amd64.s and asm/dotshifts_outs_avx2_amd64.s:
one kernel per ISA whose unrolled plane × tap blocks (register allocation,
masks, plane addressing by 1×, 3× and 5× strides) are spelled out here once.
Run it from the repository root with any Python 3 and commit what it writes;
the Go build never runs it:

    python3 asm/gen/dotshifts_outs.py

(`python3 asm/gen/dotshifts_outs.py 512` or `... 2` prints one file.)
"""
import os
import sys

def plane_addr(base, p, off, regs):
    # regs: names of registers holding 1x, 3x, 5x the plane stride in bytes
    r1, r3, r5 = regs
    o = "" if off == 0 else str(off)
    return [f"{o}({base})", f"{o}({base})({r1}*1)", f"{o}({base})({r1}*2)",
            f"{o}({base})({r3}*1)", f"{o}({base})({r1}*4)", f"{o}({base})({r5}*1)"][p]

def avx512(out):
    V = [(6, 4), (5, 5), (4, 6), (3, 8), (2, 12)]
    w = out.append
    w("""//go:build !purego

#include "textflag.h"

// AVX-512 DotShiftsLanesOuts (dotshifts_outs.go): dotShiftsAVX512
// (shifts_avx512_amd64.s) for P gradient planes that read the same source.
// Each segment loads the P planes' g once (zero-masked at the last, partial
// segment, as dotShiftsAVX512 does) and, per tap, the tap's shifted source
// once (zero-masked by the tap's lanes: masked lanes are not read and cannot
// fault); every plane then adds g·src to its accumulator with an FMA that
// is merge-masked by the same lanes. An enabled lane gets exactly
// dotShiftsAVX512's single rounding of acc + g·src (same operands, same
// order), a disabled one keeps its value, so each plane's lanes have the
// bits of a DotShiftsLanes call on that plane.
//
// One call is one group of P planes (2..6) by T taps (1..T max, below):
// P·T accumulators (acc(p, t) in Z(t·P+p)) stay in registers for the whole
// plane and are added to lanes once. T max per P fills the 32 registers:
//
//	P  T max  accumulators  g        source
//	6  4      Z0..Z23       Z25..Z30 Z31
//	5  5      Z0..Z24       Z25..Z29 Z31
//	4  6      Z0..Z23       Z25..Z28 Z31
//	3  8      Z0..Z23       Z25..Z27 Z31
//	2  12     Z0..Z23       Z25..Z26 Z31
//
//	DI lanes   DX g of plane 0 at the segment   CX full segments left
//	SI src at the segment   BX deltas   R8 masks at the segment
//	R13 mask row bytes   R12 taps   R11 mask address
//	R9, R10, R14: 1, 3 and 5 plane strides in bytes (of lanes while
//	loading and storing, of g in the loop)   K1 g lanes   K2 tap lanes

// STRIDES loads a plane stride (in floats) from arg into R9 (bytes), R10
// (3×) and R14 (5×).
#define STRIDES(arg) \\
	MOVQ arg, R9; \\
	SHLQ $2, R9; \\
	LEAQ (R9)(R9*2), R10; \\
	LEAQ (R9)(R9*4), R14

// func dotShiftsOutsAVX512(lanes *float32, ldl int, gs *float32, ldg int, outs int, full int, src *float32, deltas *int, masks *uint16, stride int, taps, tail int)
// For p < outs (2..6) and t < taps (1..T max): lanes[p·ldl+16t+l] +=
// Σ g[p·ldg+q]·src[q+deltas[t]] over the enabled q ≡ l (mod 16); the last,
// partial segment's g is loaded with tail.
TEXT ·dotShiftsOutsAVX512(SB), NOSPLIT, $0-96
	MOVQ lanes+0(FP), DI
	MOVQ gs+16(FP), DX
	MOVQ full+40(FP), CX
	MOVQ src+48(FP), SI
	MOVQ deltas+56(FP), BX
	MOVQ masks+64(FP), R8
	MOVQ stride+72(FP), R13
	SHLQ $1, R13
	MOVQ taps+80(FP), R12
	MOVQ outs+32(FP), AX""")
    for P, T in V:
        w(f"\tCMPQ AX, ${P}\n\tJEQ  p{P}")
    w("\tJMP  done\n")
    regs = ("R9", "R10", "R14")
    for P, T in V:
        L = f"p{P}"
        acc = lambda p, t: f"Z{t*P+p}"
        gz = lambda p: f"Z{25+p}"
        w(f"\t// {P} planes, up to {T} taps.\n{L}:")
        w("\tSTRIDES(ldl+8(FP))")
        for t in range(T):
            for p in range(P):
                w(f"\tVMOVUPS {plane_addr('DI', p, 64*t, regs)}, {acc(p, t)}")
            if t < T-1:
                w(f"\tCMPQ    R12, ${t+1}\n\tJEQ     {L}loaded")
        w(f"\n{L}loaded:")
        w("\tSTRIDES(ldg+24(FP))\n\tMOVL $0xffff, AX\n\tKMOVW AX, K1\n")
        w(f"""{L}loop:
	TESTQ CX, CX
	JNZ   {L}seg
	MOVQ  tail+88(FP), AX
	TESTQ AX, AX
	JZ    {L}store
	KMOVW AX, K1
	MOVQ  $0, tail+88(FP)
	INCQ  CX

{L}seg:""")
        for p in range(P):
            w(f"\tVMOVUPS.Z {plane_addr('DX', p, 0, regs)}, K1, {gz(p)}")
        w("\tMOVQ      R8, R11")
        for t in range(T):
            w(f"\tMOVQ        {t*8}(BX), AX\n\tKMOVW       (R11), K2\n\tADDQ        R13, R11\n\tVMOVUPS.Z   (SI)(AX*4), K2, Z31")
            for p in range(P):
                w(f"\tVFMADD231PS Z31, {gz(p)}, K2, {acc(p, t)}")
            if t < T-1:
                w(f"\tCMPQ        R12, ${t+1}\n\tJEQ         {L}next")
        w(f"""
{L}next:
	ADDQ $64, DX
	ADDQ $64, SI
	ADDQ $2, R8
	DECQ CX
	JMP  {L}loop

{L}store:
	STRIDES(ldl+8(FP))""")
        for t in range(T):
            for p in range(P):
                w(f"\tVMOVUPS {acc(p, t)}, {plane_addr('DI', p, 64*t, regs)}")
            if t < T-1:
                w(f"\tCMPQ    R12, ${t+1}\n\tJEQ     done")
        w("\tJMP     done\n")
    w("done:\n\tVZEROUPPER\n\tRET")

def avx2(out):
    V = [(3, 3), (2, 5)]
    w = out.append
    w("""//go:build !purego

#include "textflag.h"

// AVX2 DotShiftsLanesOuts (dotshifts_outs.go): dotShiftsAVX2
// (shifts_avx2_amd64.s) for P gradient planes that read the same source,
// one 8-lane half of every segment per call. Per segment each plane's g
// half is loaded and negated once (under the tail mask at the last, partial
// segment); per tap, the tap's lane mask is built and the shifted source
// half is read under it once (VMASKMOVPS: masked lanes read +0 and cannot
// fault); then every plane does dotShiftsAVX2's acc -= (−g AND mask)·x.
// An enabled lane gets the single rounding of acc + g·x, a disabled one
// adds −(+0·+0) = −0 and keeps its value: each plane's lanes get the bits
// of a DotShiftsLanes call on that plane (lanes are independent, so doing
// the halves in two passes changes nothing).
//
// One call is one half of one group of P planes (2 or 3) by T taps:
// acc(p, t) in Y(t·P+p), −g of plane p in Y(P·Tmax+p):
//
//	P  T max  accumulators  −g
//	3  3      Y0..Y8        Y9..Y11
//	2  5      Y0..Y9        Y10, Y11
//
//	DI lanes (at the half)   DX g of plane 0 at the segment (half)
//	CX full segments left   SI src at the segment (half)   BX deltas
//	R8 masks at the segment   R13 mask row bytes   R12 taps
//	R11 mask address   R9 plane stride in bytes (of lanes while loading
//	and storing, of g in the loop)   R10 -0s
//	Y12 tap mask   Y13 source   Y14 scratch   Y15 the half's lane bits

// outsBits are the lane bits of a 16-lane mask: lanes 0..7, then 8..15.
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

// outsSign is eight -0s: XOR with them negates.""")
    for i in range(8):
        w(f"DATA outsSign<>+{4*i}(SB)/4, $0x80000000")
    w("""GLOBL outsSign<>(SB), RODATA|NOPTR, $32

// func dotShiftsOutsAVX2(lanes *float32, ldl int, gs *float32, ldg int, outs int, full int, src *float32, deltas *int, masks *uint16, stride int, taps, tail, half int)
// For p < outs (2 or 3), t < taps (1..T max) and the lanes l of half
// (0: 0..7, 1: 8..15): lanes[p·ldl+16t+l] += Σ g[p·ldg+q]·src[q+deltas[t]]
// over the enabled q ≡ l (mod 16); the last, partial segment's g is loaded
// under the bits of tail.
TEXT ·dotShiftsOutsAVX2(SB), NOSPLIT, $0-104
	MOVQ    half+96(FP), AX
	SHLQ    $5, AX
	MOVQ    lanes+0(FP), DI
	ADDQ    AX, DI
	MOVQ    gs+16(FP), DX
	ADDQ    AX, DX
	MOVQ    src+48(FP), SI
	ADDQ    AX, SI
	LEAQ    outsBits<>(SB), R10
	VMOVDQU (R10)(AX*1), Y15
	LEAQ    outsSign<>(SB), R10
	MOVQ    full+40(FP), CX
	MOVQ    deltas+56(FP), BX
	MOVQ    masks+64(FP), R8
	MOVQ    stride+72(FP), R13
	SHLQ    $1, R13
	MOVQ    taps+80(FP), R12
	MOVQ    ldl+8(FP), R9
	SHLQ    $2, R9
	MOVQ    outs+32(FP), AX""")
    for P, T in V:
        w(f"\tCMPQ    AX, ${P}\n\tJEQ     p{P}")
    w("\tJMP     done\n")
    for P, T in V:
        L = f"p{P}"
        acc = lambda p, t: f"Y{t*P+p}"
        gy = lambda p: f"Y{12-P+p}"
        w(f"\t// {P} planes, up to {T} taps.\n{L}:")
        for t in range(T):
            for p in range(P):
                w(f"\tVMOVUPS {plane_addr('DI', p, 64*t, ('R9', '', ''))}, {acc(p, t)}")
            if t < T-1:
                w(f"\tCMPQ    R12, ${t+1}\n\tJEQ     {L}loaded")
        w(f"\n{L}loaded:\n\tMOVQ ldg+24(FP), R9\n\tSHLQ $2, R9\n")
        w(f"""{L}loop:
	TESTQ CX, CX
	JZ    {L}tail""")
        for p in range(P):
            w(f"\tVMOVUPS {plane_addr('DX', p, 0, ('R9', '', ''))}, {gy(p)}\n\tVXORPS  (R10), {gy(p)}, {gy(p)}")
        w(f"""
{L}seg:
	MOVQ R8, R11""")
        for t in range(T):
            w(f"""	MOVQ         {t*8}(BX), AX
	VPBROADCASTW (R11), Y12
	ADDQ         R13, R11
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12
	VMASKMOVPS   (SI)(AX*4), Y12, Y13""")
            for p in range(P):
                w(f"\tVANDPS       {gy(p)}, Y12, Y14\n\tVFNMADD231PS Y13, Y14, {acc(p, t)}")
            if t < T-1:
                w(f"\tCMPQ         R12, ${t+1}\n\tJEQ          {L}next")
        w(f"""
{L}next:
	ADDQ  $64, DX
	ADDQ  $64, SI
	ADDQ  $2, R8
	DECQ  CX
	JNS   {L}loop

	// CX = -1: the partial segment is done too.
	JMP   {L}store

{L}tail:
	MOVQ         tail+88(FP), AX
	TESTQ        AX, AX
	JZ           {L}store
	MOVQ         AX, X12
	VPBROADCASTD X12, Y12
	VPAND        Y15, Y12, Y12
	VPCMPEQD     Y15, Y12, Y12""")
        for p in range(P):
            w(f"\tVMASKMOVPS   {plane_addr('DX', p, 0, ('R9', '', ''))}, Y12, {gy(p)}\n\tVXORPS       (R10), {gy(p)}, {gy(p)}")
        w(f"""	JMP          {L}seg

{L}store:
	MOVQ ldl+8(FP), R9
	SHLQ $2, R9""")
        for t in range(T):
            for p in range(P):
                w(f"\tVMOVUPS {acc(p, t)}, {plane_addr('DI', p, 64*t, ('R9', '', ''))}")
            if t < T-1:
                w(f"\tCMPQ    R12, ${t+1}\n\tJEQ     done")
        w("\tJMP     done\n")
    w("done:\n\tVZEROUPPER\n\tRET")

def render(isa):
    o = []
    (avx512 if isa == "512" else avx2)(o)
    return "\n".join(o) + "\n"


if len(sys.argv) > 1:
    sys.stdout.write(render(sys.argv[1]))
else:
    here = os.path.dirname(os.path.abspath(__file__))
    for isa, name in (("512", "dotshifts_outs_avx512_amd64.s"), ("2", "dotshifts_outs_avx2_amd64.s")):
        with open(os.path.join(here, "..", name), "w") as f:
            f.write(render(isa))
