package ptx

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Division, remainder, int↔float conversion, signed compare/min/max, u32
// select and u32 loads and stores.
//
// There is no separate signed register type: a U32 register holds 32 bits,
// and the ...S32 methods read them as two's complement (div.s32, min.s32,
// setp.lt.s32, ...), the way PTX's .b32 registers serve both.
//
// Where PTX leaves a result unspecified the interpreter fails the launch
// instead of inventing a value:
//   - div and rem by zero ("an unspecified, machine-specific value");
//   - div.s32 and rem.s32 of -2³¹ by -1, whose quotient 2³¹ does not fit.
//
// div.s32 truncates toward zero and rem.s32 takes the dividend's sign: the
// ISA calls the sign of rem for negative operands machine-dependent, but
// CUDA C++ lowers its int / and % (which C++ defines as truncating) to
// exactly these instructions, so every target implements truncation.
//
// div.rn.f32 is IEEE division rounded to nearest even with subnormals kept
// (no .ftz). cvt.rn.f32.{u32,s32} round to nearest even. cvt.rzi.{u32,s32}.f32
// truncate toward zero and saturate, as PTX specifies for every
// float-to-integer cvt: values beyond the range clamp to its ends and NaN
// becomes 0.

// DivU32 is ⌊x/y⌋ (div.u32). The interpreter rejects y = 0.
func (b *Builder) DivU32(x, y U32) U32 { return b.intOp(opDiv, false, x, y) }

// RemU32 is x mod y (rem.u32). The interpreter rejects y = 0.
func (b *Builder) RemU32(x, y U32) U32 { return b.intOp(opRem, false, x, y) }

// DivS32 is x/y truncated toward zero, x and y read as s32 (div.s32). The
// interpreter rejects y = 0 and -2³¹/-1.
func (b *Builder) DivS32(x, y U32) U32 { return b.intOp(opDiv, true, x, y) }

// RemS32 is x - y*DivS32(x, y), with the sign of x (rem.s32). The
// interpreter rejects y = 0 and -2³¹ rem -1.
func (b *Builder) RemS32(x, y U32) U32 { return b.intOp(opRem, true, x, y) }

// MaxU32 is the larger of x and y as unsigned integers (max.u32).
func (b *Builder) MaxU32(x, y U32) U32 { return b.intOp(opMax, false, x, y) }

// MinS32 is the smaller of x and y read as s32 (min.s32).
func (b *Builder) MinS32(x, y U32) U32 { return b.intOp(opMin, true, x, y) }

// MaxS32 is the larger of x and y read as s32 (max.s32).
func (b *Builder) MaxS32(x, y U32) U32 { return b.intOp(opMax, true, x, y) }

func (b *Builder) intOp(op opcode, sgn bool, x, y U32) U32 {
	d := b.NewU32()
	b.emit(instr{op: op, t: tU32, sgn: sgn, dst: d.o, src: [3]operand{x.o, y.o}})
	return d
}

// SetpS32 compares x and y read as s32 (setp.cc.s32).
func (b *Builder) SetpS32(c Cmp, x, y U32) Pred {
	d := b.NewPred()
	b.emit(instr{op: opSetp, t: tU32, sgn: true, cmp: c, dst: d.o, src: [3]operand{x.o, y.o}})
	return d
}

// SelpU32 is x if p holds, else y (selp.u32).
func (b *Builder) SelpU32(p Pred, x, y U32) U32 {
	mustReg(p.o, "selp predicate")
	d := b.NewU32()
	b.op3(opSelp, tU32, d.o, x.o, y.o, p.o)
	return d
}

// DivF32 is x/y rounded to nearest even (div.rn.f32): IEEE 754 division,
// subnormals kept, x/±0 = ±Inf, 0/0 and Inf/Inf NaN.
func (b *Builder) DivF32(x, y F32) F32 {
	d := b.NewF32()
	b.op3(opDiv, tF32, d.o, x.o, y.o, operand{})
	return d
}

