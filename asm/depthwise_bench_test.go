package asm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchDWImpls runs f as a sub-benchmark once per implementation usable here.
func benchDWImpls(b *testing.B, f func(b *testing.B)) {
	for _, name := range Implementations() {
		b.Run(name, func(b *testing.B) {
			restore, err := Use(name)
			if err != nil {
				b.Fatal(err)
			}
			defer restore()
			f(b)
		})
	}
}

// benchPacked returns a 3×3 (k = 3) or 5×5 tap set over 28×28 planes
// padded to 28+k−1 wide, the packed input and the pixels of an output.
func benchPacked(k int) (TapOffsets, []float32, int) {
	wp := 28 + k - 1
	var offs []int
	for i := range k {
		for j := range k {
			offs = append(offs, i*wp+j)
		}
	}
	t := NewTapOffsets(offs)
	q := 28 * wp
	return t, randFloats(rand.New(rand.NewPCG(1, 1)), 16*(q+t.Max())), q
}

func BenchmarkPackPlanes(b *testing.B) {
	const n = 28 * 28
	pos := make([]int32, n)
	for p := range pos {
		pos[p] = int32(p/28*30 + p%28 + 31) // inside a zero border
	}
	m := NewPixelMap(pos)
	src := randFloats(rand.New(rand.NewPCG(2, 2)), 16*n)
	var offs [16]int
	for l := range offs {
		offs[l] = l * n
	}
	dst := AlignedFloats(m.Need())
	benchDWImpls(b, func(b *testing.B) {
		for range b.N {
			PackPlanes(dst, m, src, &offs, 0)
			UnpackPlanes(src, &offs, 16, dst, m, 0)
		}
	})
}

func BenchmarkConvPacked(b *testing.B) {
	for _, k := range []int{3, 5} {
		t, in, q := benchPacked(k)
		w := randFloats(rand.New(rand.NewPCG(3, 3)), 16*t.Len())
		out := AlignedFloats(16 * q)
		b.Run(fmt.Sprintf("%dx%d", k, k), func(b *testing.B) {
			benchDWImpls(b, func(b *testing.B) {
				for range b.N {
					ConvPacked(out, in, w, t)
				}
			})
		})
	}
}

func BenchmarkDotPacked(b *testing.B) {
	for _, k := range []int{3, 5} {
		t, in, q := benchPacked(k)
		g := randFloats(rand.New(rand.NewPCG(4, 4)), 16*q)
		acc := make([]float32, 16*t.Len())
		b.Run(fmt.Sprintf("%dx%d", k, k), func(b *testing.B) {
			benchDWImpls(b, func(b *testing.B) {
				for range b.N {
					DotPacked(acc, g, in, t)
				}
			})
		})
	}
}

// BenchmarkPlanar3x3 runs Conv3x3 and Dot3x3 on 16 planes of 28×28.
func BenchmarkPlanar3x3(b *testing.B) {
	const planes = 16
	g := NewSame3x3(28, 28)
	r := rand.New(rand.NewPCG(5, 5))
	x, y := randFloats(r, planes*g.Len()), make([]float32, planes*g.Len())
	w, lanes := randFloats(r, 9*planes), make([]float32, 144*planes)
	stage := AlignedFloats(g.StageLen())
	b.Run("Conv3x3", func(b *testing.B) {
		benchDWImpls(b, func(b *testing.B) {
			for range b.N {
				Conv3x3(y, x, planes, w, stage, g)
			}
		})
	})
	b.Run("Dot3x3", func(b *testing.B) {
		benchDWImpls(b, func(b *testing.B) {
			for range b.N {
				Dot3x3(lanes, x, x, planes, stage, g)
			}
		})
	})
}

// BenchmarkPlanarS2 runs the stride-2 kernels on 16 planes of 32×32 and
// of 16×16.
func BenchmarkPlanarS2(b *testing.B) {
	const planes = 16
	for _, w := range []int{16, 32} {
		g, _ := NewStride2x3(w, w)
		r := rand.New(rand.NewPCG(6, 6))
		x, gx := randFloats(r, planes*w*w), make([]float32, planes*w*w)
		y := randFloats(r, planes*g.OutLen())
		wt, lanes := randFloats(r, 9*planes), make([]float32, 144*planes)
		for _, c := range []struct {
			name string
			f    func(stage []float32)
		}{
			{"ConvS2", func(stage []float32) { ConvS2(y, x, planes, wt, stage, g) }},
			{"DotS2", func(stage []float32) { DotS2(lanes, y, x, planes, stage, g) }},
			{"ConvTS2", func(stage []float32) { ConvTS2(gx, y, planes, wt, stage, g) }},
		} {
			stage := AlignedFloats(g.StageLen())
			b.Run(fmt.Sprintf("%s/%dx%d", c.name, w, w), func(b *testing.B) {
				benchDWImpls(b, func(b *testing.B) {
					clear(stage) // each call kind zeroes its own
					for range b.N {
						c.f(stage)
					}
				})
			})
		}
	}
}
