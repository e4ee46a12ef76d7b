package ptx

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// u64Kernel applies f to 64-bit operands x = a[i] and y = b[i], each held
// as two u32 words (low first) and joined with JoinU64; yLo is y's low
// word, the shift amount of the shifts. A U64 result is stored as two
// words through CvtU32U64, a Pred as 1 or 0 in the low word.
func u64Kernel(name string, f func(b *Builder, x, y U64, yLo U32) any) *Kernel {
	b := New(name)
	out, pa, pb := b.ParamPtr("out"), b.ParamPtr("a"), b.ParamPtr("b")
	n := b.ParamU32("n")
	i := b.MadU32(b.Ctaid(X), b.Ntid(X), b.Tid(X))
	b.If(b.SetpU32(LT, i, n), func() {
		w := b.ShlU32(i, ImmU32(1))
		aAt, bAt, oAt := b.Index4(pa, w), b.Index4(pb, w), b.Index4(out, w)
		x := b.JoinU64(b.LdGlobalU32(aAt, 0), b.LdGlobalU32(aAt, 4))
		yLo := b.LdGlobalU32(bAt, 0)
		y := b.JoinU64(yLo, b.LdGlobalU32(bAt, 4))
		switch r := f(b, x, y, yLo).(type) {
		case U64:
			b.StGlobalU32(oAt, 0, b.CvtU32U64(r))
			b.StGlobalU32(oAt, 4, b.CvtU32U64(b.ShrU64(r, ImmU32(32))))
		case Pred:
			b.StGlobalU32(oAt, 0, b.SelpU32(r, ImmU32(1), ImmU32(0)))
			b.StGlobalU32(oAt, 4, ImmU32(0))
		default:
			panic("u64Kernel: result must be U64 or Pred")
		}
	})
	return b.Build()
}

// runU64 runs k over the pairs (xs[i], ys[i]) and returns the results.
func runU64(t *testing.T, k *Kernel, xs, ys []uint64) []uint64 {
	t.Helper()
	split := func(v []uint64) []uint32 {
		w := make([]uint32, 2*len(v))
		for i, x := range v {
			w[2*i], w[2*i+1] = uint32(x), uint32(x>>32)
		}
		return w
	}
	var m Memory
	n := len(xs)
	out, a, bb := m.Alloc(2*n), m.AllocU32(split(xs)), m.AllocU32(split(ys))
	if err := k.Run(&m, D1(uint32((n+63)/64)), D1(64), out, a, bb, uint32(n)); err != nil {
		t.Fatalf("%s: %v", k.Name(), err)
	}
	w := m.ReadU32(out)
	got := make([]uint64, n)
	for i := range got {
		got[i] = uint64(w[2*i]) | uint64(w[2*i+1])<<32
	}
	return got
}

// edgeU64 are the boundaries of 64 bits and of each 32-bit half (where
// carries cross), splitmix64's constants, and random values.
func edgeU64() []uint64 {
	v := []uint64{0, 1, 2, 3, 1<<31 - 1, 1 << 31, 1<<32 - 1, 1 << 32, 1<<32 + 1, 1<<53 - 1, 1 << 53,
		1<<63 - 1, 1 << 63, 1<<63 + 1, 1<<64 - 2, 1<<64 - 1, 0xffffffff00000000, 0x00000001ffffffff,
		0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB}
	r := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		v = append(v, r.Uint64(), r.Uint64()>>r.IntN(64))
	}
	return v
}

func crossU64(vals []uint64) (xs, ys []uint64) {
	for _, x := range vals {
		for _, y := range vals {
			xs, ys = append(xs, x), append(ys, y)
		}
	}
	return xs, ys
}

var (
	addU64K = u64Kernel("add_u64", func(b *Builder, x, y U64, _ U32) any { return b.AddU64(x, y) })
	subU64K = u64Kernel("sub_u64", func(b *Builder, x, y U64, _ U32) any { return b.SubU64(x, y) })
	mulU64K = u64Kernel("mul_u64", func(b *Builder, x, y U64, _ U32) any { return b.MulU64(x, y) })
	xorU64K = u64Kernel("xor_u64", func(b *Builder, x, y U64, _ U32) any { return b.XorU64(x, y) })
	shrU64K = u64Kernel("shr_u64", func(b *Builder, x, _ U64, s U32) any { return b.ShrU64(x, s) })
	shlU64K = u64Kernel("shl_u64", func(b *Builder, x, _ U64, s U32) any { return b.ShlU64(x, s) })
	// cvtU64K truncates and zero-extends: CvtU64(CvtU32U64(x)) is x's low
	// word.
	cvtU64K = u64Kernel("cvt_u32_u64", func(b *Builder, x, _ U64, _ U32) any { return b.CvtU64(b.CvtU32U64(x)) })
)

func setpU64Kernel(c Cmp) *Kernel {
	return u64Kernel("setp_"+c.String()+"_u64", func(b *Builder, x, y U64, _ U32) any { return b.SetpU64(c, x, y) })
}

