package tensor

import (
	"fmt"
	"math"
	"testing"
)

// refPoolOut is PyTorch's pooling_output_shape (dilation 1) written with
// real floor division.
func refPoolOut(in, k, s, pad int, ceil bool) int {
	num := in + 2*pad - k
	if ceil {
		num += s - 1
	}
	o := int(math.Floor(float64(num)/float64(s))) + 1
	if ceil && (o-1)*s >= in+pad {
		o--
	}
	return o
}

func TestPoolOutSize(t *testing.T) {
	for in := 1; in <= 10; in++ {
		for k := 1; k <= 5; k++ {
			for s := 1; s <= 4; s++ {
				for pad := 0; 2*pad <= k; pad++ {
					for _, ceil := range []bool{false, true} {
						want := refPoolOut(in, k, s, pad, ceil)
						got := PoolOutSize(in, k, s, pad, ceil)
						if got != want && (got > 0 || want > 0) {
							t.Fatalf("PoolOutSize(in %d, k %d, s %d, pad %d, ceil %v) = %d, want %d", in, k, s, pad, ceil, got, want)
						}
					}
				}
			}
		}
	}
	// Known PyTorch sizes.
	cases := []struct {
		in, k, s, pad int
		ceil          bool
		want          int
	}{
		{112, 3, 2, 1, false, 56}, // ResNet stem
		{7, 2, 2, 0, false, 3},
		{7, 2, 2, 0, true, 4},
		{6, 3, 2, 1, true, 4},
		{5, 2, 2, 1, true, 3}, // the last window would start in the padding
		{13, 3, 2, 0, true, 6},
		{55, 3, 2, 0, true, 27}, // SqueezeNet-style
	}
	for _, c := range cases {
		if got := PoolOutSize(c.in, c.k, c.s, c.pad, c.ceil); got != c.want {
			t.Errorf("PoolOutSize(%d, %d, %d, %d, %v) = %d, want %d", c.in, c.k, c.s, c.pad, c.ceil, got, c.want)
		}
	}
}

type poolCase struct {
	n, c, h, w int
	p          PoolParams
}

var poolCases = []poolCase{
	{1, 1, 4, 4, PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}},
	{2, 3, 7, 7, PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
	{1, 2, 7, 9, PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, CeilMode: true}},
	{1, 2, 6, 6, PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CeilMode: true}},
	{2, 1, 5, 5, PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CeilMode: true}},
	{1, 3, 8, 5, PoolParams{KH: 3, KW: 2, StrideH: 1, StrideW: 2, PadH: 1, CeilMode: true}},
	{1, 1, 5, 6, PoolParams{KH: 1, KW: 1, StrideH: 2, StrideW: 3}},
	{1, 2, 9, 9, PoolParams{KH: 4, KW: 4, StrideH: 3, StrideW: 3, PadH: 2, PadW: 2, CeilMode: true}},
	{1, 1, 3, 3, PoolParams{KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}},
	{8, 16, 32, 32, PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}}, // parallel
	{2, 3, 18, 35, PoolParams{KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}},  // GoogLeNet's, 3 chunks of 16
}

func (c poolCase) String() string { return fmt.Sprintf("x[%d,%d,%d,%d] %+v", c.n, c.c, c.h, c.w, c.p) }

// naiveMaxPool scans each window, clipped to the input, keeping the first
// maximum.
func naiveMaxPool(x *Tensor, p PoolParams) ([]int, []float32, []int) {
	n, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	ho := refPoolOut(h, p.KH, p.StrideH, p.PadH, p.CeilMode)
	wo := refPoolOut(w, p.KW, p.StrideW, p.PadW, p.CeilMode)
	out := make([]float32, n*c*ho*wo)
	idx := make([]int, len(out))
	for pl := 0; pl < n*c; pl++ {
		for oy := 0; oy < ho; oy++ {
			for ox := 0; ox < wo; ox++ {
				best, bi := float32(math.Inf(-1)), -1
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadH+ky, ox*p.StrideW-p.PadW+kx
						if iy < 0 || iy >= h || ix < 0 || ix >= w {
							continue
						}
						if v := x.data[(pl*h+iy)*w+ix]; bi < 0 || v > best {
							best, bi = v, iy*w+ix
						}
					}
				}
				o := (pl*ho+oy)*wo + ox
				out[o], idx[o] = best, bi
			}
		}
	}
	return []int{n, c, ho, wo}, out, idx
}

