//go:build linux

package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Tests of CorrelateOuts against Correlate plane by plane, bit for bit,
// under every implementation (the page-fenced sources, sameBits and
// benchImpls are in gather_avx2_test.go and shifts_avx2_test.go).

// corrConvShifts returns the taps of a direct convolution with a k×k
// kernel (dilation 1, no padding) over cg input planes of h×wd, as
// package tensor builds them: n = (h-k)·wd + wd-k+1 "wide" positions,
// the columns past wd-k+1 of each row masked off.
func corrConvShifts(h, wd, k, cg int) Shifts {
	ho, wo := h-k+1, wd-k+1
	n := (ho-1)*wd + wo
	segs := (n + 15) / 16
	row := make([]uint16, segs)
	for q := range n {
		if q%wd < wo {
			row[q/16] |= 1 << (q % 16)
		}
	}
	deltas := make([]int, k*k)
	masks := make([]uint16, 0, k*k*segs)
	for t := range deltas {
		deltas[t] = t/k*wd + t%k
		masks = append(masks, row...)
	}
	return NewShifts(deltas, masks, n).Repeat(cg, h*wd)
}

// corrOutsCase is one CorrelateOuts call: the destination has NaN guard bands
// after every plane's n positions (ldd > n) and sentinels around it.
type corrOutsCase struct {
	s    Shifts
	outs int
	ldd  int
	src  []float32
	w    []float32
}

func (c corrOutsCase) String() string {
	return fmt.Sprintf("n=%d taps=%d outs=%d ldd=%d", c.s.Len(), c.s.Taps(), c.outs, c.ldd)
}

