package asm

import (
	"fmt"
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

// TestPoolPlaneEdges sweeps every plane width up to 40 (so every tail of
// the 8- and 16-lane chunks, and inner chunks for strides 1 and 2) over
// windows wider than the padding, windows entirely in the padding, large
// strides and output rows and columns past the plane (ceil mode),
// comparing each implementation with the Go rows bit for bit. The plane
// sits between NaN bands, which would win a max or poison a sum if a
// lane read outside it, and the outputs between sentinels.
func TestPoolPlaneEdges(t *testing.T) {
	nan := float32(math.NaN())
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(35, 36))
		for _, g := range [][6]int{ // kh, kw, sh, sw, ph, pw
			{3, 3, 1, 1, 1, 1}, {3, 3, 2, 2, 1, 1}, {3, 3, 2, 2, 0, 0}, {2, 2, 2, 2, 0, 0},
			{1, 3, 1, 2, 0, 1}, {3, 1, 2, 1, 1, 0}, {2, 5, 1, 1, 0, 2}, {1, 2, 1, 3, 0, 0},
			{2, 4, 1, 4, 1, 3}, {1, 7, 1, 2, 0, 3}, {2, 2, 1, 1, 3, 3}, {1, 9, 2, 5, 0, 4},
		} {
			kh, kw, sh, sw, ph, pw := g[0], g[1], g[2], g[3], g[4], g[5]
			for _, h := range []int{1, 3, 6} {
				for w := 1; w <= 40; w++ {
					if h+2*ph < kh || w+2*pw < kw {
						continue
					}
					ho0, wo0 := (h+2*ph-kh)/sh+1, (w+2*pw-kw)/sw+1
					band := make([]float32, 16+h*w+16)
					for i := range band {
						band[i] = nan
					}
					x := band[16 : 16+h*w : 16+h*w]
					for i := range x {
						switch r.IntN(10) {
						case 0:
							x[i] = nan
						case 1:
							x[i] = float32(math.Inf(-1))
						case 2, 3:
							x[i] = 1
						default:
							x[i] = float32(r.NormFloat64())
						}
					}
					for extra := range 2 {
						ho, wo := ho0+extra, wo0+extra
						name := func() string { return fmt.Sprintf("%v %dx%d to %dx%d", g, h, w, ho, wo) }
						out, check := guarded(ho * wo)
						idx := make([]int32, ho*wo+9)
						for i := range idx {
							idx[i] = -7
						}
						MaxPoolPlane(out, idx, x, h, w, ho, wo, kh, kw, sh, sw, ph, pw)
						check(t)
						for i := ho * wo; i < len(idx); i++ {
							if idx[i] != -7 {
								t.Fatalf("%s: idx[%d] overwritten", name(), i)
							}
						}
						want := make([]float32, wo)
						wantIdx := make([]int32, wo)
						for oy := range ho {
							y0, y1 := max(oy*sh-ph, 0), min(oy*sh-ph+kh, h)
							maxPoolRowGo(want, wantIdx, x, w, y0, y1, kw, sw, pw)
							for ox := range wo {
								got, gi := out[oy*wo+ox], idx[oy*wo+ox]
								if math.Float32bits(got) != math.Float32bits(want[ox]) || gi != wantIdx[ox] {
									t.Fatalf("%s: max out[%d][%d] = %v at %d, want %v at %d", name(), oy, ox, got, gi, want[ox], wantIdx[ox])
								}
							}
						}
						for _, include := range []bool{false, true} {
							// NaNs only in the bands: a read outside the
							// plane turns its sum into a NaN.
							xs := append([]float32(nil), band...)
							for i := 16; i < 16+h*w; i++ {
								if xs[i] != xs[i] || math.IsInf(float64(xs[i]), 0) {
									xs[i] = -0.5
								}
							}
							xa := xs[16 : 16+h*w : 16+h*w]
							out, check := guarded(ho * wo)
							AvgPoolPlane(out, xa, h, w, ho, wo, kh, kw, sh, sw, ph, pw, include)
							check(t)
							for oy := range ho {
								lo := oy*sh - ph
								y0, y1 := max(lo, 0), min(lo+kh, h)
								fh := y1 - y0
								if include {
									fh = min(lo+kh, h+ph) - lo
								}
								avgPoolRowGo(want, xa, w, y0, y1, kw, sw, pw, fh, include)
								for ox := range wo {
									if got := out[oy*wo+ox]; math.Float32bits(got) != math.Float32bits(want[ox]) {
										t.Fatalf("%s include %v: avg out[%d][%d] = %v, want %v", name(), include, oy, ox, got, want[ox])
									}
								}
							}
						}
					}
				}
			}
		}
	})
}

// BenchmarkPoolPlane runs the GoogLeNet and Inception pooling planes
// (3×3 windows, strides 1 and 2; "c": ceil mode, the last window past
// the plane) and a stride-3 one with every implementation.
func BenchmarkPoolPlane(b *testing.B) {
	for _, c := range []struct {
		name            string
		h, kw, s, p, wo int
	}{
		{"s1_28", 28, 3, 1, 1, 28}, {"s1_14", 14, 3, 1, 1, 14}, {"s2_56", 56, 3, 2, 0, 28}, {"s2_112", 112, 3, 2, 0, 56},
		{"s2_28c", 28, 3, 2, 0, 14}, {"s2_14c", 14, 3, 2, 0, 7}, {"s3_27", 27, 3, 3, 0, 9},
	} {
		x := make([]float32, c.h*c.h)
		r := rand.New(rand.NewPCG(1, 2))
		for i := range x {
			x[i] = r.Float32()
		}
		out := make([]float32, c.wo*c.wo)
		idx := make([]int32, c.wo*c.wo)
		for _, name := range Implementations() {
			restore, _ := Use(name)
			b.Run("max/"+c.name+"/"+name, func(b *testing.B) {
				for b.Loop() {
					MaxPoolPlane(out, idx, x, c.h, c.h, c.wo, c.wo, c.kw, c.kw, c.s, c.s, c.p, c.p)
				}
			})
			b.Run("avg/"+c.name+"/"+name, func(b *testing.B) {
				for b.Loop() {
					AvgPoolPlane(out, x, c.h, c.h, c.wo, c.wo, c.kw, c.kw, c.s, c.s, c.p, c.p, false)
				}
			})
			restore()
		}
	}
}