func TestMaxPool2DVsNaive(t *testing.T) {
	r := NewRNG(70)
	for _, c := range poolCases {
		for _, gen := range []func(*RNG, ...int) *Tensor{randT, quantized} { // quantized: ties
			x := gen(r, c.n, c.c, c.h, c.w)
			got, idx := MaxPool2D(x, c.p)
			shape, want, wantIdx := naiveMaxPool(x, c.p)
			assertShape(t, c.String(), got.Shape(), shape)
			assertShape(t, c.String()+" indices", idx.Shape, shape)
			assertExact(t, c.String(), got.Data(), want)
			for i := range wantIdx {
				if idx.Data[i] != wantIdx[i] {
					t.Fatalf("%s: index %d is %d, want %d", c, i, idx.Data[i], wantIdx[i])
				}
			}
		}
	}
}

func TestMaxPool2DNaN(t *testing.T) {
	nan := float32(math.NaN())
	x := New([]float32{1, nan, 3, 4}, 1, 1, 2, 2)
	y, idx := MaxPool2D(x, PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2})
	if v := y.Item(); v == v || idx.Data[0] != 1 {
		t.Errorf("MaxPool2D over a NaN = %v at %d, want NaN at 1 (PyTorch propagates NaN)", v, idx.Data[0])
	}
}

// TestAvgPool2DPyTorchValues pins values worked out by hand with PyTorch's
// rule: the include-pad divisor is the window clipped to input+padding,
// the exclude-pad divisor the window clipped to the input.
func TestAvgPool2DPyTorchValues(t *testing.T) {
	frac := func(s ...float64) []float32 {
		out := make([]float32, len(s)/2)
		for i := range out {
			out[i] = float32(s[2*i] / s[2*i+1])
		}
		return out
	}
	cases := []struct {
		name string
		h, w int
		p    PoolParams
		want []float32
	}{
		// F.avg_pool2d(arange(16).view(1,1,4,4), 3, 2, 1)
		{"k3 s2 p1 include", 4, 4, PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CountIncludePad: true},
			frac(10, 9, 24, 9, 51, 9, 90, 9)},
		// ... count_include_pad=False
		{"k3 s2 p1 exclude", 4, 4, PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1},
			frac(10, 4, 24, 6, 51, 6, 90, 9)},
		// F.avg_pool2d(arange(16).view(1,1,4,4), 3, 2, ceil_mode=True) = [[5, 6.5], [11, 12.5]]
		{"k3 s2 ceil", 4, 4, PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, CeilMode: true, CountIncludePad: true},
			[]float32{5, 6.5, 11, 12.5}},
		// F.avg_pool2d(arange(36).view(1,1,6,6), 3, 2, 1, ceil_mode=True):
		// the last window covers row/col 5 and one padding row/col, so
		// its include-pad divisor is 2 per axis (not 3, not 1).
		{"k3 s2 p1 ceil include", 6, 6, PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CeilMode: true, CountIncludePad: true},
			frac(14, 9, 30, 9, 42, 9, 16, 6,
				75, 9, 126, 9, 144, 9, 51, 6,
				147, 9, 234, 9, 252, 9, 87, 6,
				61, 6, 96, 6, 102, 6, 35, 4)},
		{"k3 s2 p1 ceil exclude", 6, 6, PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CeilMode: true},
			frac(14, 4, 30, 6, 42, 6, 16, 2,
				75, 6, 126, 9, 144, 9, 51, 3,
				147, 6, 234, 9, 252, 9, 87, 3,
				61, 2, 96, 3, 102, 3, 35, 1)},
		// F.avg_pool2d(arange(25).view(1,1,5,5), 2, 2, 1, ceil_mode=True)
		{"k2 s2 p1 ceil include", 5, 5, PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CeilMode: true, CountIncludePad: true},
			frac(0, 4, 3, 4, 7, 4, 15, 4, 36, 4, 44, 4, 35, 4, 76, 4, 84, 4)},
		{"k2 s2 p1 ceil exclude", 5, 5, PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CeilMode: true},
			frac(0, 1, 3, 2, 7, 2, 15, 2, 36, 4, 44, 4, 35, 2, 76, 4, 84, 4)},
	}
	for _, c := range cases {
		x := Arange(c.h*c.w).Reshape(1, 1, c.h, c.w)
		got := AvgPool2D(x, c.p)
		assertClose(t, c.name, got.Data(), f64s(c.want), 1e-6, 0)
	}
}

