package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// s2Sizes are planes 16 and 32 wide: in place and staged, even and odd
// heights.
var s2Sizes = [][2]int{{1, 16}, {2, 16}, {3, 16}, {4, 16}, {7, 16}, {16, 16}, {14, 16}, {15, 16}, {1, 32}, {2, 32}, {16, 32}, {17, 32}, {33, 32}, {6, 32}}

func TestNewStride2x3(t *testing.T) {
	for _, c := range []struct {
		h, w int
		ok   bool
		r    int64
	}{{16, 14, false, 0}, {16, 15, false, 0}, {16, 16, true, 2}, {16, 17, false, 0}, {4, 32, true, 1}, {4, 33, false, 0}, {0, 16, false, 0}, {1, 16, true, 2}} {
		g, ok := NewStride2x3(c.h, c.w)
		if ok != c.ok || ok && g.a.r != c.r {
			t.Errorf("NewStride2x3(%d, %d): ok %v, want %v (r %d)", c.h, c.w, ok, c.ok, c.r)
		}
	}
}

// refS2 is tap t of output (oy, ox) of an h×w plane at stride 2, or 0.
func refS2(x []float32, h, w, oy, ox, t int) float64 {
	iy, ix := 2*oy+t/3-1, 2*ox+t%3-1
	if iy < 0 || iy >= h || ix < 0 || ix >= w {
		return 0
	}
	return float64(x[iy*w+ix])
}

// nanStage returns a zeroed staging buffer followed by NaNs, which poison
// any result that reads past it.
func nanStage(n int) []float32 {
	s := AlignedFloats(n + 48)
	for i := n; i < len(s); i++ {
		s[i] = float32(math.NaN())
	}
	return s[:n]
}

// goS2 runs f with the Go loops.
func goS2(f func()) {
	restore, _ := Use("purego")
	defer restore()
	f()
}

func TestConvS2(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(15, 16))
		for _, sz := range s2Sizes {
			for _, planes := range []int{1, 3} {
				h, w := sz[0], sz[1]
				g, _ := NewStride2x3(h, w)
				n, m := h*w, g.OutLen()
				x := nanTail(r, planes*n)
				wt := randFloats(r, 9*planes)
				out, check := withGuard(planes*m, float32(math.NaN()))
				ConvS2(out, x, planes, wt, nanStage(g.StageLen()), g)
				check(t)
				want := make([]float32, planes*m)
				goS2(func() { ConvS2(want, x, planes, wt, make([]float32, g.StageLen()), g) })
				for i, v := range out {
					p, q := i/m, i%m
					var exact, bound float64
					for tap := range 9 {
						x := float64(wt[9*p+tap]) * refS2(x[p*n:], h, w, q/g.wo, q%g.wo, tap)
						exact += x
						bound += math.Abs(x)
					}
					if math.Abs(float64(v)-exact) > bound*10*0x1p-24 || v != want[i] {
						t.Fatalf("%dx%d plane %d: out[%d] = %v, want %v (Go loop %v)", h, w, p, q, v, exact, want[i])
					}
				}
			}
		}
	})
}

func TestDotS2(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(17, 18))
		for _, sz := range s2Sizes {
			for _, planes := range []int{1, 2} {
				h, w := sz[0], sz[1]
				g, _ := NewStride2x3(h, w)
				n, m := h*w, g.OutLen()
				x := nanTail(r, planes*n)
				gy := nanTail(r, planes*m)
				init := randFloats(r, 144*planes)
				lanes, check := withGuard(144*planes, 0)
				copy(lanes, init)
				DotS2(lanes, gy, x, planes, nanStage(g.StageLen()), g)
				check(t)
				want := append([]float32(nil), init...)
				goS2(func() { DotS2(want, gy, x, planes, make([]float32, g.StageLen()), g) })
				// The taps' sums over each plane, whatever the lanes.
				for p := range planes {
					for tap := range 9 {
						var got, exact, bound float64
						for l := range 16 {
							got += float64(lanes[144*p+16*tap+l]) - float64(init[144*p+16*tap+l])
						}
						for q := range m {
							x := float64(gy[p*m+q]) * refS2(x[p*n:], h, w, q/g.wo, q%g.wo, tap)
							exact += x
							bound += math.Abs(x)
						}
						if math.Abs(got-exact) > (bound+16)*float64(m/16+4)*0x1p-23 {
							t.Fatalf("%dx%d plane %d tap %d: sum %v, want %v", h, w, p, tap, got, exact)
						}
					}
				}
				for i, v := range lanes {
					if v != want[i] {
						t.Fatalf("%dx%d: lanes[%d] = %v, Go loop %v", h, w, i, v, want[i])
					}
				}
			}
		}
	})
}

func TestConvTS2(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(19, 20))
		for _, sz := range s2Sizes {
			for _, planes := range []int{1, 3} {
				h, w := sz[0], sz[1]
				g, _ := NewStride2x3(h, w)
				n, m := h*w, g.OutLen()
				gy := nanTail(r, planes*m)
				wt := randFloats(r, 9*planes)
				gx, check := withGuard(planes*n, float32(math.NaN()))
				ConvTS2(gx, gy, planes, wt, nanStage(g.StageLen()), g)
				check(t)
				want := make([]float32, planes*n)
				goS2(func() { ConvTS2(want, gy, planes, wt, make([]float32, g.StageLen()), g) })
				// gx = Aᵀ·gy where A is the forward map: accumulate Aᵀ directly.
				exact, bound := make([]float64, planes*n), make([]float64, planes*n)
				for p := range planes {
					for oy := range g.ho {
						for ox := range g.wo {
							for tap := range 9 {
								iy, ix := 2*oy+tap/3-1, 2*ox+tap%3-1
								if iy < 0 || iy >= h || ix < 0 || ix >= w {
									continue
								}
								v := float64(wt[9*p+tap]) * float64(gy[p*m+oy*g.wo+ox])
								exact[p*n+iy*w+ix] += v
								bound[p*n+iy*w+ix] += math.Abs(v)
							}
						}
					}
				}
				for i, v := range gx {
					if math.Abs(float64(v)-exact[i]) > bound[i]*10*0x1p-24 || v != want[i] {
						t.Fatalf("%dx%d: gx[%d] = %v, want %v (Go loop %v)", h, w, i, v, exact[i], want[i])
					}
				}
			}
		}
	})
}
