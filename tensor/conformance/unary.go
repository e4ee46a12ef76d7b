package conformance

import (
	"fmt"
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// unaryCase is an op, its scalar parameter, and whether the op is rounded
// exactly (else it is transcendental and gets a relative tolerance).
type unaryCase struct {
	op    tensor.UnaryOp
	p     float32
	exact bool
}

var unaryCases = []unaryCase{
	{tensor.OpNeg, 0, true}, {tensor.OpExp, 0, false}, {tensor.OpLog, 0, false},
	{tensor.OpSqrt, 0, true}, {tensor.OpAbs, 0, true}, {tensor.OpSign, 0, true},
	{tensor.OpTanh, 0, false}, {tensor.OpSigmoid, 0, false}, {tensor.OpRelu, 0, true},
	{tensor.OpSquare, 0, true}, {tensor.OpRecip, 0, true}, {tensor.OpAddScalar, 0.75, true},
	{tensor.OpMulScalar, -1.5, true}, {tensor.OpPowScalar, 3, false}, {tensor.OpPowScalar, 0.5, false},
	{tensor.OpPowScalar, -1.25, false}, {tensor.OpRsubScalar, 2, true}, {tensor.OpGtScalar, 0.1, true},
	{tensor.OpLtScalar, -0.2, true}, {tensor.OpClampMin, -0.25, true}, {tensor.OpClampMax, 0.5, true},
}

// unaryShapes include an empty tensor and lengths around vector widths.
var unaryShapes = [][]int{{0}, {1}, {7}, {2, 3, 5}, {4, 17}, {3, 2, 2, 9}}

// specials are the edge values each input starts with: signed zeros,
// infinities, a (positive) NaN, tiny and huge values.
var specials = []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
	float32(math.NaN()), 1e-30, -1e-30, 1e30, -1e30, 1, -1}

func testUnary(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(101)
	for _, c := range unaryCases {
		for _, shape := range unaryShapes {
			x := tensor.Normal(r, 0, 2, shape...)
			copy(x.Borrow(), specials)
			name := fmt.Sprintf("%v(p=%v)%v", c.op, c.p, shape)
			got, want := nan(shape...), nan(shape...)
			b.Unary(c.op, c.p, x, got)
			ref.Unary(c.op, c.p, x, want)
			if c.exact {
				exact(t, name, got.Borrow(), want.Borrow())
			} else {
				relClose(t, name, got.Borrow(), want.Borrow(), 1e-5, 1e-6)
			}
		}
	}
}
