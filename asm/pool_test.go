package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaxPoolPlane compares every implementation with the reference loop
// (maxPoolRowGo) over window shapes, strides, paddings and widths around
// the 16-lane chunks, on data with ties, -Inf and NaNs of both signs.
func TestMaxPoolPlane(t *testing.T) {
	nan := float32(math.NaN())
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(31, 32))
		for _, g := range [][6]int{ // kh, kw, sh, sw, ph, pw
			{3, 3, 1, 1, 1, 1}, {3, 3, 2, 2, 1, 1}, {3, 3, 2, 2, 0, 0}, {2, 2, 2, 2, 0, 0},
			{3, 2, 1, 2, 1, 0}, {5, 5, 3, 3, 2, 2}, {1, 1, 1, 1, 0, 0},
		} {
			for _, hw := range [][2]int{{1, 1}, {4, 4}, {7, 9}, {16, 16}, {17, 33}, {8, 40}} {
				h, w := hw[0], hw[1]
				kh, kw, sh, sw, ph, pw := g[0], g[1], g[2], g[3], g[4], g[5]
				ho, wo := (h+2*ph-kh)/sh+1, (w+2*pw-kw)/sw+1
				if h+2*ph < kh || w+2*pw < kw || ho <= 0 || wo <= 0 {
					continue
				}
				x := make([]float32, h*w)
				for i := range x {
					switch r.IntN(12) {
					case 0:
						x[i] = nan
					case 1:
						x[i] = -nan
					case 2:
						x[i] = float32(math.Inf(-1))
					case 3, 4:
						x[i] = 1 // ties
					default:
						x[i] = float32(r.NormFloat64())
					}
				}
				out, check := guarded(ho * wo)
				idx := make([]int32, ho*wo+16)
				for i := range idx {
					idx[i] = -7
				}
				MaxPoolPlane(out, idx, x, h, w, ho, wo, kh, kw, sh, sw, ph, pw)
				check(t)
				want := make([]float32, ho*wo)
				wantIdx := make([]int32, ho*wo)
				for oy := range ho {
					y0, y1 := max(oy*sh-ph, 0), min(oy*sh-ph+kh, h)
					maxPoolRowGo(want[oy*wo:(oy+1)*wo], wantIdx[oy*wo:(oy+1)*wo], x, w, y0, y1, kw, sw, pw)
				}
				for i := range want {
					same := out[i] == want[i] || (out[i] != out[i] && want[i] != want[i] && math.Float32bits(out[i]) == math.Float32bits(want[i]))
					if !same || idx[i] != wantIdx[i] {
						t.Fatalf("%v %dx%d: out[%d] = %v at %d, want %v at %d", g, h, w, i, out[i], idx[i], want[i], wantIdx[i])
					}
				}
				for i := ho * wo; i < len(idx); i++ {
					if idx[i] != -7 {
						t.Fatalf("%v %dx%d: idx[%d] overwritten", g, h, w, i)
					}
				}
			}
		}
	})
}

// TestAvgPoolPlane compares every implementation with the reference loop
// (avgPoolRowGo), bit for bit, with and without the padding counted.
func TestAvgPoolPlane(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(33, 34))
		for _, g := range [][6]int{ // kh, kw, sh, sw, ph, pw
			{3, 3, 1, 1, 1, 1}, {3, 3, 2, 2, 1, 1}, {3, 3, 2, 2, 0, 0}, {2, 2, 2, 2, 0, 0},
			{3, 2, 1, 2, 1, 0}, {5, 5, 3, 3, 2, 2}, {1, 1, 1, 1, 0, 0},
		} {
			for _, hw := range [][2]int{{1, 1}, {4, 4}, {7, 9}, {16, 16}, {17, 33}, {8, 40}} {
				for _, include := range []bool{false, true} {
					h, w := hw[0], hw[1]
					kh, kw, sh, sw, ph, pw := g[0], g[1], g[2], g[3], g[4], g[5]
					ho, wo := (h+2*ph-kh)/sh+1, (w+2*pw-kw)/sw+1
					if h+2*ph < kh || w+2*pw < kw || ho <= 0 || wo <= 0 {
						continue
					}
					x := make([]float32, h*w)
					for i := range x {
						x[i] = float32(r.NormFloat64())
					}
					out, check := guarded(ho * wo)
					AvgPoolPlane(out, x, h, w, ho, wo, kh, kw, sh, sw, ph, pw, include)
					check(t)
					for oy := range ho {
						lo := oy*sh - ph
						y0, y1 := max(lo, 0), min(lo+kh, h)
						fh := y1 - y0
						if include {
							fh = min(lo+kh, h+ph) - lo
						}
						want := make([]float32, wo)
						avgPoolRowGo(want, x, w, y0, y1, kw, sw, pw, fh, include)
						for ox := range wo {
							if got := out[oy*wo+ox]; math.Float32bits(got) != math.Float32bits(want[ox]) {
								t.Fatalf("%v %dx%d include %v: out[%d][%d] = %v, want %v", g, h, w, include, oy, ox, got, want[ox])
							}
						}
					}
				}
			}
		}
	})
}
