package ptx

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// The kernels below apply one new instruction elementwise: out[i] = op(a[i],
// b[i]) over 32-bit words (u32 bits or f32 bits). They are also the kernels
// the ptxas test assembles.

type binOp func(b *Builder, x, y U32) U32

// wordKernel loads a[i] and b[i] as u32 or f32 (asFloat), applies f and
// stores the result.
func wordKernel(name string, asFloat bool, f func(b *Builder, x, y operand) operand) *Kernel {
	b := New(name)
	out, pa, pb := b.ParamPtr("out"), b.ParamPtr("a"), b.ParamPtr("b")
	n := b.ParamU32("n")
	i := b.MadU32(b.Ctaid(X), b.Ntid(X), b.Tid(X))
	b.If(b.SetpU32(LT, i, n), func() {
		var x, y operand
		if asFloat {
			x, y = b.LdGlobalF32(b.Index4(pa, i), 0).o, b.LdGlobalF32(b.Index4(pb, i), 0).o
		} else {
			x, y = b.LdGlobalU32(b.Index4(pa, i), 0).o, b.LdGlobalU32(b.Index4(pb, i), 0).o
		}
		r := f(b, x, y)
		switch r.t {
		case tF32:
			b.StGlobalF32(b.Index4(out, i), 0, F32{r})
		case tPred: // a predicate is stored as 1 or 0 through selp.u32
			b.StGlobalU32(b.Index4(out, i), 0, b.SelpU32(Pred{r}, ImmU32(1), ImmU32(0)))
		default:
			b.StGlobalU32(b.Index4(out, i), 0, U32{r})
		}
	})
	return b.Build()
}

func u32Kernel(name string, f binOp) *Kernel {
	return wordKernel(name, false, func(b *Builder, x, y operand) operand { return f(b, U32{x}, U32{y}).o })
}

// runWords runs k over len(xs) threads and returns out.
func runWords(k *Kernel, xs, ys []uint32) ([]uint32, error) {
	var m Memory
	n := len(xs)
	out, a, bb := m.Alloc(n), m.AllocU32(xs), m.AllocU32(ys)
	if err := k.Run(&m, D1(uint32((n+63)/64)), D1(64), out, a, bb, uint32(n)); err != nil {
		return nil, err
	}
	return m.ReadU32(out), nil
}

// pairs is every (x, y) of the cross product of vals, skipping where skip
// says so.
func pairs(vals []uint32, skip func(x, y uint32) bool) (xs, ys []uint32) {
	for _, x := range vals {
		for _, y := range vals {
			if !skip(x, y) {
				xs, ys = append(xs, x), append(ys, y)
			}
		}
	}
	return xs, ys
}

// edgeInts are the boundaries of both readings of 32 bits, and some
// random words.
func edgeInts() []uint32 {
	v := []uint32{0, 1, 2, 3, 7, 8, 0x7ffffffe, 0x7fffffff, 0x80000000, 0x80000001,
		0xfffffff9, 0xfffffffd, 0xfffffffe, 0xffffffff, 1 << 16, 1<<16 + 1}
	r := rand.New(rand.NewPCG(3, 4))
	for range 24 {
		v = append(v, r.Uint32(), r.Uint32()>>r.IntN(32))
	}
	return v
}

func checkWords(t *testing.T, what string, xs, ys, got []uint32, want func(x, y uint32) uint32) {
	t.Helper()
	for i := range xs {
		if w := want(xs[i], ys[i]); got[i] != w {
			t.Fatalf("%s(%#x, %#x) = %#x, want %#x", what, xs[i], ys[i], got[i], w)
		}
	}
}

var (
	divU32K = u32Kernel("div_u32", (*Builder).DivU32)
	remU32K = u32Kernel("rem_u32", (*Builder).RemU32)
	divS32K = u32Kernel("div_s32", (*Builder).DivS32)
	remS32K = u32Kernel("rem_s32", (*Builder).RemS32)
	maxU32K = u32Kernel("max_u32", (*Builder).MaxU32)
	minS32K = u32Kernel("min_s32", (*Builder).MinS32)
	maxS32K = u32Kernel("max_s32", (*Builder).MaxS32)
	divF32K = wordKernel("div_f32", true, func(b *Builder, x, y operand) operand {
		return b.DivF32(F32{x}, F32{y}).o
	})
)

