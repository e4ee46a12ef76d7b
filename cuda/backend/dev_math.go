package backend

import (
	"math"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// Transcendental functions in software, from the instructions the ptx
// builder has (fma, div.rn, cvt, selp): the builder has no ex2, lg2 or
// sqrt, and adding them needs the interpreter's and the emitter's
// dispatch (intops.go, exec.go) to learn new opcodes. Each is a range
// reduction by exact powers of two, a short polynomial, and special
// values selected at the end; they are within a few float32 ulp of the
// correctly rounded result (the host rounds float64 math.Exp, math.Log,
// math.Sqrt), results that underflow into subnormals within a few
// 2⁻¹⁴⁹. The same instructions run on a GPU, so the interpreter and the
// hardware agree bit for bit (no approximate instructions are involved).

var (
	infF32  = float32(math.Inf(1))
	nanF32  = float32(math.NaN())
	ln2Hi   = math.Float32frombits(0x3f317200) // ln 2 to 15 bits: n·ln2Hi is exact for |n| < 2⁸
	ln2Lo   = float32(math.Ln2 - float64(math.Float32frombits(0x3f317200)))
	log2e   = float32(math.Log2E)
	sqrt2   = float32(math.Sqrt2)
	scaleKs = []float32{64, 64, 32, 16, 8, 4, 2, 1}
)

func fimm(v float32) ptx.F32 { return ptx.ImmF32(v) }

// absF32 is |x| for ordered values (a NaN keeps its sign; callers that
// need the host's bitwise |NaN| clear the sign bit instead).
func absF32(b *ptx.Builder, x ptx.F32) ptx.F32 {
	return b.SelpF32(b.SetpF32(ptx.LT, x, fimm(0)), b.MulF32(x, fimm(-1)), x)
}

// scale2 is y·2ⁿ for integer-valued n in [-190, 190], as a product of
// exact powers of two (big steps first, so only the last few can round,
// and only in the subnormal range).
func scale2(b *ptx.Builder, y, n ptx.F32) ptx.F32 {
	acc, rem := b.MovF32(y), b.MovF32(n)
	for _, k := range scaleKs {
		p := b.SetpF32(ptx.GE, rem, fimm(k))
		b.MovF32To(acc, b.SelpF32(p, b.MulF32(acc, fimm(float32(math.Ldexp(1, int(k))))), acc))
		b.MovF32To(rem, b.SelpF32(p, b.SubF32(rem, fimm(k)), rem))
	}
	for _, k := range scaleKs {
		p := b.SetpF32(ptx.LE, rem, fimm(-k))
		b.MovF32To(acc, b.SelpF32(p, b.MulF32(acc, fimm(float32(math.Ldexp(1, -int(k))))), acc))
		b.MovF32To(rem, b.SelpF32(p, b.AddF32(rem, fimm(k)), rem))
	}
	return acc
}

// frexp splits a positive finite x into m·2ᵉ with m in [1, 2) (e an
// integer-valued f32), by a greedy binary search over exact powers of
// two: down by 2⁶⁴…2¹ while m ≥ 2, up by 2¹⁰⁰, 2⁶⁴…2¹ while m < 1
// (subnormals down to 2⁻¹⁴⁹ included).
func frexp(b *ptx.Builder, x ptx.F32) (m, e ptx.F32) {
	m, e = b.MovF32(x), b.MovF32(fimm(0))
	for _, k := range []float32{64, 32, 16, 8, 4, 2, 1} {
		t := b.MulF32(m, fimm(float32(math.Ldexp(1, -int(k)))))
		p := b.SetpF32(ptx.GE, t, fimm(1))
		b.MovF32To(m, b.SelpF32(p, t, m))
		b.MovF32To(e, b.SelpF32(p, b.AddF32(e, fimm(k)), e))
	}
	for _, k := range []float32{100, 64, 32, 16, 8, 4, 2, 1} {
		t := b.MulF32(m, fimm(float32(math.Ldexp(1, int(k)))))
		p := b.SetpF32(ptx.LT, t, fimm(2))
		b.MovF32To(m, b.SelpF32(p, t, m))
		b.MovF32To(e, b.SelpF32(p, b.SubF32(e, fimm(k)), e))
	}
	return m, e
}

// horner is c[0] + x·(c[1] + x·(… c[len-1])) with fma.
func horner(b *ptx.Builder, x ptx.F32, c ...float32) ptx.F32 {
	acc := b.MovF32(fimm(c[len(c)-1]))
	for i := len(c) - 2; i >= 0; i-- {
		b.MovF32To(acc, b.FmaF32(acc, x, fimm(c[i])))
	}
	return acc
}

// expF32 is eˣ: n = round(x·log₂e), r = x − n·ln 2 (two fma, |r| ≤ ln2/2),
// eʳ by its degree-7 Taylor polynomial (truncation < 6e-9 relative), times
// 2ⁿ. x is first clamped to [-104, 89], where the result is 0 and +Inf
// already; a NaN passes through every step.
func expF32(b *ptx.Builder, x ptx.F32) ptx.F32 {
	xc := b.SelpF32(b.SetpF32(ptx.GT, x, fimm(89)), fimm(89), x)
	xc = b.SelpF32(b.SetpF32(ptx.LT, xc, fimm(-104)), fimm(-104), xc)
	t := b.MulF32(xc, fimm(log2e))
	h := b.SelpF32(b.SetpF32(ptx.GE, t, fimm(0)), fimm(0.5), fimm(-0.5))
	n := b.CvtF32S32(b.CvtRziS32F32(b.AddF32(t, h)))
	r := b.FmaF32(n, fimm(-ln2Hi), xc)
	r = b.FmaF32(n, fimm(-ln2Lo), r)
	p := horner(b, r, 1, 1, 1.0/2, 1.0/6, 1.0/24, 1.0/120, 1.0/720, 1.0/5040)
	return scale2(b, p, n)
}

// logF32 is ln x: x = m·2ᵉ with m in [√½, √2), ln m = 2·atanh(s) for
// s = (m−1)/(m+1) (|s| < 0.172, odd series to s¹¹), plus e·ln 2 in two
// parts. Specials as math.Log: ln(±0) = −Inf, ln(x<0) = NaN, ln(+Inf) =
// +Inf, NaN stays.
func logF32(b *ptx.Builder, x ptx.F32) ptx.F32 {
	m, e := frexp(b, x)
	big := b.SetpF32(ptx.GT, m, fimm(sqrt2))
	m = b.SelpF32(big, b.MulF32(m, fimm(0.5)), m)
	e = b.SelpF32(big, b.AddF32(e, fimm(1)), e)
	f := b.SubF32(m, fimm(1)) // exact (Sterbenz)
	s := b.DivF32(f, b.AddF32(f, fimm(2)))
	z := b.MulF32(s, s)
	p := horner(b, z, 2, 2.0/3, 2.0/5, 2.0/7, 2.0/9, 2.0/11)
	lm := b.MulF32(s, p)
	res := b.FmaF32(e, fimm(ln2Hi), b.FmaF32(e, fimm(ln2Lo), lm))
	valid := b.AndPred(b.SetpF32(ptx.GT, x, fimm(0)), b.SetpF32(ptx.LT, x, fimm(infF32)))
	special := b.SelpF32(b.SetpF32(ptx.LT, x, fimm(0)), fimm(nanF32), x)
	special = b.SelpF32(b.SetpF32(ptx.EQ, x, fimm(0)), fimm(-infF32), special)
	return b.SelpF32(valid, res, special)
}

// sqrtF32 is √x correctly rounded: x = m·2ᵉ with e even and m in [1, 4),
// √m by four Newton steps from the chord (2+m)/3 (6% off at worst;
// quadratic convergence leaves float32 rounding) and a residual
// correction, times 2^(e/2) (exact: the result is normal). √±0 = ±0, √+Inf = +Inf,
// negative x and NaN give NaN.
func sqrtF32(b *ptx.Builder, x ptx.F32) ptx.F32 {
	m, e := frexp(b, x)
	q := b.MulF32(e, fimm(0.5))
	odd := b.SetpF32(ptx.NE, q, b.CvtF32S32(b.CvtRziS32F32(q)))
	m = b.SelpF32(odd, b.MulF32(m, fimm(2)), m)
	e = b.SelpF32(odd, b.SubF32(e, fimm(1)), e)
	q = b.MulF32(e, fimm(0.5))
	y := b.FmaF32(m, fimm(1.0/3), fimm(2.0/3))
	for range 4 {
		y = b.MulF32(fimm(0.5), b.AddF32(y, b.DivF32(m, y)))
	}
	// Markstein's final step rounds correctly (as sqrt.rn and the host's
	// float32(math.Sqrt)): the fma residual m − y² is exact, and y + r/(2y)
	// with 1/(2y) correctly rounded lands on the nearest float32.
	for range 2 {
		r := b.FmaF32(b.MulF32(y, fimm(-1)), y, m)
		y = b.FmaF32(r, b.DivF32(fimm(0.5), y), y)
	}
	// The step assumes y's binade: √m for m in [1, 4) rounds into
	// [1, 2 − 2⁻²³] (√(4 − 2⁻²²) is nearer 2 − 2⁻²³ than 2), so clamp there.
	top := math.Float32frombits(0x3fffffff)
	y = b.SelpF32(b.SetpF32(ptx.GT, y, fimm(top)), fimm(top), y)
	y = b.SelpF32(b.SetpF32(ptx.LT, y, fimm(1)), fimm(1), y)
	res := scale2(b, y, q)
	valid := b.AndPred(b.SetpF32(ptx.GT, x, fimm(0)), b.SetpF32(ptx.LT, x, fimm(infF32)))
	special := b.SelpF32(b.SetpF32(ptx.LT, x, fimm(0)), fimm(nanF32), x)
	return b.SelpF32(valid, res, special)
}

// sigmoidF32 is 1/(1+e⁻ˣ).
func sigmoidF32(b *ptx.Builder, x ptx.F32) ptx.F32 {
	return b.DivF32(fimm(1), b.AddF32(fimm(1), expF32(b, b.MulF32(x, fimm(-1)))))
}

// tanhF32 is tanh x: its odd Taylor series to x⁹ where |x| < 0.3
// (truncation < 6e-8 relative; ±0 stays), else sign(x)·(1 − 2/(e^{2|x|}+1))
// (no cancellation worth a bit there, and ±1 once e^{2|x|} overflows).
func tanhF32(b *ptx.Builder, x ptx.F32) ptx.F32 {
	a := absF32(b, x)
	z := b.MulF32(x, x)
	small := b.FmaF32(b.MulF32(x, z), horner(b, z, -1.0/3, 2.0/15, -17.0/315, 62.0/2835), x)
	e := expF32(b, b.MulF32(a, fimm(2)))
	t := b.SubF32(fimm(1), b.DivF32(fimm(2), b.AddF32(e, fimm(1))))
	t = b.SelpF32(b.SetpF32(ptx.LT, x, fimm(0)), b.MulF32(t, fimm(-1)), t)
	return b.SelpF32(b.SetpF32(ptx.LT, a, fimm(0.3)), small, t)
}
