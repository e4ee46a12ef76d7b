package autograd

import (
	"math"
	"testing"
)

// FirstNonFinite against an element-by-element search, over lengths that
// cover the 16 lanes, their tails and the kernels' chunk boundary, with
// finite values at the edges of the float32 range (whose sums must not
// look infinite) around the bad one, and +Inf meeting −Inf in a lane.
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
	for _, n := range []int{0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 1025, 16384, 16385, 40001} {
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
				if at+3 < n {
					y[at+3] = inf // a later bad value must not win
				}
				if at+16 < n {
					y[at+16] = -bad // the same lane: ±Inf sum to NaN
				}
				if got, want := FirstNonFinite(y), naive(y); got != want {
					t.Fatalf("n=%d %v at %d: got %d, want %d", n, bad, at, got, want)
				}
			}
		}
	}
}
