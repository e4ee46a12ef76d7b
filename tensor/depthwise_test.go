package tensor

import (
	"math"
	"runtime"
	"testing"

	"github.com/modeldoctor/modeldoctor/asm"
)

// dwCases are depthwise convolutions (groups == channels) through each of
// the SIMD backend's paths: planar 3×3 stride 1 (planes >= 8 wide),
// planar 3×3 stride 2 (planes 16 or 32 wide, read in place or staged),
// and channel-packed for the rest (small planes, 5×5 and 7×7
// kernels, dilation, odd strides, no padding), with channel multipliers
// and channel counts that do and do not fill groups of 16 planes.
var dwCases = []convCase{
	// planar, stride 1
	{2, 5, 8, 8, 5, 3, 3, ConvParams{Groups: 5, PadH: 1, PadW: 1}},
	{2, 3, 17, 17, 3, 3, 3, ConvParams{Groups: 3, PadH: 1, PadW: 1}},
	{1, 2, 34, 34, 2, 3, 3, ConvParams{Groups: 2, PadH: 1, PadW: 1}},
	{2, 3, 9, 9, 3, 3, 3, ConvParams{Groups: 3, PadH: 1, PadW: 1}},
	{2, 18, 16, 16, 18, 3, 3, ConvParams{Groups: 18, PadH: 1, PadW: 1}},
	{2, 3, 16, 16, 6, 3, 3, ConvParams{Groups: 3, PadH: 1, PadW: 1}}, // ×2 multiplier
	{2, 3, 5, 20, 3, 3, 3, ConvParams{Groups: 3, PadH: 1, PadW: 1}},  // rectangular
	{2, 2, 1, 12, 2, 3, 3, ConvParams{Groups: 2, PadH: 1, PadW: 1}},  // one row
	// planar, stride 2 (planes 16 or 32 wide)
	{2, 3, 16, 16, 3, 3, 3, ConvParams{Groups: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},   // in place, two rows a vector
	{2, 2, 14, 16, 2, 3, 3, ConvParams{Groups: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},   // staged, odd output rows
	{1, 2, 5, 16, 2, 3, 3, ConvParams{Groups: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},    // staged, odd height
	{1, 2, 32, 32, 2, 3, 3, ConvParams{Groups: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},   // in place, a row a vector
	{1, 2, 3, 32, 2, 3, 3, ConvParams{Groups: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},    // staged
	{2, 2, 16, 16, 4, 3, 3, ConvParams{Groups: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},   // ×2 multiplier
	{2, 17, 8, 16, 17, 3, 3, ConvParams{Groups: 17, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}}, // 17 channels
	// channel-packed
	{2, 3, 4, 4, 3, 5, 5, ConvParams{Groups: 3, PadH: 2, PadW: 2}},                                // 5×5 on 4×4
	{2, 3, 8, 8, 3, 5, 5, ConvParams{Groups: 3, PadH: 2, PadW: 2}},                                // 5×5 stride 1
	{2, 3, 8, 8, 3, 5, 5, ConvParams{Groups: 3, StrideH: 2, StrideW: 2, PadH: 2, PadW: 2}},        // 5×5 stride 2
	{1, 2, 7, 7, 2, 5, 5, ConvParams{Groups: 2, StrideH: 2, StrideW: 2, PadH: 2, PadW: 2}},        // odd plane
	{2, 3, 8, 8, 6, 5, 5, ConvParams{Groups: 3, StrideH: 2, StrideW: 2, PadH: 2, PadW: 2}},        // ×2 multiplier
	{2, 5, 2, 2, 5, 3, 3, ConvParams{Groups: 5, PadH: 1, PadW: 1}},                                // 2×2 planes
	{2, 5, 4, 4, 5, 3, 3, ConvParams{Groups: 5, PadH: 1, PadW: 1}},                                // 4×4 planes
	{1, 3, 7, 7, 3, 3, 3, ConvParams{Groups: 3, PadH: 1, PadW: 1}},                                // 7 wide
	{3, 5, 1, 1, 5, 3, 3, ConvParams{Groups: 5, PadH: 1, PadW: 1}},                                // 1×1 planes
	{2, 3, 8, 8, 3, 3, 3, ConvParams{Groups: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},        // 4-wide output
	{2, 3, 4, 4, 3, 3, 3, ConvParams{Groups: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},        // 2×2 output
	{2, 3, 9, 9, 3, 3, 3, ConvParams{Groups: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},        // 5×5 output
	{1, 2, 34, 34, 2, 3, 3, ConvParams{Groups: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},      // 17-wide output
	{1, 3, 9, 9, 3, 3, 3, ConvParams{Groups: 3, DilationH: 2, DilationW: 2, PadH: 2, PadW: 2}},    // dilated
	{2, 3, 7, 9, 3, 3, 3, ConvParams{Groups: 3}},                                                  // unpadded
	{1, 2, 10, 11, 2, 3, 2, ConvParams{Groups: 2, StrideH: 3, StrideW: 2, PadH: 1, DilationW: 2}}, // odd strides
	{1, 2, 9, 9, 2, 7, 7, ConvParams{Groups: 2, PadH: 3, PadW: 3}},                                // 7×7: 49 taps
	{2, 3, 6, 6, 3, 3, 3, ConvParams{Groups: 3, PadH: 2, PadW: 2}},                                // padding > (k−1)/2
	{3, 7, 6, 6, 7, 3, 3, ConvParams{Groups: 7, PadH: 1, PadW: 1}},                                // groups across images
	{3, 16, 6, 6, 16, 3, 3, ConvParams{Groups: 16, PadH: 1, PadW: 1}},                             // whole channel groups
	{2, 17, 5, 5, 17, 3, 3, ConvParams{Groups: 17, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},     // 17 channels
	{2, 32, 4, 4, 32, 5, 5, ConvParams{Groups: 32, StrideH: 2, StrideW: 2, PadH: 2, PadW: 2}},     // 4×4 → 2×2
	{1, 3, 12, 12, 3, 1, 1, ConvParams{Groups: 3, StrideH: 2, StrideW: 2}},                        // 1×1 stride 2: empty phases
	{2, 3, 8, 8, 3, 3, 3, ConvParams{Groups: 3, StrideH: 1, StrideW: 2, PadH: 1, PadW: 1}},        // mixed strides
	{2, 3, 16, 16, 3, 3, 3, ConvParams{Groups: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilationH: 2, DilationW: 2}},
}

// dwNaive returns the convolution and both gradients of case c in float64.
func dwNaive(c convCase, x, w, gy *Tensor) (y, gx, gw []float64) {
	p := c.p.Norm()
	ys, y := naiveConv2D(x, w, p)
	gx, gw = make([]float64, x.Len()), make([]float64, w.Len())
	cg, og := c.c/p.Groups, c.o/p.Groups
	for b := range c.n {
		for oc := range c.o {
			gi := oc / og
			for oy := range ys[2] {
				for ox := range ys[3] {
					gv := float64(gy.data[((b*c.o+oc)*ys[2]+oy)*ys[3]+ox])
					for ci := range cg {
						for ki := range c.kh {
							for kj := range c.kw {
								iy := oy*p.StrideH - p.PadH + ki*p.DilationH
								ix := ox*p.StrideW - p.PadW + kj*p.DilationW
								if iy < 0 || iy >= c.h || ix < 0 || ix >= c.w {
									continue
								}
								xi := ((b*c.c+gi*cg+ci)*c.h+iy)*c.w + ix
								wi := ((oc*cg+ci)*c.kh+ki)*c.kw + kj
								gx[xi] += gv * float64(w.data[wi])
								gw[wi] += gv * float64(x.data[xi])
							}
						}
					}
				}
			}
		}
	}
	return y, gx, gw
}

// TestDepthwiseVsNaive checks the three faces of every depthwise case, on
// every asm implementation, against float64 sums, with the outputs
// poisoned (reused NaN storage) so that an unwritten element shows.
func TestDepthwiseVsNaive(t *testing.T) {
	for _, impl := range asm.Implementations() {
		t.Run(impl, func(t *testing.T) {
			restore, err := asm.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			old := SetBackend(SIMD{})
			defer SetBackend(old)
			r := NewRNG(70)
			for _, c := range dwCases {
				if !(convDims{cg: 1, g: c.p.Groups}).depthwise() || c.c != c.p.Groups {
					t.Fatalf("%v is not depthwise", c)
				}
				x := randT(r, c.n, c.c, c.h, c.w)
				w := randT(r, c.o, 1, c.kh, c.kw)
				ys, _ := naiveConv2D(x, w, c.p)
				gy := randT(r, ys...)
				y, gx, gw := dwNaive(c, x, w, gy)
				poisonPool(ys...)
				assertClose(t, "Conv2D "+c.String(), Conv2D(x, w, c.p).Data(), y, 1e-5, 1e-5)
				poisonPool(x.Shape()...)
				assertClose(t, "InputGrad "+c.String(), Conv2DInputGrad(gy, w, c.p, x.Shape()).Data(), gx, 1e-5, 1e-5)
				poisonPool(w.Shape()...)
				assertClose(t, "WeightGrad "+c.String(), Conv2DWeightGrad(x, gy, c.p, w.Shape()).Data(), gw, 1e-5, 1e-4)
			}
		})
	}
}

// poisonPool leaves released storage of the shape filled with NaN, for the
// next allocation of that size to reuse.
func poisonPool(shape ...int) {
	p := newTensor(shape)
	for i := range p.data {
		p.data[i] = float32(math.NaN())
	}
	Release(p)
}

// TestDepthwiseBitwiseThreads requires each path's three faces to give the
// same bits for any GOMAXPROCS.
func TestDepthwiseBitwiseThreads(t *testing.T) {
	r := NewRNG(71)
	cases := []convCase{
		{3, 40, 16, 16, 40, 3, 3, ConvParams{Groups: 40, PadH: 1, PadW: 1}},                         // planar, stride 1
		{3, 40, 16, 16, 40, 3, 3, ConvParams{Groups: 40, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}}, // planar, stride 2
		{3, 40, 8, 8, 40, 5, 5, ConvParams{Groups: 40, StrideH: 2, StrideW: 2, PadH: 2, PadW: 2}},   // packed
		{3, 20, 4, 4, 40, 3, 3, ConvParams{Groups: 20, PadH: 1, PadW: 1}},                           // packed, ×2
	}
	for _, c := range cases {
		x := randT(r, c.n, c.c, c.h, c.w)
		w := randT(r, c.o, 1, c.kh, c.kw)
		var first [3][]float32
		for _, procs := range []int{1, 2, 3, 4} {
			old := runtime.GOMAXPROCS(procs)
			y := Conv2D(x, w, c.p)
			gy := Ones(y.Shape()...)
			for i := range gy.data {
				gy.data[i] = float32(math.Sin(float64(i)))
			}
			got := [3][]float32{y.data, Conv2DInputGrad(gy, w, c.p, x.Shape()).data, Conv2DWeightGrad(x, gy, c.p, w.Shape()).data}
			runtime.GOMAXPROCS(old)
			for f, name := range []string{"Conv2D", "Conv2DInputGrad", "Conv2DWeightGrad"} {
				if first[f] == nil {
					first[f] = got[f]
					continue
				}
				for i := range got[f] {
					if math.Float32bits(got[f][i]) != math.Float32bits(first[f][i]) {
						t.Fatalf("%s %v: GOMAXPROCS=%d gives %v at %d, GOMAXPROCS=1 gave %v", name, c, procs, got[f][i], i, first[f][i])
					}
				}
			}
		}
	}
}
