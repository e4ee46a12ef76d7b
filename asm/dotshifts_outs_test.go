//go:build linux

package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Tests of DotShiftsLanesOuts against plane-by-plane DotShiftsLanes under
// every implementation, bit for bit: taps of real direct-convolution
// geometries and ragged random ones, gradients and sources fenced by
// unreadable pages (fencedSource, gather_avx2_test.go), NaN wherever
// nothing may be read, infinities and signed zeros.

// outsConvShifts returns the taps of a kh×kw convolution (dilation dil)
// over cg input channels of h×w planes on the wide output positions, as
// package tensor's directShifts builds them.
func outsConvShifts(h, w, kh, kw, dil, cg int) Shifts {
	ho, wo := h-(kh-1)*dil, w-(kw-1)*dil
	n := (ho-1)*w + wo
	segs := (n + 15) / 16
	row := make([]uint16, segs)
	for q := range n {
		if q%w < wo {
			row[q/16] |= 1 << (q % 16)
		}
	}
	deltas := make([]int, kh*kw)
	masks := make([]uint16, 0, kh*kw*segs)
	for t := range deltas {
		deltas[t] = t/kw*dil*w + t%kw*dil
		masks = append(masks, row...)
	}
	return NewShifts(deltas, masks, n).Repeat(cg, h*w)
}

// outsCase is a DotShiftsLanesOuts call: outs gradient planes ldg apart in
// a buffer that ends at an unreadable page, a source of exactly the length
// the taps need that starts or ends at one, and lanes in a guarded buffer.
type outsCase struct {
	s         Shifts
	src, g    []float32
	ldg, outs int
}

// newOutsCase fills the positions some tap reads with values in [-1, 1)
// (and a few infinities and signed zeros), and every other float of src
// and g, the gaps between the planes included, with NaN.
func newOutsCase(t *testing.T, r *rand.Rand, s Shifts, outs int, atEnd bool) outsCase {
	n := s.Len()
	c := outsCase{s: s, outs: outs, ldg: n}
	if r.IntN(2) == 0 {
		c.ldg += 1 + r.IntN(20)
	}
	value := func() float32 {
		switch r.IntN(40) {
		case 0:
			return float32(math.Inf(1 - 2*r.IntN(2)))
		case 1:
			return float32(math.Copysign(0, -1))
		case 2:
			return 0
		}
		return 2*r.Float32() - 1
	}
	c.src = fencedSource(t, max(1, s.Need()), atEnd)
	readSrc := make([]bool, len(c.src))
	readG := make([]bool, n)
	for tp := range s.Taps() {
		for q := range n {
			if idx, ok := s.lane(tp, q); ok {
				readSrc[idx], readG[q] = true, true
			}
		}
	}
	for i := range c.src {
		c.src[i] = float32(math.NaN())
		if readSrc[i] {
			c.src[i] = value()
		}
	}
	c.g = fencedSource(t, (outs-1)*c.ldg+n, true)
	for i := range c.g {
		c.g[i] = float32(math.NaN())
		if q := i % c.ldg; q < n && readG[q] {
			c.g[i] = value()
		}
	}
	return c
}

// check runs DotShiftsLanesOuts on lanes from random values and signed
// zeros and compares it with one DotShiftsLanes call per plane.
func (c outsCase) check(t *testing.T, r *rand.Rand) {
	t.Helper()
	taps, n := c.s.Taps(), c.s.Len()
	lanes, guards := guarded(16 * c.outs * taps)
	for i := range lanes {
		lanes[i] = float32(r.NormFloat64())
	}
	signedZeros(r, lanes)
	want := append([]float32(nil), lanes...)
	for o := range c.outs {
		DotShiftsLanes(want[16*o*taps:16*(o+1)*taps], c.g[o*c.ldg:o*c.ldg+n], c.src, c.s)
	}
	DotShiftsLanesOuts(lanes, c.g, c.ldg, c.outs, c.src, c.s)
	guards(t)
	if i := sameBits(lanes, want); i >= 0 {
		o, tp, l := i/(16*taps), i/16%taps, i%16
		t.Fatalf("n=%d taps=%d outs=%d ldg=%d: plane %d tap %d lane %d = %v (%#x), want %v (%#x)",
			n, taps, c.outs, c.ldg, o, tp, l, lanes[i], math.Float32bits(lanes[i]), want[i], math.Float32bits(want[i]))
	}
}

func TestDotShiftsLanesOutsConv(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(71, 72))
		for i := range 300 {
			kh, kw := 1+r.IntN(7), 1+r.IntN(7)
			if i%3 == 0 {
				kw = kh
			}
			dil := 1
			if r.IntN(5) == 0 {
				dil = 2
			}
			cg := 1 + r.IntN(3)
			for cg*kh*kw > 75 {
				cg--
			}
			w := max(5, (kw-1)*dil+1) + r.IntN(36)
			w = min(w, 40)
			h := (kh-1)*dil + 1 + r.IntN(12)
			s := outsConvShifts(h, w, kh, kw, dil, cg)
			outs := 1 + i%9
			newOutsCase(t, r, s, outs, i%2 == 0).check(t, r)
		}
	})
}

