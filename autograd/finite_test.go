package autograd

import (
	"math"
	"testing"
)

// FirstNonFinite against an element-by-element search, over lengths that
// cover the word pairs, the unrolled loop, its tail, an odd last element
// and block boundaries, with finite values at the edges of the exponent
// range around the bad one.
func TestFirstNonFinite(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	edge := []float32{math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, float32(math.Copysign(0, -1)), 1}
	naive := func(x []float32) int {
		for i, v := range x {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return i
			}
		}
		return -1
	}
	for _, n := range []int{0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 1023, 1024, 1025, 3001} {
		x := make([]float32, n)
		for i := range x {
			x[i] = edge[i%len(edge)]
		}
		if got := FirstNonFinite(x); got != -1 {
			t.Fatalf("n=%d all finite: got %d", n, got)
		}
		for _, bad := range []float32{nan, inf, -inf, -nan} {
			for _, at := range []int{0, n / 2, n - 2, n - 1} {
				if at < 0 || at >= n {
					continue
				}
				y := append([]float32(nil), x...)
				y[at] = bad
				if n > 4 && at+3 < n {
					y[at+3] = inf // a later bad value must not win
				}
				if got, want := FirstNonFinite(y), naive(y); got != want {
					t.Fatalf("n=%d %v at %d: got %d, want %d", n, bad, at, got, want)
				}
			}
		}
	}
}
