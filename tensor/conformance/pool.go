package conformance

import (
	"fmt"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// poolCase is an input [N,C,H,W] and a window.
type poolCase struct {
	n, c, h, w int
	p          tensor.PoolParams
}

var poolCases = []poolCase{
	{2, 3, 8, 8, tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}},
	{1, 2, 7, 9, tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}}, // odd sizes: a row and column left over
	{2, 2, 9, 7, tensor.PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
	{1, 3, 7, 7, tensor.PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, CeilMode: true}},
	{1, 2, 6, 9, tensor.PoolParams{KH: 3, KW: 2, StrideH: 1, StrideW: 3, PadH: 1, CeilMode: true}},
	{2, 1, 5, 5, tensor.PoolParams{KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, CountIncludePad: true}},
	{1, 2, 10, 6, tensor.PoolParams{KH: 4, KW: 2, StrideH: 3, StrideW: 1, PadH: 2, CountIncludePad: true, CeilMode: true}},
}

func (c poolCase) in() []int { return []int{c.n, c.c, c.h, c.w} }

func (c poolCase) out() []int {
	ho := tensor.PoolOutSize(c.h, c.p.KH, c.p.StrideH, c.p.PadH, c.p.CeilMode)
	wo := tensor.PoolOutSize(c.w, c.p.KW, c.p.StrideW, c.p.PadW, c.p.CeilMode)
	return []int{c.n, c.c, ho, wo}
}

func (c poolCase) String() string { return fmt.Sprintf("%v %+v", c.in(), c.p) }

func testMaxPool2D(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(108)
	for _, c := range poolCases {
		x := rand(r, c.in()...)
		got, want := nan(c.out()...), nan(c.out()...)
		gi, wi := make([]int32, got.Len()), make([]int32, want.Len())
		for i := range gi {
			gi[i], wi[i] = -1, -1
		}
		b.MaxPool2D(x, c.p, got, gi)
		ref.MaxPool2D(x, c.p, want, wi)
		exact(t, c.String(), got.Borrow(), want.Borrow())
		for i := range wi {
			if gi[i] != wi[i] {
				t.Fatalf("%v: index %d is %d, want %d", c, i, gi[i], wi[i])
			}
		}
	}
}

func testAvgPool2D(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(109)
	for _, c := range poolCases {
		x := rand(r, c.in()...)
		got, want, bound := nan(c.out()...), nan(c.out()...), nan(c.out()...)
		b.AvgPool2D(x, c.p, got)
		ref.AvgPool2D(x, c.p, want)
		ref.AvgPool2D(abs(x), c.p, bound)
		sumClose(t, c.String(), got.Borrow(), want.Borrow(), bound.Borrow())
	}
}

// The transposes add into their output, which the tensor API hands them
// zeroed.
func testAvgPool2DTranspose(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(110)
	for _, c := range poolCases {
		gy := rand(r, c.out()...)
		got, want, bound := tensor.Zeros(c.in()...), tensor.Zeros(c.in()...), tensor.Zeros(c.in()...)
		b.AvgPool2DTranspose(gy, c.p, got)
		ref.AvgPool2DTranspose(gy, c.p, want)
		ref.AvgPool2DTranspose(abs(gy), c.p, bound)
		sumClose(t, c.String(), got.Borrow(), want.Borrow(), bound.Borrow())
	}
}

// adaptiveCases are input and output planes: shrinking evenly and
// unevenly, to one, and growing (overlapping windows).
var adaptiveCases = [][4]int{{6, 6, 3, 3}, {7, 5, 3, 2}, {5, 7, 1, 1}, {3, 4, 7, 9}, {1, 1, 2, 3}}

func testAdaptiveAvgPool2D(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(111)
	for _, c := range adaptiveCases {
		x := rand(r, 2, 3, c[0], c[1])
		got, want, bound := nan(2, 3, c[2], c[3]), nan(2, 3, c[2], c[3]), nan(2, 3, c[2], c[3])
		b.AdaptiveAvgPool2D(x, got)
		ref.AdaptiveAvgPool2D(x, want)
		ref.AdaptiveAvgPool2D(abs(x), bound)
		sumClose(t, fmt.Sprint(c), got.Borrow(), want.Borrow(), bound.Borrow())
	}
}

func testAdaptiveAvgPool2DTranspose(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(112)
	for _, c := range adaptiveCases {
		gy := rand(r, 2, 3, c[2], c[3])
		got, want, bound := tensor.Zeros(2, 3, c[0], c[1]), tensor.Zeros(2, 3, c[0], c[1]), tensor.Zeros(2, 3, c[0], c[1])
		b.AdaptiveAvgPool2DTranspose(gy, got)
		ref.AdaptiveAvgPool2DTranspose(gy, want)
		ref.AdaptiveAvgPool2DTranspose(abs(gy), bound)
		sumClose(t, fmt.Sprint(c), got.Borrow(), want.Borrow(), bound.Borrow())
	}
}
