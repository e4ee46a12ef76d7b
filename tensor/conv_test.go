package tensor

import (
	"fmt"
	"math"
	"runtime"
	"testing"
)

// naiveConv2D is the direct definition: seven nested loops over image,
// output channel, output row and column, input channel of the group, and
// kernel row and column, summing in float64.
func naiveConv2D(x, w *Tensor, p ConvParams) ([]int, []float64) {
	p = p.Norm()
	n, c, h, wd := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	o, cg, kh, kw := w.shape[0], w.shape[1], w.shape[2], w.shape[3]
	og := o / p.Groups
	outSize := func(in, k, s, pad, d int) int {
		return int(math.Floor(float64(in+2*pad-d*(k-1)-1)/float64(s))) + 1
	}
	ho := outSize(h, kh, p.StrideH, p.PadH, p.DilationH)
	wo := outSize(wd, kw, p.StrideW, p.PadW, p.DilationW)
	y := make([]float64, n*o*ho*wo)
	for b := 0; b < n; b++ {
		for oc := 0; oc < o; oc++ {
			g := oc / og
			for oy := 0; oy < ho; oy++ {
				for ox := 0; ox < wo; ox++ {
					var s float64
					for ci := 0; ci < cg; ci++ {
						for ki := 0; ki < kh; ki++ {
							for kj := 0; kj < kw; kj++ {
								iy := oy*p.StrideH - p.PadH + ki*p.DilationH
								ix := ox*p.StrideW - p.PadW + kj*p.DilationW
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								xv := x.data[((b*c+g*cg+ci)*h+iy)*wd+ix]
								wv := w.data[((oc*cg+ci)*kh+ki)*kw+kj]
								s += float64(xv) * float64(wv)
							}
						}
					}
					y[((b*o+oc)*ho+oy)*wo+ox] = s
				}
			}
		}
	}
	return []int{n, o, ho, wo}, y
}

type convCase struct {
	n, c, h, w, o, kh, kw int
	p                     ConvParams
}

func (c convCase) String() string {
	return fmt.Sprintf("x[%d,%d,%d,%d] w[%d,%d,%d,%d] %+v", c.n, c.c, c.h, c.w, c.o, c.c/max(c.p.Groups, 1), c.kh, c.kw, c.p)
}

