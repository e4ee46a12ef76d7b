package tensor_test

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// Binary ops broadcast like NumPy and PyTorch: shapes align from the right
// and size-1 axes stretch.
func ExampleAdd() {
	x := tensor.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	col := tensor.New([]float32{10, 20}, 2, 1)
	fmt.Println(tensor.Add(x, col))
	// Output: Tensor[2 3][11 12 13 24 25 26]
}

// SumTo is the adjoint of broadcasting: it sums the broadcast axes away.
func ExampleSumTo() {
	y := tensor.Ones(2, 3)
	fmt.Println(tensor.SumTo(y, []int{1, 3}))
	// Output: Tensor[1 3][2 2 2]
}

func ExampleConv2D() {
	x := tensor.Arange(16).Reshape(1, 1, 4, 4)
	w := tensor.Ones(1, 1, 2, 2)
	y := tensor.Conv2D(x, w, tensor.ConvParams{StrideH: 2, StrideW: 2})
	fmt.Println(y)
	// Output: Tensor[1 1 2 2][10 18 42 50]
}

func ExampleMaxPool2D() {
	x := tensor.New([]float32{
		1, 5, 2, 0,
		3, 4, 8, 1,
		0, 2, 6, 7,
		9, 1, 3, 3,
	}, 1, 1, 4, 4)
	y, idx := tensor.MaxPool2D(x, tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2})
	fmt.Println(y, idx.Data)
	// Output: Tensor[1 1 2 2][5 8 9 7] [1 6 12 11]
}
