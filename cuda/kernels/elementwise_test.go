package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// Sizes around the block size, and grids smaller than the data so the
// grid-stride loop runs more than once.
var elementwiseCases = []struct {
	n    int
	grid uint32
}{{1, 1}, {255, 1}, {256, 1}, {257, 2}, {1000, 2}, {3000, ElementwiseGrid(3000)}}

func TestElementwiseKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range elementwiseCases {
		t.Run(fmt.Sprint(c.n, "/", c.grid), func(t *testing.T) {
			a, b := randVec(r, c.n), randVec(r, c.n)
			// Edge values: zeros of both signs, NaN, infinities.
			if c.n >= 6 {
				a[0], a[1], a[2], a[3], a[4] = 0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))
			}
			grid, block := ptx.D1(c.grid), ptx.D1(ElementwiseBlock)
			var m ptx.Memory
			pa, pb, out := m.AllocF32(a), m.AllocF32(b), m.Alloc(c.n)
			un := uint32(c.n)

			run(t, Add(), &m, grid, block, out, pa, pb, un)
			sameBits(t, "add", m.ReadF32(out), AddRef(a, b))
			run(t, Mul(), &m, grid, block, out, pa, pb, un)
			sameBits(t, "mul", m.ReadF32(out), MulRef(a, b))
			run(t, Relu(), &m, grid, block, out, pa, un)
			sameBits(t, "relu", m.ReadF32(out), ReluRef(a))
			run(t, ReluBackward(), &m, grid, block, out, pa, pb, un)
			sameBits(t, "relu backward", m.ReadF32(out), ReluBackwardRef(a, b))

			y := m.AllocF32(b)
			run(t, Axpy(), &m, grid, block, y, pa, float32(-0.01), un)
			sameBits(t, "axpy", m.ReadF32(y), AxpyRef(-0.01, a, b))
		})
	}
}

// TestElementwiseStaysInBounds runs a kernel over a prefix of a buffer:
// the elements past n must stay untouched.
func TestElementwiseStaysInBounds(t *testing.T) {
	var m ptx.Memory
	a := m.AllocF32([]float32{1, 2, 3, 4, 5})
	out := m.AllocF32([]float32{9, 9, 9, 9, 9})
	run(t, Add(), &m, ptx.D1(4), ptx.D1(ElementwiseBlock), out, a, a, uint32(3))
	sameBits(t, "out", m.ReadF32(out), []float32{2, 4, 6, 9, 9})
}