var convCases = []convCase{
	{1, 1, 5, 5, 1, 3, 3, ConvParams{}},
	{2, 3, 6, 7, 4, 1, 1, ConvParams{}},                                         // 1×1
	{2, 3, 8, 8, 5, 3, 3, ConvParams{PadH: 1, PadW: 1}},                         // same padding
	{1, 2, 7, 9, 3, 3, 3, ConvParams{StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}}, // odd sizes, stride 2
	{2, 2, 9, 9, 2, 3, 3, ConvParams{DilationH: 2, DilationW: 2, PadH: 2, PadW: 2}},
	{1, 3, 6, 10, 2, 2, 3, ConvParams{StrideH: 2, StrideW: 1, PadH: 0, PadW: 1}}, // rectangular
	{1, 2, 5, 11, 3, 3, 1, ConvParams{StrideW: 3, DilationH: 1, DilationW: 1}},
	{2, 4, 7, 7, 6, 3, 3, ConvParams{Groups: 2, PadH: 1, PadW: 1}},
	{2, 5, 8, 8, 5, 3, 3, ConvParams{Groups: 5, PadH: 1, PadW: 1}},                              // depthwise
	{1, 4, 9, 9, 8, 3, 3, ConvParams{Groups: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},      // depthwise ×2
	{1, 6, 10, 8, 6, 3, 2, ConvParams{Groups: 3, DilationH: 2, DilationW: 3, PadH: 2, PadW: 1}}, // grouped, dilated
	{1, 1, 2, 2, 1, 3, 3, ConvParams{PadH: 1, PadW: 1}},                                         // kernel > input
	{1, 2, 7, 7, 2, 2, 2, ConvParams{StrideH: 3, StrideW: 3}},                                   // stride > kernel
	{1, 1, 4, 4, 1, 4, 4, ConvParams{}},                                                         // one output
	{3, 2, 5, 6, 2, 5, 1, ConvParams{PadH: 2, StrideH: 2, DilationW: 2}},
	{1, 3, 1, 9, 2, 1, 3, ConvParams{PadW: 1}}, // 1-row input
	// The SIMD backend's paths (simd_conv.go, simd_plan.go, depthwise.go):
	{3, 4, 4, 4, 5, 3, 3, ConvParams{PadH: 1, PadW: 1}},                                        // spans, images folded (4×4)
	{5, 3, 2, 2, 4, 3, 3, ConvParams{PadH: 1, PadW: 1}},                                        // folded 2×2, ragged segments
	{3, 2, 5, 5, 3, 3, 3, ConvParams{PadH: 1, PadW: 1}},                                        // 25 positions: a span across rows
	{2, 3, 17, 17, 4, 3, 3, ConvParams{PadH: 1, PadW: 1}},                                      // one image per GEMM, ragged panel
	{2, 2, 9, 9, 3, 3, 3, ConvParams{DilationH: 2, DilationW: 2, PadH: 2, PadW: 2}},            // dilated, transposed input grad
	{2, 3, 7, 6, 2, 3, 2, ConvParams{PadH: 2, PadW: 0}},                                        // asymmetric, pad > dil·(k−1) on H
	{2, 5, 6, 6, 3, 1, 1, ConvParams{PadH: 1, PadW: 1}},                                        // padded 1×1: col2im input grad
	{2, 6, 16, 16, 4, 1, 1, ConvParams{}},                                                      // 1×1, 256 positions: direct GEMM
	{3, 6, 6, 6, 4, 1, 1, ConvParams{Groups: 2}},                                               // grouped 1×1, folded
	{2, 4, 16, 16, 6, 3, 3, ConvParams{Groups: 2, PadH: 1, PadW: 1}},                           // grouped, spans
	{2, 4, 9, 7, 8, 3, 3, ConvParams{Groups: 4, PadH: 1, PadW: 1}},                             // depthwise ×2 multiplier, same
	{2, 3, 8, 8, 3, 5, 5, ConvParams{Groups: 3, PadH: 2, PadW: 2}},                             // depthwise 5×5, same
	{1, 3, 9, 9, 3, 3, 3, ConvParams{Groups: 3, DilationH: 2, DilationW: 2, PadH: 2, PadW: 2}}, // depthwise dilated, same
	{2, 3, 7, 9, 3, 3, 3, ConvParams{Groups: 3}},                                               // depthwise unpadded: phased path
	{2, 3, 9, 8, 6, 3, 3, ConvParams{Groups: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},     // depthwise strided ×2
	{1, 2, 10, 11, 2, 3, 2, ConvParams{Groups: 2, StrideH: 3, StrideW: 2, PadH: 1, DilationW: 2}},
	{1, 1, 5, 5, 2, 3, 3, ConvParams{PadH: 1, PadW: 1}},        // one input channel, two outputs: GEMM, not depthwise
	{4, 8, 16, 16, 8, 3, 3, ConvParams{PadH: 1, PadW: 1}},      // big: parallel over images
	{2, 1, 32, 32, 3, 5, 5, ConvParams{}},                      // unpadded 28×28 output: two pieces per segment
	{3, 2, 14, 14, 4, 5, 5, ConvParams{}},                      // unpadded 10×10, folded: up to three pieces
	{2, 2, 6, 7, 3, 3, 3, ConvParams{}},                        // 4×5 output: four pieces
	{2, 2, 5, 5, 2, 3, 3, ConvParams{}},                        // 3×3 output: too many pieces, explicit im2col
	{2, 3, 12, 11, 2, 3, 3, ConvParams{PadW: 1}},               // padded columns only, pieces with ragged masks
	{2, 2, 12, 12, 10, 3, 3, ConvParams{}},                     // unpadded, 10 outputs: GEMM on pieces, folded
	{2, 1, 21, 21, 9, 5, 5, ConvParams{}},                      // unpadded 17×17, 9 outputs: GEMM on pieces
	{2, 4, 9, 8, 6, 3, 2, ConvParams{Groups: 2, DilationH: 2}}, // unpadded, grouped, dilated: direct kernels
	{5, 7, 1, 1, 9, 1, 1, ConvParams{}},                        // 1×1 on 1×1 planes: one GEMM per face
	{3, 4, 1, 1, 6, 1, 1, ConvParams{Groups: 2}},               // grouped 1×1 on 1×1 planes
	{5, 3, 2, 2, 4, 1, 1, ConvParams{}},                        // 1×1 on 2×2 planes: dense folding, 4 pieces
	{9, 3, 2, 4, 5, 1, 1, ConvParams{}},                        // 8 positions: 2 pieces
	{7, 2, 1, 2, 3, 1, 1, ConvParams{}},                        // 2 positions: 8 pieces
	{70, 2, 2, 2, 3, 1, 1, ConvParams{}},                       // two chunks, the last short
}

func TestConv2DVsNaive(t *testing.T) {
	r := NewRNG(60)
	for _, c := range convCases {
		g := max(c.p.Groups, 1)
		x := randT(r, c.n, c.c, c.h, c.w)
		w := randT(r, c.o, c.c/g, c.kh, c.kw)
		got := Conv2D(x, w, c.p)
		shape, want := naiveConv2D(x, w, c.p)
		assertShape(t, c.String(), got.Shape(), shape)
		assertClose(t, c.String(), got.Data(), want, 1e-5, 1e-5)
	}
}

// TestConv2DGradsAdjoint: the input and weight gradients are the adjoints
// of the convolution in each argument:
// <conv(x,w), gy> = <x, InputGrad(gy,w)> = <w, WeightGrad(x,gy)>.
func TestConv2DGradsAdjoint(t *testing.T) {
	r := NewRNG(61)
	for _, c := range convCases {
		g := max(c.p.Groups, 1)
		x := randT(r, c.n, c.c, c.h, c.w)
		w := randT(r, c.o, c.c/g, c.kh, c.kw)
		y := Conv2D(x, w, c.p)
		gy := randT(r, y.Shape()...)
		gx := Conv2DInputGrad(gy, w, c.p, x.Shape())
		gw := Conv2DWeightGrad(x, gy, c.p, w.Shape())
		assertShape(t, "InputGrad", gx.Shape(), x.Shape())
		assertShape(t, "WeightGrad", gw.Shape(), w.Shape())
		lhs := dot64(y, gy)
		scale := sumAbs64(y, gy) + 1
		checkAdjoint(t, "InputGrad "+c.String(), lhs, dot64(x, gx), scale*10)
		checkAdjoint(t, "WeightGrad "+c.String(), lhs, dot64(w, gw), scale*10)
	}
}

// TestConv2DGradsVsNaive checks both gradients element by element against
// their definitions as sums over the naive convolution's terms.
func TestConv2DGradsVsNaive(t *testing.T) {
	r := NewRNG(62)
	for _, c := range convCases[:len(convCases)-1] {
		p := c.p.Norm()
		x := randT(r, c.n, c.c, c.h, c.w)
		w := randT(r, c.o, c.c/p.Groups, c.kh, c.kw)
		ys, _ := naiveConv2D(x, w, p)
		gy := randT(r, ys...)
		wantX := make([]float64, x.Len())
		wantW := make([]float64, w.Len())
		cg, og := c.c/p.Groups, c.o/p.Groups
		for b := 0; b < c.n; b++ {
			for oc := 0; oc < c.o; oc++ {
				gi := oc / og
				for oy := 0; oy < ys[2]; oy++ {
					for ox := 0; ox < ys[3]; ox++ {
						gv := float64(gy.data[((b*c.o+oc)*ys[2]+oy)*ys[3]+ox])
						for ci := 0; ci < cg; ci++ {
							for ki := 0; ki < c.kh; ki++ {
								for kj := 0; kj < c.kw; kj++ {
									iy := oy*p.StrideH - p.PadH + ki*p.DilationH
									ix := ox*p.StrideW - p.PadW + kj*p.DilationW
									if iy < 0 || iy >= c.h || ix < 0 || ix >= c.w {
										continue
									}
									xi := ((b*c.c+gi*cg+ci)*c.h+iy)*c.w + ix
									wi := ((oc*cg+ci)*c.kh+ki)*c.kw + kj
									wantX[xi] += gv * float64(w.data[wi])
									wantW[wi] += gv * float64(x.data[xi])
								}
							}
						}
					}
				}
			}
		}
		assertClose(t, "InputGrad "+c.String(), Conv2DInputGrad(gy, w, p, x.Shape()).Data(), wantX, 1e-5, 1e-5)
		assertClose(t, "WeightGrad "+c.String(), Conv2DWeightGrad(x, gy, p, w.Shape()).Data(), wantW, 1e-5, 1e-4)
	}
}

func TestConvOutSize(t *testing.T) {
	for in := 1; in <= 9; in++ {
		for k := 1; k <= 6; k++ {
			for s := 1; s <= 4; s++ {
				for pad := 0; pad <= 2; pad++ {
					for d := 1; d <= 3; d++ {
						want := int(math.Floor(float64(in+2*pad-d*(k-1)-1)/float64(s))) + 1
						got := ConvOutSize(in, k, s, pad, d)
						if got != want && (got > 0 || want > 0) {
							t.Fatalf("ConvOutSize(in %d, k %d, stride %d, pad %d, dil %d) = %d, want %d", in, k, s, pad, d, got, want)
						}
					}
				}
			}
		}
	}
}

func TestConv2DPanics(t *testing.T) {
	x, w := Ones(1, 4, 5, 5), Ones(2, 4, 3, 3)
	mustPanic(t, "rank", func() { Conv2D(Ones(4, 5, 5), w, ConvParams{}) }, "tensor.Conv2D", "[4 5 5]")
	mustPanic(t, "channels", func() { Conv2D(x, Ones(2, 3, 3, 3), ConvParams{}) }, "tensor.Conv2D", "[1 4 5 5]", "[2 3 3 3]")
	mustPanic(t, "groups", func() { Conv2D(x, Ones(3, 2, 3, 3), ConvParams{Groups: 2}) }, "tensor.Conv2D")
	mustPanic(t, "too small", func() { Conv2D(Ones(1, 4, 2, 2), w, ConvParams{}) }, "tensor.Conv2D", "too small")
	// A kernel that overhangs the input by less than the stride still
	// leaves no valid output position (PyTorch refuses it too).
	mustPanic(t, "overhang < stride", func() {
		Conv2D(Ones(1, 1, 2, 2), Ones(1, 1, 4, 4), ConvParams{StrideH: 3, StrideW: 3})
	}, "tensor.Conv2D", "too small")
	mustPanic(t, "input grad shape", func() {
		Conv2DInputGrad(Ones(1, 2, 4, 4), w, ConvParams{}, x.Shape())
	}, "tensor.Conv2DInputGrad", "[1 2 4 4]")
	mustPanic(t, "weight grad shape", func() {
		Conv2DWeightGrad(x, Ones(1, 3, 3, 3), ConvParams{}, w.Shape())
	}, "tensor.Conv2DWeightGrad", "[1 3 3 3]")
}

func TestConvParamsNorm(t *testing.T) {
	p := ConvParams{PadH: 1}.Norm()
	want := ConvParams{StrideH: 1, StrideW: 1, PadH: 1, DilationH: 1, DilationW: 1, Groups: 1}
	if p != want {
		t.Errorf("Norm() = %+v, want %+v", p, want)
	}
}

// TestConv2DBitwiseThreads requires every face of the convolution to give
// the same bits whatever GOMAXPROCS is, on shapes big enough for the work
// to be split (over images, channels and GEMM blocks).
func TestConv2DBitwiseThreads(t *testing.T) {
	r := NewRNG(63)
	cases := []convCase{
		{5, 16, 16, 16, 16, 3, 3, ConvParams{PadH: 1, PadW: 1}},                                     // spans, one image per GEMM
		{9, 16, 4, 4, 32, 3, 3, ConvParams{PadH: 1, PadW: 1}},                                       // folded images
		{3, 8, 15, 15, 8, 3, 3, ConvParams{StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},               // explicit im2col
		{3, 64, 16, 16, 64, 3, 3, ConvParams{Groups: 64, PadH: 1, PadW: 1}},                         // depthwise, same
		{3, 32, 16, 16, 32, 3, 3, ConvParams{Groups: 32, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}}, // depthwise, phased
		{2, 64, 16, 16, 48, 1, 1, ConvParams{}},                                                     // 1×1
	}
	for _, c := range cases {
		g := max(c.p.Groups, 1)
		x := randT(r, c.n, c.c, c.h, c.w)
		w := randT(r, c.o, c.c/g, c.kh, c.kw)
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

// TestConv2DWritesEveryOutput: the three faces allocate their outputs
// uninitialised, so a backend must write every element. Each output is
// made to reuse released storage poisoned with NaN.
func TestConv2DWritesEveryOutput(t *testing.T) {
	r := NewRNG(64)
	poison := func(shape ...int) {
		p := newTensor(shape)
		for i := range p.data {
			p.data[i] = float32(math.NaN())
		}
		Release(p)
	}
	noNaN := func(what string, c convCase, v []float32) {
		for i, x := range v {
			if x != x {
				t.Fatalf("%s %v: element %d never written", what, c, i)
			}
		}
	}
	for _, c := range convCases {
		c.n *= max(1, 2048/(c.c*c.h*c.w)) // outputs big enough to be pooled
		g := max(c.p.Groups, 1)
		x := randT(r, c.n, c.c, c.h, c.w)
		w := randT(r, c.o, c.c/g, c.kh, c.kw)
		ys, _ := naiveConv2D(Ones(1, c.c, c.h, c.w), w, c.p)
		ys[0] = c.n
		gy := randT(r, ys...)
		poison(ys...)
		noNaN("Conv2D", c, Conv2D(x, w, c.p).data)
		poison(x.Shape()...)
		noNaN("Conv2DInputGrad", c, Conv2DInputGrad(gy, w, c.p, x.Shape()).data)
		poison(w.Shape()...)
		noNaN("Conv2DWeightGrad", c, Conv2DWeightGrad(x, gy, c.p, w.Shape()).data)
	}
}
