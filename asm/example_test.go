package asm_test

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/asm"
)

func ExampleSgemm() {
	// C (2×2) = A (2×3) · B (3×2), all row-major.
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{7, 8, 9, 10, 11, 12}
	c := make([]float32, 4)
	asm.Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)
	// Output: [58 64 139 154]
}

// shifted is a BSource for a 1-D convolution with a 3-tap kernel: column j
// of B is the window x[j:j+3], so B[p][j] = x[j+p]. B is never stored.
type shifted struct{ x []float32 }

func (s shifted) Block(dst []float32, k0, kc, j0, nc int) {
	for p := range kc {
		copy(dst[p*nc:(p+1)*nc], s.x[j0+k0+p:])
	}
}

func ExampleSgemmSourceB() {
	x := []float32{1, 2, 3, 4, 5, 6}
	w := []float32{1, 0, -1} // one output channel, taps w[0..2]
	const n = 4              // output positions: len(x) - 3 + 1
	y := make([]float32, n)
	asm.SgemmSourceB(1, false, 1, n, 3, 1, w, 3, shifted{x}, 0, y, n)
	fmt.Println(y)
	// Output: [-2 -2 -2 -2]
}