// CvtF32U32 is x rounded to the nearest float32, ties to even
// (cvt.rn.f32.u32).
func (b *Builder) CvtF32U32(x U32) F32 { return b.cvtF32(x, false) }

// CvtF32S32 is x read as s32, rounded to the nearest float32, ties to even
// (cvt.rn.f32.s32).
func (b *Builder) CvtF32S32(x U32) F32 { return b.cvtF32(x, true) }

func (b *Builder) cvtF32(x U32, sgn bool) F32 {
	d := b.NewF32()
	b.emit(instr{op: opCvtF32Int, t: tF32, sgn: sgn, dst: d.o, src: [3]operand{x.o}})
	return d
}

// CvtRziU32F32 truncates x toward zero to a u32, clamping to [0, 2³²-1];
// NaN gives 0 (cvt.rzi.u32.f32).
func (b *Builder) CvtRziU32F32(x F32) U32 { return b.cvtInt(x, false) }

// CvtRziS32F32 truncates x toward zero to an s32, clamping to
// [-2³¹, 2³¹-1]; NaN gives 0 (cvt.rzi.s32.f32).
func (b *Builder) CvtRziS32F32(x F32) U32 { return b.cvtInt(x, true) }

func (b *Builder) cvtInt(x F32, sgn bool) U32 {
	d := b.NewU32()
	b.emit(instr{op: opCvtIntF32, t: tU32, sgn: sgn, dst: d.o, src: [3]operand{x.o}})
	return d
}

// LdGlobalU32To loads the u32 at addr+off (bytes) into dst.
func (b *Builder) LdGlobalU32To(dst U32, addr U64, off int32) {
	mustReg(dst.o, "destination")
	b.emit(instr{op: opLd, t: tU32, space: global, dst: dst.o, src: [3]operand{addr.o}, off: off})
}

// LdGlobalU32 loads the u32 at addr+off (bytes).
func (b *Builder) LdGlobalU32(addr U64, off int32) U32 {
	d := b.NewU32()
	b.LdGlobalU32To(d, addr, off)
	return d
}

// StGlobalU32 stores v at addr+off (bytes).
func (b *Builder) StGlobalU32(addr U64, off int32, v U32) {
	b.emit(instr{op: opSt, t: tU32, space: global, src: [3]operand{addr.o, v.o}, off: off})
}

// LdSharedU32 loads the shared u32 at addr+off (bytes).
func (b *Builder) LdSharedU32(addr U32, off int32) U32 {
	d := b.NewU32()
	b.emit(instr{op: opLd, t: tU32, space: shared, dst: d.o, src: [3]operand{addr.o}, off: off})
	return d
}

// StSharedU32 stores v at shared addr+off (bytes).
func (b *Builder) StSharedU32(addr U32, off int32, v U32) {
	b.emit(instr{op: opSt, t: tU32, space: shared, src: [3]operand{addr.o, v.o}, off: off})
}

// isExt says whether intops.go renders and interprets in: the opcodes it
// added, and the signed forms of min, max and setp.
func isExt(in *instr) bool { return (in.op >= opDiv && in.op <= opCvtIntF32) || in.sgn }

func intSuffix(sgn bool) string {
	if sgn {
		return "s32"
	}
	return "u32"
}

// extMnemonic is in's opcode with its modifiers and types.
func extMnemonic(in *instr) string {
	it := intSuffix(in.sgn)
	switch in.op {
	case opDiv:
		if in.t == tF32 {
			return "div.rn.f32"
		}
		return "div." + it
	case opRem:
		return "rem." + it
	case opMin:
		return "min." + it
	case opMax:
		return "max." + it
	case opSetp:
		return "setp." + in.cmp.String() + "." + it
	case opCvtF32Int:
		return "cvt.rn.f32." + it
	case opCvtIntF32:
		return "cvt.rzi." + it + ".f32"
	}
	panic(fmt.Sprintf("ptx: no extended form of opcode %d", in.op))
}

