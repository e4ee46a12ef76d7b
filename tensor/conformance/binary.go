package conformance

import (
	"fmt"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

var binaryOps = []tensor.BinaryOp{tensor.OpAdd, tensor.OpSub, tensor.OpMul, tensor.OpDiv,
	tensor.OpMaximum, tensor.OpMinimum, tensor.OpPow, tensor.OpGt, tensor.OpGe, tensor.OpEq}

// binaryShapes are operand pairs: equal shapes, a trailing vector, a
// scalar, size-1 axes on both sides, and ranks that differ.
var binaryShapes = [][2][]int{
	{{2, 3, 4}, {2, 3, 4}},
	{{13}, {13}},
	{{2, 3, 4}, {4}},
	{{4}, {3, 4}},
	{{}, {3, 2}},
	{{3, 2}, {}},
	{{3, 1}, {1, 4}},
	{{2, 1, 4}, {3, 1}},
	{{2, 3, 1, 5}, {1, 3, 4, 1}},
	{{2, 3, 4, 5}, {1, 3, 1, 1}},
	{{1, 1, 6}, {2, 5, 1}},
}

func testBinary(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(102)
	for _, op := range binaryOps {
		for _, s := range binaryShapes {
			out, err := tensor.BroadcastShapes(s[0], s[1])
			if err != nil {
				t.Fatal(err)
			}
			x, y := tensor.Normal(r, 0, 2, s[0]...), tensor.Normal(r, 0, 2, s[1]...)
			if op == tensor.OpPow {
				x = tensor.Uniform(r, 0.1, 3, s[0]...) // real powers of positive bases
			}
			// Equal elements for the comparisons and for max/min ties.
			if xs, ys := x.Borrow(), y.Borrow(); len(xs) > 1 && len(ys) > 1 {
				xs[1] = ys[1]
			}
			name := fmt.Sprintf("%v%v,%v", op, s[0], s[1])
			got, want := nan(out...), nan(out...)
			b.Binary(op, x, y, got)
			ref.Binary(op, x, y, want)
			if op == tensor.OpPow {
				relClose(t, name, got.Borrow(), want.Borrow(), 1e-5, 1e-6)
			} else {
				exact(t, name, got.Borrow(), want.Borrow())
			}
		}
	}
}
