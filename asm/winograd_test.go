//go:build linux

package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// Tests of WinogradInput and WinogradOutput: every implementation against
// the Go twins, bit for bit, on planes of 1..40 rows and columns and wider
// ones around multiples of 16 and 32 tiles, with values that include −0,
// ±Inf and NaN payloads, row strides with NaN-filled gaps, planes fenced by
// unreadable pages (fencedSource, gather_avx2_test.go) and guard bands
// around the outputs; and the transforms composed into a 3×3 correlation.

// wgNaN is the bit pattern of the guards in the gaps of v: a NaN payload
// no transform produces.
const wgNaN = 0x7fa5a5a5

// wgValue returns a value in [-2, 2), or now and then −0, +0, ±Inf, or
// (nans) a NaN with a random payload.
func wgValue(r *rand.Rand, nans bool) float32 {
	switch r.IntN(64) {
	case 0:
		return float32(math.Copysign(0, -1))
	case 1:
		return 0
	case 2:
		return float32(math.Inf(1))
	case 3:
		return float32(math.Inf(-1))
	case 4:
		if nans {
			return math.Float32frombits(0x7f800000 | r.Uint32()&0x807fffff | 1)
		}
	}
	return 4*r.Float32() - 2
}

// wgSizes are the plane sizes tested: all of 1..40 squared, and wider
// planes around 16 and 32 tiles (32, 64 columns) and more, and planes
// split between assembly calls.
func wgSizes() [][2]int {
	var s [][2]int
	for h := 1; h <= 40; h++ {
		for w := 1; w <= 40; w++ {
			s = append(s, [2]int{h, w})
		}
	}
	for _, w := range []int{61, 62, 63, 64, 65, 66, 67, 95, 96, 97, 127, 128, 129, 130} {
		for _, h := range []int{1, 2, 3, 6, 7} {
			s = append(s, [2]int{h, w})
		}
	}
	// More tiles than one assembly call takes (winogradTilesPerCall).
	return append(s, [2]int{130, 130}, [2]int{3, 8200})
}

// sameOrNaN is the index of the first element where got and want differ
// in bits, NaNs of any payload being equal when nanAny; -1 if none.
func sameOrNaN(got, want []float32, nanAny bool) int {
	for i := range want {
		g, w := got[i], want[i]
		if math.Float32bits(g) != math.Float32bits(w) && !(nanAny && g != g && w != w) {
			return i
		}
	}
	return -1
}

func TestWinogradInput(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(41, 42))
		for i, hw := range wgSizes() {
			h, w := hw[0], hw[1]
			nans := i%3 == 0
			n := ((h + 1) / 2) * ((w + 1) / 2)
			ldv := n + []int{0, 1, 5, 17}[i%4]
			x := fencedSource(t, h*w, i%2 == 0)
			for j := range x {
				x[j] = wgValue(r, nans)
			}
			// v: guards before, in the gaps and after the 16 rows.
			buf := make([]float32, guard+15*ldv+n+guard)
			for j := range buf {
				buf[j] = math.Float32frombits(wgNaN)
			}
			want := append([]float32(nil), buf...)
			WinogradInput(buf[guard:len(buf)-guard], ldv, x, h, w)
			winogradInputGo(want[guard:len(want)-guard], ldv, x, h, w)
			if j := sameOrNaN(buf, want, nans); j >= 0 {
				j -= guard
				t.Fatalf("%d×%d, ldv %d: v[%d] (ξ %d, tile %d) = %v (%#x), want %v (%#x)", h, w, ldv, j, j/ldv, j%ldv,
					buf[j+guard], math.Float32bits(buf[j+guard]), want[j+guard], math.Float32bits(want[j+guard]))
			}
		}
	})
}

func TestWinogradOutput(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(43, 44))
		for i, hw := range wgSizes() {
			h, w := hw[0], hw[1]
			nans := i%3 == 0
			n := ((h + 1) / 2) * ((w + 1) / 2)
			ldm := n + []int{0, 1, 5, 17}[i%4]
			// m: fenced at one end, NaN in the gaps between the rows.
			m := fencedSource(t, 15*ldm+n, i%2 == 0)
			for j := range m {
				m[j] = math.Float32frombits(wgNaN)
				if j%ldm < n {
					m[j] = wgValue(r, nans)
				}
			}
			got := make([]float32, guard+h*w+guard)
			for j := range got {
				got[j] = sentinel
			}
			want := append([]float32(nil), got...)
			WinogradOutput(got[guard:len(got)-guard], h, w, m, ldm)
			winogradOutputGo(want[guard:len(want)-guard], h, w, m, ldm)
			if j := sameOrNaN(got, want, nans); j >= 0 {
				j -= guard
				t.Fatalf("%d×%d, ldm %d: y[%d] (row %d, column %d) = %v (%#x), want %v (%#x)", h, w, ldm, j, j/w, j%w,
					got[j+guard], math.Float32bits(got[j+guard]), want[j+guard], math.Float32bits(want[j+guard]))
			}
			for _, j := range []int{guard - 1, 0, h*w + guard, len(got) - 1} {
				if math.Float32bits(got[j]) != math.Float32bits(sentinel) {
					t.Fatalf("%d×%d: guard %d overwritten", h, w, j-guard)
				}
			}
		}
	})
}