// naiveAvgPool averages each window with PyTorch's divisors.
func naiveAvgPool(x *Tensor, p PoolParams) []float64 {
	n, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	ho := refPoolOut(h, p.KH, p.StrideH, p.PadH, p.CeilMode)
	wo := refPoolOut(w, p.KW, p.StrideW, p.PadW, p.CeilMode)
	out := make([]float64, n*c*ho*wo)
	for pl := 0; pl < n*c; pl++ {
		for oy := 0; oy < ho; oy++ {
			for ox := 0; ox < wo; ox++ {
				var s float64
				inside, padded := 0, 0
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadH+ky, ox*p.StrideW-p.PadW+kx
						if iy < h+p.PadH && ix < w+p.PadW {
							padded++
						}
						if iy < 0 || iy >= h || ix < 0 || ix >= w {
							continue
						}
						inside++
						s += float64(x.data[(pl*h+iy)*w+ix])
					}
				}
				div := inside
				if p.CountIncludePad {
					div = padded
				}
				out[(pl*ho+oy)*wo+ox] = s / float64(div)
			}
		}
	}
	return out
}

func TestAvgPool2DVsNaiveAndTransposeAdjoint(t *testing.T) {
	r := NewRNG(71)
	for _, c := range poolCases {
		for _, inc := range []bool{false, true} {
			p := c.p
			p.CountIncludePad = inc
			what := poolCase{c.n, c.c, c.h, c.w, p}.String()
			x := randT(r, c.n, c.c, c.h, c.w)
			y := AvgPool2D(x, p)
			assertClose(t, what, y.Data(), naiveAvgPool(x, p), 1e-5, 1e-6)
			gy := randT(r, y.Shape()...)
			gx := AvgPool2DTranspose(gy, p, x.Shape())
			assertShape(t, what, gx.Shape(), x.Shape())
			checkAdjoint(t, "AvgPool2DTranspose "+what, dot64(y, gy), dot64(x, gx), sumAbs64(y, gy)+1)
		}
	}
}

