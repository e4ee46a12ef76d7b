package tensor

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// This file holds the plain references and helpers the tensor tests share.
// The references index with explicit strides computed here, not with the
// package's own helpers, so that a bug in strides() or broadcastStrides()
// cannot hide itself.

// rowMajorStrides is the test's own stride computation.
func rowMajorStrides(shape []int) []int {
	st := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= shape[i]
	}
	return st
}

// unflatten writes the multi-index of flat position i of shape into idx.
func unflatten(i int, shape, idx []int) {
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
}

// offsetOf is the storage offset of idx in a tensor of shape with the
// given strides.
func offsetOf(idx, st []int) int {
	off := 0
	for d, x := range idx {
		off += x * st[d]
	}
	return off
}

// randT returns a tensor with values uniform in [-1, 1).
func randT(r *RNG, shape ...int) *Tensor { return Uniform(r, -1, 1, shape...) }

// dot64 is <a, b> accumulated in float64.
func dot64(a, b *Tensor) float64 {
	if len(a.data) != len(b.data) {
		panic(fmt.Sprintf("dot64: %v and %v", a.shape, b.shape))
	}
	var s float64
	for i := range a.data {
		s += float64(a.data[i]) * float64(b.data[i])
	}
	return s
}

// sumAbs64 is Σ|a_i·b_i|, the scale against which a dot product's rounding
// error is judged.
func sumAbs64(a, b *Tensor) float64 {
	var s float64
	for i := range a.data {
		s += math.Abs(float64(a.data[i]) * float64(b.data[i]))
	}
	return s
}

// checkAdjoint asserts lhs == rhs up to float32 rounding relative to scale.
func checkAdjoint(t *testing.T, what string, lhs, rhs, scale float64) {
	t.Helper()
	if d := math.Abs(lhs - rhs); d > 1e-5*scale+1e-9 {
		t.Errorf("%s: adjointness broken: %.9g vs %.9g (diff %.3g, scale %.3g)", what, lhs, rhs, d, scale)
	}
}

// assertShape fails unless got equals want.
func assertShape(t *testing.T, what string, got, want []int) {
	t.Helper()
	if !SameShape(got, want) {
		t.Fatalf("%s: shape %v, want %v", what, got, want)
	}
}

// assertExact fails unless got and want hold bitwise the same values
// (NaNs equal to NaNs).
func assertExact(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g != w && !(g != g && w != w) {
			t.Fatalf("%s: element %d is %v, want %v", what, i, g, w)
		}
	}
}

// assertClose fails unless |got-want| <= atol + rtol·|want| elementwise.
func assertClose(t *testing.T, what string, got []float32, want []float64, rtol, atol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := float64(got[i]), want[i]
		if math.IsNaN(w) && math.IsNaN(g) {
			continue
		}
		if math.IsInf(w, 0) && g == w {
			continue
		}
		if !(math.Abs(g-w) <= atol+rtol*math.Abs(w)) {
			t.Fatalf("%s: element %d is %.9g, want %.9g", what, i, g, w)
		}
	}
}

// mustPanic runs f and checks that it panics with a message containing
// every one of wants.
func mustPanic(t *testing.T, what string, f func(), wants ...string) {
	t.Helper()
	msg := func() (msg string) {
		defer func() {
			if r := recover(); r != nil {
				msg = fmt.Sprint(r)
				if msg == "" {
					msg = "<empty panic>"
				}
			}
		}()
		f()
		return ""
	}()
	if msg == "" {
		t.Errorf("%s: did not panic", what)
		return
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("%s: panic %q does not mention %q", what, msg, w)
		}
	}
}
