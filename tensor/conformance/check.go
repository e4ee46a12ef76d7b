package conformance

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// nan fills a fresh output, so that an element the backend does not write
// fails the comparison.
func nan(shape ...int) *tensor.Tensor { return tensor.Full(float32(math.NaN()), shape...) }

// rand returns values uniform in [-1, 1).
func rand(r *tensor.RNG, shape ...int) *tensor.Tensor { return tensor.Uniform(r, -1, 1, shape...) }

// abs is |x|, elementwise, on the reference: the inputs of the error bound
// of a sum.
func abs(x *tensor.Tensor) *tensor.Tensor {
	out := tensor.Zeros(x.Shape()...)
	ref.Unary(tensor.OpAbs, 0, x, out)
	return out
}

// same reports whether got matches want exactly: equal values, or both NaN.
func same(got, want float32) bool { return got == want || (got != got && want != want) }

// exact fails unless got and want hold the same values (NaN meets NaN).
func exact(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !same(got[i], want[i]) {
			t.Fatalf("%s: element %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

// relClose fails unless |got−want| <= rtol·|want| + atol elementwise; NaN
// must meet NaN and an infinity itself.
func relClose(t *testing.T, what string, got, want []float32, rtol, atol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		if same(got[i], want[i]) {
			continue
		}
		if math.IsNaN(w) || math.IsInf(w, 0) || !(math.Abs(g-w) <= rtol*math.Abs(w)+atol) {
			t.Fatalf("%s: element %d is %.9g, want %.9g", what, i, g, w)
		}
	}
}

// sumTol is the tolerance of a sum taken in another order: relative to the
// same sum over absolute values.
const sumTol = 1e-5

// sumClose fails unless |got−want| <= sumTol·bound + 1e-6 elementwise,
// where bound is the sum's absolute-value counterpart.
func sumClose(t *testing.T, what string, got, want, bound []float32) {
	t.Helper()
	if len(got) != len(want) || len(bound) != len(want) {
		t.Fatalf("%s: %d values, want %d (bound %d)", what, len(got), len(want), len(bound))
	}
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if !(d <= sumTol*math.Abs(float64(bound[i]))+1e-6) {
			t.Fatalf("%s: element %d is %.9g, want %.9g (bound %.3g)", what, i, got[i], want[i], bound[i])
		}
	}
}