func TestAdaptiveAvgPool2D(t *testing.T) {
	// PyTorch's windows [floor(i·H/oh), ceil((i+1)·H/oh)).
	x := Arange(7).Reshape(1, 1, 1, 7)
	got := AdaptiveAvgPool2D(x, 1, 3)
	// windows [0,3) [2,5) [4,7)
	assertClose(t, "7→3", got.Data(), []float64{1, 3, 5}, 1e-7, 0)
	got = AdaptiveAvgPool2D(Arange(5).Reshape(1, 1, 5, 1), 3, 1)
	// windows [0,2) [1,4) [3,5)
	assertClose(t, "5→3", got.Data(), []float64{0.5, 2, 3.5}, 1e-7, 0)
	got = AdaptiveAvgPool2D(Arange(2).Reshape(1, 1, 1, 2), 1, 4)
	// upsampling: windows [0,1) [0,1) [1,2) [1,2)
	assertClose(t, "2→4", got.Data(), []float64{0, 0, 1, 1}, 0, 0)

	r := NewRNG(72)
	sizes := [][4]int{{7, 7, 1, 1}, {7, 9, 3, 4}, {10, 10, 4, 4}, {5, 6, 5, 6}, {3, 2, 6, 5}, {13, 8, 7, 3}}
	for _, s := range sizes {
		x := randT(r, 2, 3, s[0], s[1])
		y := AdaptiveAvgPool2D(x, s[2], s[3])
		assertShape(t, "AdaptiveAvgPool2D", y.Shape(), []int{2, 3, s[2], s[3]})
		want := make([]float64, y.Len())
		for pl := 0; pl < 6; pl++ {
			for i := 0; i < s[2]; i++ {
				y0 := int(math.Floor(float64(i*s[0]) / float64(s[2])))
				y1 := int(math.Ceil(float64((i+1)*s[0]) / float64(s[2])))
				for j := 0; j < s[3]; j++ {
					x0 := int(math.Floor(float64(j*s[1]) / float64(s[3])))
					x1 := int(math.Ceil(float64((j+1)*s[1]) / float64(s[3])))
					var sum float64
					for a := y0; a < y1; a++ {
						for b := x0; b < x1; b++ {
							sum += float64(x.data[(pl*s[0]+a)*s[1]+b])
						}
					}
					want[(pl*s[2]+i)*s[3]+j] = sum / float64((y1-y0)*(x1-x0))
				}
			}
		}
		what := fmt.Sprint("AdaptiveAvgPool2D ", s)
		assertClose(t, what, y.Data(), want, 1e-5, 1e-6)
		gy := randT(r, y.Shape()...)
		gx := AdaptiveAvgPool2DTranspose(gy, x.Shape())
		checkAdjoint(t, what, dot64(y, gy), dot64(x, gx), sumAbs64(y, gy)+1)
	}
}

func TestPoolPanics(t *testing.T) {
	p := PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	mustPanic(t, "MaxPool2D rank", func() { MaxPool2D(Ones(3, 4, 4), p) }, "tensor.MaxPool2D", "[3 4 4]")
	mustPanic(t, "AvgPool2D rank", func() { AvgPool2D(Ones(4, 4), p) }, "tensor.AvgPool2D")
	mustPanic(t, "bad window", func() { MaxPool2D(Ones(1, 1, 4, 4), PoolParams{KH: 2, KW: 2}) }, "tensor.MaxPool2D", "bad window")
	mustPanic(t, "pad > k/2", func() {
		AvgPool2D(Ones(1, 1, 4, 4), PoolParams{KH: 2, KW: 2, StrideH: 1, StrideW: 1, PadH: 2})
	}, "tensor.AvgPool2D", "padding")
	mustPanic(t, "too small", func() {
		MaxPool2D(Ones(1, 1, 2, 2), PoolParams{KH: 3, KW: 3, StrideH: 1, StrideW: 1})
	}, "tensor.MaxPool2D", "too small")
	// A window that overhangs the input by less than the stride: PyTorch
	// refuses it ("Output size is too small").
	mustPanic(t, "overhang < stride", func() {
		MaxPool2D(Ones(1, 1, 2, 2), PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2})
	}, "tensor.MaxPool2D", "too small")
	mustPanic(t, "overhang < stride ceil", func() {
		AvgPool2D(Ones(1, 1, 1, 1), PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, CeilMode: true})
	}, "tensor.AvgPool2D", "too small")
	mustPanic(t, "AvgPool2DTranspose", func() { AvgPool2DTranspose(Ones(1, 1, 3, 3), p, []int{1, 1, 4, 4}) }, "tensor.AvgPool2DTranspose", "[1 1 3 3]")
	mustPanic(t, "Adaptive", func() { AdaptiveAvgPool2D(Ones(1, 1, 4, 4), 0, 2) }, "tensor.AdaptiveAvgPool2D")
	mustPanic(t, "AdaptiveTranspose", func() { AdaptiveAvgPool2DTranspose(Ones(2, 1, 2, 2), []int{1, 1, 4, 4}) }, "tensor.AdaptiveAvgPool2DTranspose")
}