// TestWinogradCorrelate: input transform, 16 products with G·g·Gᵀ and
// output transform make a 3×3 correlation with padding 1.
func TestWinogradCorrelate(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(45, 46))
		for _, hw := range [][2]int{{1, 1}, {1, 5}, {2, 2}, {3, 7}, {8, 8}, {13, 31}, {16, 16}, {33, 34}, {40, 65}} {
			h, w := hw[0], hw[1]
			x := make([]float32, h*w)
			for j := range x {
				x[j] = 2*r.Float32() - 1
			}
			var g [3][3]float32
			for i := range g {
				for j := range g[i] {
					g[i][j] = 2*r.Float32() - 1
				}
			}
			// U = G·g·Gᵀ, G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
			G := [4][3]float32{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}}
			var u [16]float32
			for i := range 4 {
				for k := range 4 {
					var s float32
					for a := range 3 {
						for b := range 3 {
							s += G[i][a] * g[a][b] * G[k][b]
						}
					}
					u[4*i+k] = s
				}
			}
			n := ((h + 1) / 2) * ((w + 1) / 2)
			ld := n + 3
			v := make([]float32, 16*ld)
			WinogradInput(v, ld, x, h, w)
			for xi := range 16 {
				for q := range n {
					v[xi*ld+q] *= u[xi]
				}
			}
			y := make([]float32, h*w)
			WinogradOutput(y, h, w, v, ld)
			for oy := range h {
				for ox := range w {
					var want, mag float64
					for a := range 3 {
						for b := range 3 {
							iy, ix := oy+a-1, ox+b-1
							if iy >= 0 && iy < h && ix >= 0 && ix < w {
								p := float64(g[a][b]) * float64(x[iy*w+ix])
								want += p
								mag += math.Abs(p)
							}
						}
					}
					if got := float64(y[oy*w+ox]); math.Abs(got-want) > 1e-5*(1+4*mag) {
						t.Fatalf("%d×%d: y[%d][%d] = %v, want %v", h, w, oy, ox, got, want)
					}
				}
			}
		}
	})
}

func TestWinogradPanics(t *testing.T) {
	x := make([]float32, 100)
	v := make([]float32, 16*25)
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"h 0", func() { WinogradInput(v, 25, x, 0, 10) }},
		{"w 0", func() { WinogradOutput(x, 10, 0, v, 25) }},
		{"ldv", func() { WinogradInput(v, 24, x, 10, 10) }},
		{"short v", func() { WinogradInput(v[:15*25+24], 25, x, 10, 10) }},
		{"short x", func() { WinogradInput(v, 25, x[:99], 10, 10) }},
		{"ldm", func() { WinogradOutput(x, 10, 10, v, 24) }},
		{"short m", func() { WinogradOutput(x, 10, 10, v[:15*25+24], 25) }},
		{"short y", func() { WinogradOutput(x[:99], 10, 10, v, 25) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
	// Exact lengths are enough.
	WinogradInput(v[:15*25+25], 25, x, 10, 10)
	WinogradOutput(x, 10, 10, v[:15*25+25], 25)
}

// BenchmarkWinograd: both transforms of 64 planes per iteration, per
// implementation and plane size; GB/s counts the plane and the 16 rows.
func BenchmarkWinograd(b *testing.B) {
	const planes = 64
	for _, impl := range Implementations() {
		for _, s := range []int{8, 16, 32} {
			n := (s + 1) / 2 * ((s + 1) / 2)
			x := make([]float32, planes*s*s)
			v := make([]float32, planes*16*n)
			r := rand.New(rand.NewPCG(1, 2))
			for i := range x {
				x[i] = 2*r.Float32() - 1
			}
			for i := range v {
				v[i] = 2*r.Float32() - 1
			}
			bytes := float64(4 * (s*s + 16*n))
			report := func(b *testing.B, d time.Duration) {
				per := float64(d.Nanoseconds()) / float64(b.N*planes)
				b.ReportMetric(per, "ns/plane")
				b.ReportMetric(bytes/per, "GB/s")
				b.ReportMetric(0, "ns/op")
			}
			b.Run(fmt.Sprintf("%s/input/%dx%d", impl, s, s), func(b *testing.B) {
				defer mustUse(b, impl)()
				start := time.Now()
				for b.Loop() {
					for p := range planes {
						WinogradInput(v[p*16*n:(p+1)*16*n], n, x[p*s*s:(p+1)*s*s], s, s)
					}
				}
				report(b, time.Since(start))
			})
			b.Run(fmt.Sprintf("%s/output/%dx%d", impl, s, s), func(b *testing.B) {
				defer mustUse(b, impl)()
				start := time.Now()
				for b.Loop() {
					for p := range planes {
						WinogradOutput(x[p*s*s:(p+1)*s*s], s, s, v[p*16*n:(p+1)*16*n], n)
					}
				}
				report(b, time.Since(start))
			})
		}
	}
}