// check runs CorrelateOuts and compares every plane with Correlate's.
func (c corrOutsCase) check(t *testing.T) {
	t.Helper()
	n, taps := c.s.Len(), c.s.Taps()
	dst, guardCheck := guarded((c.outs-1)*c.ldd + n)
	for i := range dst {
		dst[i] = float32(math.NaN())
	}
	CorrelateOuts(dst, c.ldd, c.outs, c.src, c.s, c.w)
	guardCheck(t)
	want := make([]float32, n)
	for o := range c.outs {
		Correlate(want, c.src, c.s, c.w[o*taps:(o+1)*taps])
		got := dst[o*c.ldd : o*c.ldd+n]
		if i := sameBits(got, want); i >= 0 {
			t.Fatalf("%v: plane %d: dst[%d] = %v (%#x), Correlate gives %v (%#x)", c, o, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
		if o < c.outs-1 {
			for i, v := range dst[o*c.ldd+n : (o+1)*c.ldd] {
				if math.Float32bits(v) != math.Float32bits(float32(math.NaN())) {
					t.Fatalf("%v: plane %d: gap element %d overwritten with %v", c, o, n+i, v)
				}
			}
		}
	}
}

// corrOutsWeights returns outs·taps weights in [-1, 1), some of them -0, +0
// infinite (a disabled lane must not see Inf·0) or tiny.
func corrOutsWeights(r *rand.Rand, outs, taps int) []float32 {
	w := randMatrix(r, 1, outs*taps, outs*taps)
	for i := range w {
		switch r.IntN(40) {
		case 0:
			w[i] = float32(math.Inf(1 - 2*r.IntN(2)))
		case 1:
			w[i] = float32(math.Copysign(0, -1))
		case 2:
			w[i] = 0
		case 3:
			w[i] = -1e-30 // times a tiny source: a sum that rounds to -0
		}
	}
	return w
}

// TestCorrelateOutsConv checks CorrelateOuts on convolution geometries:
// kernels 1..7, widths 5..40, 1..3 input planes, 1..9 output planes, the
// source ending (or starting) at an unreadable page where the taps' reads
// do, values that make -0 sums.
func TestCorrelateOutsConv(t *testing.T) {
	forEachImpl(t, func(t *testing.T, _ *kernel) {
		r := rand.New(rand.NewPCG(51, 52))
		for i := range 300 {
			k := 1 + r.IntN(7)
			wd := max(k, 5+r.IntN(36))
			h := k + r.IntN(12)
			if i%10 == 0 {
				h = k + 16 + r.IntN(20) // long planes: many 4-segment blocks
			}
			cg := 1 + r.IntN(3)
			s := corrConvShifts(h, wd, k, cg)
			c := corrOutsCase{s: s, outs: 1 + r.IntN(9), ldd: s.Len() + r.IntN(3)*(1+r.IntN(20))}
			c.src = fencedSource(t, s.Need(), i%2 == 0)
			for j := range c.src {
				c.src[j] = 2*r.Float32() - 1
				switch r.IntN(30) {
				case 0:
					c.src[j] = float32(math.Copysign(0, -1))
				case 1:
					c.src[j] = 1e-30 // times a tiny weight: a sum that rounds to -0
				}
			}
			c.w = corrOutsWeights(r, c.outs, s.Taps())
			c.check(t)
		}
	})
}

// TestCorrelateOutsEdges checks CorrelateOuts on ragged and empty masks
// with the reads at both ends of a fenced source whose unread elements are
// NaN (edgeShifts), every length of shiftLens and every plane count 1..9.
func TestCorrelateOutsEdges(t *testing.T) {
	forEachImpl(t, func(t *testing.T, _ *kernel) {
		r := rand.New(rand.NewPCG(53, 54))
		for _, n := range shiftLens {
			for outs := 1; outs <= 9; outs++ {
				taps := []int{1, 2, 3, 9, 25}[r.IntN(5)]
				s, src := edgeShifts(t, r, taps, n, (n+outs)%2 == 0)
				for j, v := range src {
					if v == v && r.IntN(8) == 0 {
						src[j] = 1e-30
					}
				}
				c := corrOutsCase{s: s, outs: outs, ldd: n + r.IntN(2)*(1+r.IntN(17)), src: src}
				c.w = corrOutsWeights(r, outs, taps)
				c.check(t)
			}
		}
	})
}

// TestCorrelateOutsPanics checks the bounds.
func TestCorrelateOutsPanics(t *testing.T) {
	s := corrConvShifts(8, 8, 3, 1) // 46 positions, 9 taps
	n := s.Len()
	src := make([]float32, s.Need())
	for _, c := range []struct {
		name      string
		dst       int
		ldd, outs int
		src       []float32
		w         int
		want      string
	}{
		{"no planes", n, n, 0, src, 0, "0 output planes"},
		{"weights", 2 * n, n, 2, src, 17, "17 weights"},
		{"stride", 2 * n, n - 1, 2, src, 18, "stride"},
		{"dst", 2*n + 4, n + 5, 2, src, 18, "outputs"},
		{"dst one plane", n - 1, n, 1, src, 9, "outputs"},
		{"source", 2 * n, n, 2, src[:len(src)-1], 18, "source"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, c.want) {
					t.Errorf("panic %q, want one mentioning %q", msg, c.want)
				}
			}()
			CorrelateOuts(make([]float32, c.dst), c.ldd, c.outs, c.src, s, make([]float32, c.w))
		})
	}
	// Exactly long enough: no panic, and nothing past the last plane.
	CorrelateOuts(make([]float32, n+5+n), n+5, 2, src, s, make([]float32, 18))
}

// BenchmarkCorrelateOuts times LeNet-5's first convolution (one 32×32
// input plane, six 5×5 filters): CorrelateOuts for the six planes against
// six Correlate calls.
func BenchmarkCorrelateOuts(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	s := corrConvShifts(32, 32, 5, 1)
	n, taps, outs := s.Len(), s.Taps(), 6
	src := randMatrix(r, 1, s.Need(), s.Need())
	w := randMatrix(r, 1, outs*taps, outs*taps)
	dst := make([]float32, outs*n)
	b.Run("CorrelateOuts", func(b *testing.B) {
		benchImpls(b, func(b *testing.B) {
			for b.Loop() {
				CorrelateOuts(dst, n, outs, src, s, w)
			}
		})
	})
	b.Run("Correlate×6", func(b *testing.B) {
		benchImpls(b, func(b *testing.B) {
			for b.Loop() {
				for o := range outs {
					Correlate(dst[o*n:(o+1)*n], src, s, w[o*taps:(o+1)*taps])
				}
			}
		})
	})
}