func TestDivRemU32(t *testing.T) {
	xs, ys := pairs(edgeInts(), func(_, y uint32) bool { return y == 0 })
	got, err := runWords(divU32K, xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	// Reference in uint64, away from the implementation's uint32 operators.
	checkWords(t, "div.u32", xs, ys, got, func(x, y uint32) uint32 { return uint32(uint64(x) / uint64(y)) })
	if got, err = runWords(remU32K, xs, ys); err != nil {
		t.Fatal(err)
	}
	checkWords(t, "rem.u32", xs, ys, got, func(x, y uint32) uint32 { return uint32(uint64(x) % uint64(y)) })
}

// truncDiv is x/y truncated toward zero, from magnitudes in int64, so that
// it does not lean on Go's signed / being the truncating one.
func truncDiv(x, y int32) (q, r int64) {
	ax, ay := int64(x), int64(y)
	neg := (ax < 0) != (ay < 0)
	ax, ay = max(ax, -ax), max(ay, -ay)
	q = ax / ay
	if neg {
		q = -q
	}
	return q, int64(x) - q*int64(y)
}

func TestDivRemS32(t *testing.T) {
	xs, ys := pairs(edgeInts(), func(x, y uint32) bool { return y == 0 || (x == 0x80000000 && y == 0xffffffff) })
	got, err := runWords(divS32K, xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	checkWords(t, "div.s32", xs, ys, got, func(x, y uint32) uint32 {
		q, _ := truncDiv(int32(x), int32(y))
		return uint32(int32(q))
	})
	if got, err = runWords(remS32K, xs, ys); err != nil {
		t.Fatal(err)
	}
	checkWords(t, "rem.s32", xs, ys, got, func(x, y uint32) uint32 {
		_, r := truncDiv(int32(x), int32(y))
		return uint32(int32(r))
	})
	// The sign rules spelled out: the quotient truncates, the remainder
	// takes the dividend's sign.
	m := func(v int32) uint32 { return uint32(v) }
	got, _ = runWords(divS32K, []uint32{m(-7), m(7), m(-7), m(-2147483648)}, []uint32{2, m(-2), m(-2), 1})
	if want := []uint32{m(-3), m(-3), 3, m(-2147483648)}; !equalWords(got, want) {
		t.Fatalf("div.s32 = %#x, want %#x", got, want)
	}
	got, _ = runWords(remS32K, []uint32{m(-7), m(7), m(-7)}, []uint32{2, m(-2), m(-2)})
	if want := []uint32{m(-1), 1, m(-1)}; !equalWords(got, want) {
		t.Fatalf("rem.s32 = %#x, want %#x", got, want)
	}
}

func equalWords(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDivisionPTXLeavesUnspecifiedIsRejected(t *testing.T) {
	for _, c := range []struct {
		k      *Kernel
		x, y   uint32
		mnem   string
		reason string
	}{
		{divU32K, 5, 0, "div.u32", "division by zero"},
		{remU32K, 5, 0, "rem.u32", "division by zero"},
		{divS32K, 0, 0, "div.s32", "division by zero"},
		{remS32K, 0xfffffffb, 0, "rem.s32", "division by zero"},
		{divS32K, 0x80000000, 0xffffffff, "div.s32", "overflows"},
		{remS32K, 0x80000000, 0xffffffff, "rem.s32", "overflows"},
	} {
		// Thread 1 divides by zero; thread 0's valid division must not hide it.
		_, err := runWords(c.k, []uint32{1, c.x}, []uint32{1, c.y})
		if err == nil || !strings.Contains(err.Error(), c.mnem) || !strings.Contains(err.Error(), c.reason) ||
			!strings.Contains(err.Error(), "unspecified") || !strings.Contains(err.Error(), "thread (1,0,0)") {
			t.Errorf("%s(%#x, %#x): err = %v, want %q naming %s and thread 1", c.mnem, c.x, c.y, err, c.reason, c.mnem)
		}
	}
}

func setpS32Kernel(c Cmp) *Kernel {
	return wordKernel("setp_s32_"+c.String(), false, func(b *Builder, x, y operand) operand {
		return b.SetpS32(c, U32{x}, U32{y}).o
	})
}

// selpU32K is max.u32 the long way: x where x > y, else y.
var selpU32K = u32Kernel("selp_u32", func(b *Builder, x, y U32) U32 { return b.SelpU32(b.SetpU32(GT, x, y), x, y) })

func TestMinMaxSetpSelpIntegers(t *testing.T) {
	xs, ys := pairs(edgeInts(), func(_, _ uint32) bool { return false })
	for _, c := range []struct {
		k    *Kernel
		name string
		want func(x, y uint32) uint32
	}{
		{maxU32K, "max.u32", func(x, y uint32) uint32 { return max(x, y) }},
		{minS32K, "min.s32", func(x, y uint32) uint32 { return uint32(min(int32(x), int32(y))) }},
		{maxS32K, "max.s32", func(x, y uint32) uint32 { return uint32(max(int32(x), int32(y))) }},
	} {
		got, err := runWords(c.k, xs, ys)
		if err != nil {
			t.Fatal(err)
		}
		checkWords(t, c.name, xs, ys, got, c.want)
	}
	for _, c := range []Cmp{EQ, NE, LT, LE, GT, GE} {
		got, err := runWords(setpS32Kernel(c), xs, ys)
		if err != nil {
			t.Fatal(err)
		}
		checkWords(t, "setp."+c.String()+".s32", xs, ys, got, func(x, y uint32) uint32 {
			a, b := int32(x), int32(y)
			r := [...]bool{EQ: a == b, NE: a != b, LT: a < b, LE: a <= b, GT: a > b, GE: a >= b}[c]
			if r {
				return 1
			}
			return 0
		})
	}
	got, err := runWords(selpU32K, xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	checkWords(t, "selp.u32", xs, ys, got, func(x, y uint32) uint32 { return max(x, y) })
}

// bigQuo is x/y rounded once to float32 (ties to even, subnormals kept):
// 200 bits hold the quotient far closer than the distance from any
// float32 midpoint it does not equal.
func bigQuo(x, y float32) float32 {
	q := new(big.Float).SetPrec(200).Quo(new(big.Float).SetFloat64(float64(x)), new(big.Float).SetFloat64(float64(y)))
	f, _ := q.Float32()
	return f
}

func f32bits(v []float32) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = math.Float32bits(x)
	}
	return out
}

func TestDivF32(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var xs, ys []float32
	for i := range 20000 {
		x, y := float32(r.NormFloat64()), float32(r.NormFloat64())
		switch i % 4 {
		case 1: // quotients that underflow into the subnormals
			x = math.Float32frombits(r.Uint32() & 0x807fffff) // a subnormal
			y = float32(r.NormFloat64()) * 64
		case 2: // wide exponents, overflow and underflow included
			x = math.Float32frombits(r.Uint32() & 0xff7fffff)
			y = math.Float32frombits(r.Uint32() & 0xff7fffff)
		}
		if y == 0 {
			continue
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	got, err := runWords(divF32K, f32bits(xs), f32bits(ys))
	if err != nil {
		t.Fatal(err)
	}
	for i := range xs {
		if want := bigQuo(xs[i], ys[i]); got[i] != math.Float32bits(want) && !(xs[i] == 0 && want == 0) {
			t.Fatalf("div.rn.f32(%g, %g) = %g, want %g", xs[i], ys[i], math.Float32frombits(got[i]), want)
		}
	}

	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negz := float32(math.Copysign(0, -1))
	tiny := float32(math.SmallestNonzeroFloat32) // 2⁻¹⁴⁹
	for _, c := range []struct{ x, y, want float32 }{
		{1, 0, inf}, {1, negz, -inf}, {-1, 0, -inf}, {0, 5, 0}, {0, -5, negz}, {negz, 5, negz},
		{0, 0, nan}, {inf, inf, nan}, {nan, 1, nan}, {1, nan, nan}, {negz, negz, nan},
		{inf, -2, -inf}, {3, inf, 0}, {-3, inf, negz}, {inf, 0, inf},
		{math.MaxFloat32, 0.5, inf}, {-math.MaxFloat32, 0.5, -inf},
		{tiny, 2, 0},            // 2⁻¹⁵⁰, a tie between 0 and 2⁻¹⁴⁹: to the even 0
		{3 * tiny, 2, 2 * tiny}, // 1.5·2⁻¹⁴⁹: a tie, to the even 2·2⁻¹⁴⁹
		{tiny, 0.5, 2 * tiny},   // a subnormal input, exact
		{1, 3, 0.33333334}, {2, 3, 0.6666667},
		{1 + 1.0/(1<<23), 2, 0.5 + 1.0/(1<<24)}, // exact, the last mantissa bit kept
	} {
		got, err := runWords(divF32K, f32bits([]float32{c.x}), f32bits([]float32{c.y}))
		if err != nil {
			t.Fatal(err)
		}
		g := math.Float32frombits(got[0])
		if c.want != c.want {
			if g == g {
				t.Errorf("div.rn.f32(%g, %g) = %g, want NaN", c.x, c.y, g)
			}
			continue
		}
		if got[0] != math.Float32bits(c.want) {
			t.Errorf("div.rn.f32(%g, %g) = %g (%#08x), want %g (%#08x)", c.x, c.y, g, got[0], c.want, math.Float32bits(c.want))
		}
	}
}

var (
	cvtF32U32Kn = cvtToF32Kernel("cvt_f32_u32", (*Builder).CvtF32U32)
	cvtF32S32Kn = cvtToF32Kernel("cvt_f32_s32", (*Builder).CvtF32S32)
	cvtU32F32Kn = wordKernel("cvt_rzi_u32_f32", true, func(b *Builder, x, _ operand) operand { return b.CvtRziU32F32(F32{x}).o })
	cvtS32F32Kn = wordKernel("cvt_rzi_s32_f32", true, func(b *Builder, x, _ operand) operand { return b.CvtRziS32F32(F32{x}).o })
)

func cvtToF32Kernel(name string, f func(*Builder, U32) F32) *Kernel {
	return wordKernel(name, false, func(b *Builder, x, _ operand) operand { return f(b, U32{x}).o })
}

func TestCvtF32FromInt(t *testing.T) {
	vals := edgeInts()
	vals = append(vals,
		1<<24, 1<<24+1, 1<<24+2, 1<<24+3, // ties at 2²⁴+1 and +3 go to the even neighbour
		0xffffff7f, 0xffffff80, 0xffffff81, // around the tie between 2³²-256 and 2³²
		0x7fffffbf, 0x7fffffc0, // around the tie between 2³¹-128 and 2³¹
		0x80000040, 0x800000c0, 0xffffffc0)
	zeros := make([]uint32, len(vals))
	gotU, err := runWords(cvtF32U32Kn, vals, zeros)
	if err != nil {
		t.Fatal(err)
	}
	gotS, err := runWords(cvtF32S32Kn, vals, zeros)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		wu, _ := new(big.Float).SetUint64(uint64(v)).Float32()
		ws, _ := new(big.Float).SetInt64(int64(int32(v))).Float32()
		if gotU[i] != math.Float32bits(wu) {
			t.Errorf("cvt.rn.f32.u32(%d) = %g, want %g", v, math.Float32frombits(gotU[i]), wu)
		}
		if gotS[i] != math.Float32bits(ws) {
			t.Errorf("cvt.rn.f32.s32(%d) = %g, want %g", int32(v), math.Float32frombits(gotS[i]), ws)
		}
	}
	if cvtF32U32(1<<24+1) != 1<<24 || cvtF32U32(1<<24+3) != 1<<24+4 || cvtF32U32(0xffffff80) != 1<<32 {
		t.Error("ties must go to the even mantissa")
	}
	// A wider sample against big.Float, on the conversion functions alone.
	r := rand.New(rand.NewPCG(7, 8))
	for range 200000 {
		v := r.Uint32() >> r.IntN(8)
		wu, _ := new(big.Float).SetUint64(uint64(v)).Float32()
		ws, _ := new(big.Float).SetInt64(int64(int32(v))).Float32()
		if cvtF32U32(v) != wu || cvtF32S32(int32(v)) != ws {
			t.Fatalf("cvt.rn.f32 of %#x: %g, %g; want %g, %g", v, cvtF32U32(v), cvtF32S32(int32(v)), wu, ws)
		}
	}
}

// bigRzi truncates x toward zero and clamps it to [lo, hi]; NaN gives 0.
func bigRzi(x float32, lo, hi int64) int64 {
	if x != x {
		return 0
	}
	if math.IsInf(float64(x), 0) {
		if x > 0 {
			return hi
		}
		return lo
	}
	i, _ := new(big.Float).SetFloat64(float64(x)).Int(nil) // truncates
	return max(lo, min(hi, clampInt64(i)))
}

func clampInt64(i *big.Int) int64 {
	if i.IsInt64() {
		return i.Int64()
	}
	if i.Sign() > 0 {
		return math.MaxInt64
	}
	return math.MinInt64
}

func TestCvtRziFromF32(t *testing.T) {
	inf := float32(math.Inf(1))
	tiny := float32(math.SmallestNonzeroFloat32)
	vals := []float32{float32(math.NaN()), -float32(math.NaN()), inf, -inf, 0, float32(math.Copysign(0, -1)),
		tiny, -tiny, 0.5, -0.5, 0.99999994, -0.99999994, 1, -1, 1.5, -1.5, 2.5, -2.5, 1e9, -1e9,
		2147483520, 2147483648, -2147483648, -2147483904, // around ±2³¹
		4294967040, 4294967296, 1e20, -1e20, math.MaxFloat32, -math.MaxFloat32, // around 2³²
		8388607.5, -8388607.5, 16777215}
	r := rand.New(rand.NewPCG(9, 10))
	for range 4000 {
		vals = append(vals, float32(r.NormFloat64()*math.Pow(2, float64(r.IntN(70)-4))))
	}
	zeros := make([]uint32, len(vals))
	gotU, err := runWords(cvtU32F32Kn, f32bits(vals), zeros)
	if err != nil {
		t.Fatal(err)
	}
	gotS, err := runWords(cvtS32F32Kn, f32bits(vals), zeros)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range vals {
		if w := uint32(bigRzi(x, 0, math.MaxUint32)); gotU[i] != w {
			t.Errorf("cvt.rzi.u32.f32(%g) = %d, want %d", x, gotU[i], w)
		}
		if w := int32(bigRzi(x, math.MinInt32, math.MaxInt32)); int32(gotS[i]) != w {
			t.Errorf("cvt.rzi.s32.f32(%g) = %d, want %d", x, int32(gotS[i]), w)
		}
	}
	// The saturation and NaN rules spelled out.
	if cvtRziU32(-1.5) != 0 || cvtRziU32(inf) != math.MaxUint32 || cvtRziU32(float32(math.NaN())) != 0 ||
		cvtRziS32(-inf) != math.MinInt32 || cvtRziS32(3e9) != math.MaxInt32 || cvtRziS32(-1.5) != -1 {
		t.Error("float-to-integer cvt must truncate, saturate, and send NaN to 0")
	}
}

// u32CopyKernel moves words through ld/st.global.u32 and ld/st.shared.u32:
// out[i] = in[7-i] through shared memory.
func u32CopyKernel() *Kernel {
	b := New("u32_copy")
	out, in := b.ParamPtr("out"), b.ParamPtr("in")
	sh := b.Shared("s", 8)
	tid := b.Tid(X)
	b.StSharedU32(b.AddU32(sh, b.ShlU32(tid, ImmU32(2))), 0, b.LdGlobalU32(b.Index4(in, tid), 0))
	b.Bar()
	v := b.LdSharedU32(b.AddU32(sh, b.ShlU32(b.SubU32(ImmU32(7), tid), ImmU32(2))), 0)
	b.StGlobalU32(b.Index4(out, tid), 0, v)
	return b.Build()
}

func TestU32MemoryRoundTrip(t *testing.T) {
	k := u32CopyKernel()
	var m Memory
	src := []uint32{0, 1, 0x7fc00001, 0xffffffff, 0x80000000, 42, 0xdeadbeef, 7}
	pi, po := m.AllocU32(src), m.Alloc(8)
	if err := k.Run(&m, D1(1), D1(8), po, pi); err != nil {
		t.Fatal(err)
	}
	got := m.ReadU32(po)
	for i := range src {
		if got[i] != src[7-i] {
			t.Fatalf("out = %#x, want the reverse of %#x", got, src)
		}
	}
	if s := k.PTX(); !strings.Contains(s, "ld.global.u32 ") || !strings.Contains(s, "st.shared.u32 [") ||
		!strings.Contains(s, "ld.shared.u32 ") || !strings.Contains(s, "st.global.u32 [") {
		t.Fatalf("PTX lacks the u32 loads and stores:\n%s", s)
	}
}

// extKernel uses every new instruction once, immediates included.
func extKernel() *Kernel {
	b := New("ext")
	out := b.ParamPtr("out")
	x := b.LdGlobalU32(out, 0)
	f := b.LdGlobalF32(out, 4)
	b.StGlobalU32(out, 8, b.DivS32(x, ImmU32(0xfffffffd)))
	b.StGlobalU32(out, 12, b.RemU32(x, ImmU32(10)))
	b.StGlobalU32(out, 16, b.SelpU32(b.SetpS32(LT, x, ImmU32(0xffffffff)), b.MaxS32(x, ImmU32(0x80000000)), b.MaxU32(x, x)))
	b.StGlobalF32(out, 20, b.DivF32(b.CvtF32S32(x), ImmF32(3)))
	b.StGlobalU32(out, 24, b.CvtRziU32F32(b.DivF32(f, b.CvtF32U32(x))))
	b.StGlobalU32(out, 28, b.CvtRziS32F32(f))
	b.StGlobalU32(out, 32, b.MinS32(b.RemS32(x, ImmU32(0xfffffff8)), b.DivU32(x, ImmU32(3))))
	return b.Build()
}

func TestExtPTXText(t *testing.T) {
	src := extKernel().PTX()
	for _, want := range []string{
		"div.s32 %r1, %r0, -3;", "rem.u32 %r2, %r0, 10;", "setp.lt.s32 %p0, %r0, -1;",
		"max.s32 %r3, %r0, -2147483648;", "max.u32 %r4, %r0, %r0;", "selp.u32 %r5, %r3, %r4, %p0;",
		"cvt.rn.f32.s32 %f1, %r0;", "div.rn.f32 %f2, %f1, 0f40400000;",
		"cvt.rn.f32.u32 %f3, %r0;", "div.rn.f32 %f4, %f0, %f3;", "cvt.rzi.u32.f32 %r6, %f4;",
		"cvt.rzi.s32.f32 %r7, %f0;", "rem.s32 %r8, %r0, -8;", "div.u32 %r9, %r0, 3;", "min.s32 %r10, %r8, %r9;",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("PTX lacks %q\n%s", want, src)
		}
	}
}

// instrKernels are the kernels of this file, for the ptxas test.
func instrKernels() []*Kernel {
	ks := []*Kernel{divU32K, remU32K, divS32K, remS32K, maxU32K, minS32K, maxS32K, selpU32K, divF32K,
		cvtF32U32Kn, cvtF32S32Kn, cvtU32F32Kn, cvtS32F32Kn, u32CopyKernel(), extKernel()}
	for _, c := range []Cmp{EQ, NE, LT, LE, GT, GE} {
		ks = append(ks, setpS32Kernel(c))
	}
	return ks
}
