package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// sumOnInterpreter runs both passes of the sum.
func sumOnInterpreter(t *testing.T, x []float32) float32 {
	t.Helper()
	var m ptx.Memory
	in := m.AllocF32(x)
	blocks := SumBlocks(len(x))
	partial, total := m.Alloc(blocks), m.Alloc(1)
	k := Sum()
	run(t, k, &m, ptx.D1(uint32(blocks)), ptx.D1(SumBlock), partial, in, uint32(len(x)))
	run(t, k, &m, ptx.D1(1), ptx.D1(SumBlock), total, partial, uint32(blocks))
	return m.ReadF32(total)[0]
}

func TestSum(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	// Sizes below, at and past one block, and past the cap on blocks so
	// threads loop.
	for _, n := range []int{1, 7, 255, 256, 257, 1000, 70000, 300001} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if testing.Short() && n > 1000 {
				t.Skip("large sum in -short")
			}
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(r.Float64()) // positive: relative error is meaningful
			}
			got := sumOnInterpreter(t, x)
			if want := SumTreeRef(x); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("sum = %g, tree reference %g: the kernel's order changed", got, want)
			}
			want := SumRef(x)
			if rel := math.Abs(float64(got)-want) / want; rel > 1e-5 {
				t.Fatalf("sum = %g, want %g (relative error %.2g)", got, want, rel)
			}
		})
	}
}

func TestSumMixedSigns(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	x := randVec(r, 5000)
	got := sumOnInterpreter(t, x)
	abs := 0.0
	for _, v := range x {
		abs += math.Abs(float64(v))
	}
	if err := math.Abs(float64(got) - SumRef(x)); err > 1e-5*abs {
		t.Fatalf("sum = %g, want %g (error %.2g of Σ|x| = %g)", got, SumRef(x), err, abs)
	}
}
