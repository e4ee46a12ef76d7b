package conformance

import (
	"fmt"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

var reduceShapes = [][]int{{5}, {3, 4}, {2, 3, 4}, {2, 3, 4, 5}, {1, 7, 1}, {3, 1, 33}, {300}}

func testReduce(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(103)
	for _, shape := range reduceShapes {
		x := tensor.Normal(r, 0.5, 2, shape...)
		ax := abs(x)
		// Every non-empty subset of the axes.
		for m := 1; m < 1<<len(shape); m++ {
			mask := make([]bool, len(shape))
			outShape := append([]int(nil), shape...)
			for i := range mask {
				if m>>i&1 == 1 {
					mask[i], outShape[i] = true, 1
				}
			}
			for _, op := range []tensor.ReduceOp{tensor.OpSum, tensor.OpMax, tensor.OpMin} {
				name := fmt.Sprintf("%v%v over %v", op, shape, mask)
				got, want := nan(outShape...), nan(outShape...)
				b.Reduce(op, x, mask, got)
				ref.Reduce(op, x, mask, want)
				if op != tensor.OpSum {
					exact(t, name, got.Borrow(), want.Borrow())
					continue
				}
				bound := nan(outShape...)
				ref.Reduce(tensor.OpSum, ax, mask, bound)
				sumClose(t, name, got.Borrow(), want.Borrow(), bound.Borrow())
			}
		}
	}
}