func TestU64Arithmetic(t *testing.T) {
	xs, ys := crossU64(edgeU64())
	for _, c := range []struct {
		k    *Kernel
		want func(x, y uint64) uint64
	}{
		{addU64K, func(x, y uint64) uint64 { return x + y }},
		{subU64K, func(x, y uint64) uint64 { return x - y }},
		{mulU64K, func(x, y uint64) uint64 { return x * y }},
		{xorU64K, func(x, y uint64) uint64 { return x ^ y }},
		{cvtU64K, func(x, _ uint64) uint64 { return uint64(uint32(x)) }},
	} {
		got := runU64(t, c.k, xs, ys)
		for i := range got {
			if w := c.want(xs[i], ys[i]); got[i] != w {
				t.Fatalf("%s(%#x, %#x) = %#x, want %#x", c.k.Name(), xs[i], ys[i], got[i], w)
			}
		}
	}
}

func TestU64Shifts(t *testing.T) {
	amounts := []uint64{0, 1, 11, 27, 30, 31, 32, 33, 53, 63, 64, 65, 100, 1<<32 - 1,
		1<<32 | 5} // only the low word is the amount: 1<<32|5 shifts by 5
	var xs, ys []uint64
	for _, x := range edgeU64() {
		for _, s := range amounts {
			xs, ys = append(xs, x), append(ys, s)
		}
	}
	shr := runU64(t, shrU64K, xs, ys)
	shl := runU64(t, shlU64K, xs, ys)
	for i := range xs {
		s := uint32(ys[i])
		var wr, wl uint64 // PTX clamps the amount to 64: both give 0
		if s < 64 {
			wr, wl = xs[i]>>s, xs[i]<<s
		}
		if shr[i] != wr || shl[i] != wl {
			t.Fatalf("%#x >> %d = %#x, << = %#x; want %#x, %#x", xs[i], s, shr[i], shl[i], wr, wl)
		}
	}
}

func TestSetpU64(t *testing.T) {
	xs, ys := crossU64(edgeU64())
	for _, c := range []Cmp{EQ, NE, LT, LE, GT, GE} {
		got := runU64(t, setpU64Kernel(c), xs, ys)
		for i := range got {
			x, y := xs[i], ys[i]
			want := map[Cmp]bool{EQ: x == y, NE: x != y, LT: x < y, LE: x <= y, GT: x > y, GE: x >= y}[c]
			if (got[i] == 1) != want || got[i] > 1 {
				t.Fatalf("setp.%s.u64(%#x, %#x) = %d, want %v", c, x, y, got[i], want)
			}
		}
	}
}

// splitmixK is splitmix64's mix of a[i] (y unused): the composite the
// device Bernoulli draws with.
var splitmixK = u64Kernel("splitmix64", func(b *Builder, x, _ U64, _ U32) any {
	z := b.MulU64(b.XorU64(x, b.ShrU64(x, ImmU32(30))), ImmU64(0xBF58476D1CE4E5B9))
	z = b.MulU64(b.XorU64(z, b.ShrU64(z, ImmU32(27))), ImmU64(0x94D049BB133111EB))
	return b.XorU64(z, b.ShrU64(z, ImmU32(31)))
})

func TestSplitmix64Composite(t *testing.T) {
	xs := edgeU64()
	got := runU64(t, splitmixK, xs, xs)
	for i, x := range xs {
		z := (x ^ x>>30) * 0xBF58476D1CE4E5B9
		z = (z ^ z>>27) * 0x94D049BB133111EB
		if w := z ^ z>>31; got[i] != w {
			t.Fatalf("splitmix64(%#x) = %#x, want %#x", x, got[i], w)
		}
	}
}

func TestU64PTXText(t *testing.T) {
	b := New("u64_text")
	out := b.ParamPtr("out")
	lo, hi := b.LdGlobalU32(out, 0), b.LdGlobalU32(out, 4)
	x := b.JoinU64(lo, hi)
	y := b.MulU64(b.XorU64(x, b.ShrU64(x, ImmU32(30))), ImmU64(0xBF58476D1CE4E5B9))
	y = b.SubU64(y, x)
	p := b.SetpU64(LT, y, ImmU64(1<<53))
	b.StGlobalU32(out, 8, b.SelpU32(p, b.CvtU32U64(y), b.XorU32(lo, hi)))
	src := b.Build().PTX()
	for _, want := range []string{
		"cvt.u64.u32 %rd2, %r1;", "shl.b64 %rd3, %rd2, 32;", "cvt.u64.u32 %rd4, %r0;", "add.s64 %rd5, %rd3, %rd4;",
		"shr.u64 %rd6, %rd5, 30;", "xor.b64 %rd7, %rd5, %rd6;", "mul.lo.s64 %rd8, %rd7, 13787848793156543929;",
		"sub.s64 %rd9, %rd8, %rd5;", "setp.lt.u64 %p0, %rd9, 9007199254740992;", "cvt.u32.u64 %r2, %rd9;",
		"xor.b32 %r3, %r0, %r1;",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("PTX lacks %q\n%s", want, src)
		}
	}
}

// u64Kernels are this file's kernels, for the ptxas test.
func u64Kernels() []*Kernel {
	ks := []*Kernel{addU64K, subU64K, mulU64K, xorU64K, shrU64K, shlU64K, cvtU64K, splitmixK}
	for _, c := range []Cmp{EQ, NE, LT, LE, GT, GE} {
		ks = append(ks, setpU64Kernel(c))
	}
	return ks
}
