package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

var planarSizes = [][2]int{{1, 1}, {1, 16}, {2, 2}, {3, 5}, {4, 4}, {5, 5}, {7, 7}, {8, 8}, {9, 9}, {16, 16}, {17, 17}, {2, 40}, {34, 34}, {5, 33}, {3, 32}}

// ref3x3 is tap t of output (y, x) of an h×w plane, or 0 outside it.
func ref3x3(plane []float32, h, w, y, x, t int) float64 {
	iy, ix := y+t/3-1, x+t%3-1
	if iy < 0 || iy >= h || ix < 0 || ix >= w {
		return 0
	}
	return float64(plane[iy*w+ix])
}

// nanTail returns n random floats followed (in the same array) by NaNs,
// which poison any result that reads past the n.
func nanTail(r *rand.Rand, n int) []float32 {
	s := randFloats(r, n+20)
	for i := n; i < len(s); i++ {
		s[i] = float32(math.NaN())
	}
	return s[:n]
}

func TestConv3x3(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, sz := range planarSizes {
			for _, planes := range []int{1, 3} {
				h, w := sz[0], sz[1]
				n := h * w
				g := NewSame3x3(h, w)
				x := nanTail(r, planes*n)
				wt := randFloats(r, 9*planes)
				stage := nanStage(g.StageLen())
				out, check := withGuard(planes*n, float32(math.NaN()))
				Conv3x3(out, x, planes, wt, stage, g)
				check(t)
				for i, v := range stage {
					if v != 0 && (i < w+1 || i >= w+1+n) {
						t.Fatalf("%dx%d: staging buffer's padding %d = %v", h, w, i, v)
					}
				}
				st := make([]float32, g.StageLen())
				for p := range planes {
					want := make([]float32, n)
					g.stageGo(st, x[p*n:])
					conv3x3Go(want, st, g, (*[9]float32)(wt[9*p:]))
					for q, v := range out[p*n : (p+1)*n] {
						var exact, bound float64
						for tap := range 9 {
							x := float64(wt[9*p+tap]) * ref3x3(x[p*n:], h, w, q/w, q%w, tap)
							exact += x
							bound += math.Abs(x)
						}
						if math.Abs(float64(v)-exact) > bound*10*0x1p-24 || v != want[q] {
							t.Fatalf("%dx%d plane %d: out[%d] = %v, want %v (Go loop %v)", h, w, p, q, v, exact, want[q])
						}
					}
				}
			}
		}
	})
}

func TestDot3x3(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(13, 14))
		for _, sz := range planarSizes {
			for _, planes := range []int{1, 2} {
				h, w := sz[0], sz[1]
				n := h * w
				g := NewSame3x3(h, w)
				x := nanTail(r, planes*n)
				gy := nanTail(r, planes*n)
				stage := nanStage(g.StageLen())
				init := randFloats(r, 144*planes)
				lanes, check := withGuard(144*planes, 0)
				copy(lanes, init)
				Dot3x3(lanes, gy, x, planes, stage, g)
				check(t)
				st := make([]float32, g.StageLen())
				for p := range planes {
					want := (*[144]float32)(append([]float32(nil), init[144*p:144*(p+1)]...))
					g.stageGo(st, x[p*n:])
					dot3x3Go(want, gy[p*n:(p+1)*n], st, g)
					for i, v := range lanes[144*p : 144*(p+1)] {
						tap, l := i/16, i%16
						exact, bound := float64(init[144*p+i]), math.Abs(float64(init[144*p+i]))
						for q := l; q < n; q += 16 {
							x := float64(gy[p*n+q]) * ref3x3(x[p*n:], h, w, q/w, q%w, tap)
							exact += x
							bound += math.Abs(x)
						}
						if math.Abs(float64(v)-exact) > bound*float64(n/16+2)*0x1p-24 || v != want[i] {
							t.Fatalf("%dx%d plane %d: lanes[%d] = %v, want %v (Go loop %v)", h, w, p, i, v, exact, want[i])
						}
					}
				}
			}
		}
	})
}
