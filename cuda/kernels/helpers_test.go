package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// run interprets k and fails the test on a fault.
func run(t *testing.T, k *ptx.Kernel, m *ptx.Memory, grid, block ptx.Dim3, args ...any) {
	t.Helper()
	if err := k.Run(m, grid, block, args...); err != nil {
		t.Fatal(err)
	}
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got[i], want[i])
		}
	}
}
