package conformance

import (
	"fmt"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// convCase is an input [N,C,H,W], a weight [O,C/groups,KH,KW] and the
// geometry.
type convCase struct {
	n, c, h, w, o, kh, kw int
	p                     tensor.ConvParams
}

var convCases = []convCase{
	{1, 1, 5, 5, 1, 3, 3, tensor.ConvParams{}},
	{2, 3, 7, 6, 4, 3, 3, tensor.ConvParams{PadH: 1, PadW: 1}},
	{2, 3, 9, 8, 5, 3, 2, tensor.ConvParams{StrideH: 2, StrideW: 3, PadH: 1}},
	{1, 2, 9, 9, 3, 3, 3, tensor.ConvParams{DilationH: 2, DilationW: 3, PadW: 2}},
	{2, 4, 6, 6, 6, 3, 3, tensor.ConvParams{Groups: 2, PadH: 1, PadW: 1}},
	{2, 4, 7, 5, 4, 3, 3, tensor.ConvParams{Groups: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}}, // depthwise
	{1, 6, 4, 4, 8, 1, 1, tensor.ConvParams{}},                                                    // pointwise
	{1, 8, 5, 5, 16, 1, 1, tensor.ConvParams{Groups: 4, StrideH: 2, StrideW: 2}},
	{3, 2, 3, 3, 2, 5, 5, tensor.ConvParams{PadH: 2, PadW: 2}}, // kernel larger than the input
}

// shapes returns the input, weight and output shapes of c.
func (c convCase) shapes() (x, w, y []int, p tensor.ConvParams) {
	p = c.p.Norm()
	ho := tensor.ConvOutSize(c.h, c.kh, p.StrideH, p.PadH, p.DilationH)
	wo := tensor.ConvOutSize(c.w, c.kw, p.StrideW, p.PadW, p.DilationW)
	return []int{c.n, c.c, c.h, c.w}, []int{c.o, c.c / p.Groups, c.kh, c.kw}, []int{c.n, c.o, ho, wo}, p
}

func (c convCase) String() string {
	return fmt.Sprintf("x[%d,%d,%d,%d] w[%d,%d,%d] %+v", c.n, c.c, c.h, c.w, c.o, c.kh, c.kw, c.p)
}

func testConv2D(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(105)
	for _, c := range convCases {
		xs, ws, ys, p := c.shapes()
		x, w := rand(r, xs...), rand(r, ws...)
		got, want, bound := nan(ys...), nan(ys...), nan(ys...)
		b.Conv2D(x, w, p, got)
		ref.Conv2D(x, w, p, want)
		ref.Conv2D(abs(x), abs(w), p, bound)
		sumClose(t, c.String(), got.Borrow(), want.Borrow(), bound.Borrow())
	}
}

func testConv2DInputGrad(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(106)
	for _, c := range convCases {
		xs, ws, ys, p := c.shapes()
		gy, w := rand(r, ys...), rand(r, ws...)
		got, want, bound := nan(xs...), nan(xs...), nan(xs...)
		b.Conv2DInputGrad(gy, w, p, got)
		ref.Conv2DInputGrad(gy, w, p, want)
		ref.Conv2DInputGrad(abs(gy), abs(w), p, bound)
		sumClose(t, c.String(), got.Borrow(), want.Borrow(), bound.Borrow())
	}
}

func testConv2DWeightGrad(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(107)
	for _, c := range convCases {
		xs, ws, ys, p := c.shapes()
		x, gy := rand(r, xs...), rand(r, ys...)
		got, want, bound := nan(ws...), nan(ws...), nan(ws...)
		b.Conv2DWeightGrad(x, gy, p, got)
		ref.Conv2DWeightGrad(x, gy, p, want)
		ref.Conv2DWeightGrad(abs(x), abs(gy), p, bound)
		sumClose(t, c.String(), got.Borrow(), want.Borrow(), bound.Borrow())
	}
}