// TestDotShiftsLanesOutsLeNet is the geometry of LeNet-5's first layer,
// every plane count from 1 to 13.
func TestDotShiftsLanesOutsLeNet(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(73, 74))
		s := outsConvShifts(32, 32, 5, 5, 1, 1)
		for outs := 1; outs <= 13; outs++ {
			newOutsCase(t, r, s, outs, outs%2 == 0).check(t, r)
		}
	})
}

// TestDotShiftsLanesOutsEdges uses ragged random masks (edgeShifts) at
// every tail length, tap counts across every group size, and plane counts
// across every group split.
func TestDotShiftsLanesOutsEdges(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(75, 76))
		for _, n := range shiftLens {
			for _, taps := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 16, 17, 25} {
				s, _ := edgeShifts(t, r, taps, n, false)
				outs := 1 + r.IntN(9)
				newOutsCase(t, r, s, outs, r.IntN(2) == 0).check(t, r)
			}
		}
	})
}

// TestDotShiftsLanesOutsEmpty covers no positions, no taps and taps that
// enable nothing: the lanes must not change.
func TestDotShiftsLanesOutsEmpty(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(77, 78))
		none := NewShifts([]int{0, 3}, make([]uint16, 2*3), 40)
		for _, s := range []Shifts{NewShifts(nil, nil, 40), NewShifts([]int{0, 1}, nil, 0), none} {
			for _, outs := range []int{1, 2, 7} {
				taps := s.Taps()
				lanes := make([]float32, 16*outs*taps)
				for i := range lanes {
					lanes[i] = float32(r.NormFloat64())
				}
				want := append([]float32(nil), lanes...)
				g := make([]float32, outs*s.Len())
				DotShiftsLanesOuts(lanes, g, s.Len(), outs, nil, s)
				DotShiftsLanesOuts(lanes, g, s.Len(), outs, make([]float32, 50), s)
				if i := sameBits(lanes, want); i >= 0 {
					t.Fatalf("taps=%d n=%d: lanes[%d] changed", taps, s.Len(), i)
				}
			}
		}
	})
}

func TestDotShiftsLanesOutsPanics(t *testing.T) {
	s := outsConvShifts(8, 8, 3, 3, 1, 1) // 9 taps over 46 positions, need 64
	n := s.Len()
	src := make([]float32, s.Need())
	for _, c := range []struct {
		name               string
		lanes, g, ldg, src int
		outs               int
	}{
		{"outs 0", 0, n, n, len(src), 0},
		{"outs -1", 16 * 9, n, n, len(src), -1},
		{"short lanes", 16*9*2 - 1, 2 * n, n, len(src), 2},
		{"long lanes", 16*9*2 + 16, 2 * n, n, len(src), 2},
		{"ldg < n", 16 * 9 * 2, 2 * n, n - 1, len(src), 2},
		{"short g", 16 * 9 * 3, 2*(n+4) + n - 1, n + 4, len(src), 3},
		{"short g, one plane", 16 * 9, n - 1, n, len(src), 1},
		{"huge ldg", 16 * 9 * 3, 3 * n, math.MaxInt / 2, len(src), 3},
		{"short source", 16 * 9 * 2, 2 * n, n, len(src) - 1, 2},
	} {
		func() {
			defer func() {
				msg, ok := recover().(string)
				if !ok {
					t.Errorf("%s: no panic", c.name)
				} else if testing.Verbose() {
					t.Logf("%s: %s", c.name, msg)
				}
			}()
			DotShiftsLanesOuts(make([]float32, c.lanes), make([]float32, c.g), c.ldg, c.outs, src[:c.src], s)
		}()
	}
	// The exact lengths do not panic.
	DotShiftsLanesOuts(make([]float32, 16*9*3), make([]float32, 2*(n+4)+n), n+4, 3, src, s)
}

// BenchmarkDotShiftsLanesOuts is the weight gradient of LeNet-5's first
// layer for one image: 1 input channel, 6 output channels, 5×5 taps on a
// 32×32 input (892 wide positions), as one DotShiftsLanesOuts call and as
// 6 DotShiftsLanes calls.
func BenchmarkDotShiftsLanesOuts(b *testing.B) {
	const outs = 6
	s := outsConvShifts(32, 32, 5, 5, 1, 1)
	n, taps := s.Len(), s.Taps()
	r := rand.New(rand.NewPCG(1, 2))
	src := make([]float32, 32*32)
	g := make([]float32, outs*n)
	for i := range src {
		src[i] = 2*r.Float32() - 1
	}
	for i := range g {
		g[i] = 2*r.Float32() - 1
	}
	lanes := make([]float32, 16*outs*taps)
	for _, impl := range Implementations() {
		restore, err := Use(impl)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%s/outs", impl), func(b *testing.B) {
			for b.Loop() {
				DotShiftsLanesOuts(lanes, g, n, outs, src, s)
			}
		})
		b.Run(fmt.Sprintf("%s/calls", impl), func(b *testing.B) {
			for b.Loop() {
				for o := range outs {
					DotShiftsLanes(lanes[16*o*taps:16*(o+1)*taps], g[o*n:(o+1)*n], src, s)
				}
			}
		})
		restore()
	}
}
