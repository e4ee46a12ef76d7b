package backend_test

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// TestConvGeometries covers what the conformance cases leave out: a
// dilation that is not a multiple of the stride (col2im's walk borrows),
// several images with groups, and channels per group above one. The three
// faces are compared with the reference within a sum's tolerance.
func TestConvGeometries(t *testing.T) {
	be, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	r := tensor.NewRNG(31)
	cases := []struct {
		x, w []int
		p    tensor.ConvParams
	}{
		{[]int{2, 4, 9, 10}, []int{6, 2, 3, 2}, tensor.ConvParams{StrideH: 2, StrideW: 3, DilationH: 3, DilationW: 2, PadH: 2, PadW: 1, Groups: 2}},
		{[]int{3, 3, 6, 7}, []int{3, 1, 2, 3}, tensor.ConvParams{StrideH: 3, StrideW: 2, DilationH: 2, DilationW: 5, PadH: 1, PadW: 3, Groups: 3}},
		{[]int{2, 2, 5, 5}, []int{4, 2, 5, 5}, tensor.ConvParams{StrideH: 4, StrideW: 4, PadH: 2, PadW: 2}},
	}
	for _, c := range cases {
		p := c.p.Norm()
		x, w := tensor.Uniform(r, -1, 1, c.x...), tensor.Uniform(r, -1, 1, c.w...)
		ys := []int{c.x[0], c.w[0],
			tensor.ConvOutSize(c.x[2], c.w[2], p.StrideH, p.PadH, p.DilationH),
			tensor.ConvOutSize(c.x[3], c.w[3], p.StrideW, p.PadW, p.DilationW)}
		gy := tensor.Uniform(r, -1, 1, ys...)
		faces := []struct {
			name  string
			shape []int
			run   func(tensor.Backend, *tensor.Tensor)
		}{
			{"Conv2D", ys, func(b tensor.Backend, o *tensor.Tensor) { b.Conv2D(x, w, p, o) }},
			{"InputGrad", c.x, func(b tensor.Backend, o *tensor.Tensor) { b.Conv2DInputGrad(gy, w, p, o) }},
			{"WeightGrad", c.w, func(b tensor.Backend, o *tensor.Tensor) { b.Conv2DWeightGrad(x, gy, p, o) }},
		}
		for _, f := range faces {
			got, want := tensor.Full(float32(math.NaN()), f.shape...), tensor.Zeros(f.shape...)
			before := be.Launches()
			f.run(be, got)
			if be.Launches() == before {
				t.Fatalf("%s %v: no kernel ran", f.name, c.p)
			}
			f.run(tensor.CPU{}, want)
			for i, v := range want.Borrow() {
				if d := math.Abs(float64(got.Borrow()[i] - v)); !(d <= 1e-5) {
					t.Fatalf("%s %v: element %d is %v, want %v", f.name, c.p, i, got.Borrow()[i], v)
				}
			}
		}
	}
}
