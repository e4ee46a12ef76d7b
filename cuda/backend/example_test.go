package backend_test

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Installing the backend routes tensor's ops through it: relu and the sum
// run interpreted kernels.
func Example() {
	b, err := backend.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	old := tensor.SetBackend(b)
	defer tensor.SetBackend(old)

	x := tensor.New([]float32{-1, 2, -3, 4}, 2, 2)
	y := tensor.Relu(x)
	fmt.Println(y.Data(), tensor.Sum(y, []int{1}, false).Data(), b.Launches())
	// Output: [0 2 0 4] [2 4] 2
}