func (k *Kernel) emitExt(w *strings.Builder, in instr) {
	ops := []string{k.opnd(in.dst)}
	for _, s := range in.src {
		if s.kind == oNone {
			break
		}
		str := k.opnd(s)
		// A signed instruction's immediate is written as the s32 value it
		// stands for (-1, not 4294967295), so the text reads as it runs.
		if in.sgn && s.kind == oImm && s.t == tU32 {
			str = fmt.Sprint(int32(uint32(s.imm)))
		}
		ops = append(ops, str)
	}
	fmt.Fprintf(w, "\t%s %s;\n", extMnemonic(&in), strings.Join(ops, ", "))
}

var (
	errDivZero     = errors.New("integer division by zero: PTX leaves the result unspecified")
	errDivOverflow = errors.New("s32 division of -2147483648 by -1 overflows: PTX leaves the result unspecified")
)

// divRem evaluates div and rem, refusing the operands whose result PTX
// does not define.
func (l *launch) divRem(th *thread, in *instr) (uint64, error) {
	a, b := l.val(th, &in.src[0]), l.val(th, &in.src[1])
	if in.t == tF32 {
		return bitsF(div32(f32(a), f32(b))), nil
	}
	if uint32(b) == 0 {
		return 0, errDivZero
	}
	if in.sgn {
		x, y := int32(uint32(a)), int32(uint32(b))
		if x == math.MinInt32 && y == -1 {
			return 0, errDivOverflow
		}
		if in.op == opDiv {
			return uint64(uint32(x / y)), nil // Go's / truncates toward zero
		}
		return uint64(uint32(x % y)), nil
	}
	x, y := uint32(a), uint32(b)
	if in.op == opDiv {
		return uint64(x / y), nil
	}
	return uint64(x % y), nil
}

// aluExt evaluates the register-to-register instructions isExt selects,
// other than div and rem.
func (l *launch) aluExt(th *thread, in *instr) uint64 {
	a := l.val(th, &in.src[0])
	switch in.op {
	case opCvtF32Int:
		if in.sgn {
			return bitsF(cvtF32S32(int32(uint32(a))))
		}
		return bitsF(cvtF32U32(uint32(a)))
	case opCvtIntF32:
		if in.sgn {
			return uint64(uint32(cvtRziS32(f32(a))))
		}
		return uint64(cvtRziU32(f32(a)))
	}
	x, y := int32(uint32(a)), int32(uint32(l.val(th, &in.src[1])))
	switch in.op {
	case opMin:
		return uint64(uint32(min(x, y)))
	case opMax:
		return uint64(uint32(max(x, y)))
	case opSetp:
		// Offsetting both by 2³¹ maps signed order onto unsigned order.
		if compare(in.cmp, tU32, uint64(uint32(x)^(1<<31)), uint64(uint32(y)^(1<<31))) {
			return 1
		}
		return 0
	}
	panic(fmt.Sprintf("ptx: no rule for %s", extMnemonic(in)))
}

// div32 is div.rn.f32: Go's float32 division is IEEE's, correctly rounded
// to nearest even, with subnormals.
func div32(x, y float32) float32 { return float32(x / y) }

// cvtF32U32 and cvtF32S32 are cvt.rn.f32.{u32,s32}: the float64 holds
// any 32-bit integer exactly, so the one rounding is float64→float32, to
// nearest even.
func cvtF32U32(x uint32) float32 { return float32(float64(x)) }
func cvtF32S32(x int32) float32  { return float32(float64(x)) }

// cvtRziU32 and cvtRziS32 are cvt.rzi.{u32,s32}.f32: truncate, then clamp
// to the destination's range; NaN gives 0. Go's own float-to-int
// conversion is implementation-defined out of range, so the clamp comes
// first.
func cvtRziU32(x float32) uint32 {
	t := math.Trunc(float64(x))
	switch {
	case t != t, t <= 0:
		return 0
	case t >= 1<<32:
		return math.MaxUint32
	}
	return uint32(t)
}

func cvtRziS32(x float32) int32 {
	t := math.Trunc(float64(x))
	switch {
	case t != t:
		return 0
	case t <= math.MinInt32:
		return math.MinInt32
	case t >= 1<<31:
		return math.MaxInt32
	}
	return int32(t)
}
