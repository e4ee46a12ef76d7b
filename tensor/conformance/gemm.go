package conformance

import (
	"fmt"
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// gemmCase is one call: sizes, the padding of each leading dimension past
// its minimum, and the scalars.
type gemmCase struct {
	m, n, k          int
	padA, padB, padC int
	alpha, beta      float32
}

var gemmCases = []gemmCase{
	{1, 1, 1, 0, 0, 0, 1, 0},
	{3, 5, 7, 0, 0, 0, 1, 0},
	{17, 9, 13, 2, 3, 1, 0.5, 1},
	{8, 16, 32, 0, 1, 4, -2, -0.75},
	{33, 20, 5, 5, 0, 0, 1, 1},
	{4, 6, 0, 0, 0, 2, 1, 0.5},  // k = 0: C = beta·C
	{5, 3, 4, 1, 1, 1, 0, 0.25}, // alpha = 0
}

// guard is the sentinel around C that must come back untouched.
const guard = 12345.5

func testGemm(t *testing.T, b tensor.Backend) {
	r := tensor.NewRNG(104)
	for _, c := range gemmCases {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			name := fmt.Sprintf("%dx%dx%d ta=%v tb=%v lda+%d ldb+%d ldc+%d alpha=%v beta=%v",
				c.m, c.n, c.k, tr[0], tr[1], c.padA, c.padB, c.padC, c.alpha, c.beta)
			checkGemm(t, name, b, r, c, tr[0], tr[1])
		}
	}
}

// operand is a random rows×cols row-major matrix with leading dimension
// cols+pad (at least 1), stored as a flat slice.
func operand(r *tensor.RNG, rows, cols, pad int) ([]float32, int) {
	ld := max(cols+pad, 1)
	return rand(r, max(rows*ld, 1)).Borrow(), ld
}

func checkGemm(t *testing.T, name string, b tensor.Backend, r *tensor.RNG, c gemmCase, ta, tb bool) {
	t.Helper()
	ar, ac := c.m, c.k
	if ta {
		ar, ac = c.k, c.m
	}
	br, bc := c.k, c.n
	if tb {
		br, bc = c.n, c.k
	}
	a, lda := operand(r, ar, ac, c.padA)
	bm, ldb := operand(r, br, bc, c.padB)
	ldc := c.n + c.padC
	// C sits inside a guard band: 7 words before and after, and the
	// padding of each row.
	const band = 7
	full := make([]float32, band+c.m*ldc+band)
	for i := range full {
		full[i] = guard
	}
	inC := func(i int) bool { i -= band; return i >= 0 && i < c.m*ldc && i%ldc < c.n }
	for i := range full {
		if inC(i) {
			if c.beta == 0 {
				full[i] = float32(math.NaN()) // beta = 0 must overwrite, NaN included
			} else {
				full[i] = float32(2*r.Float64() - 1)
			}
		}
	}
	got, want := append([]float32(nil), full...), append([]float32(nil), full...)
	b.Gemm(ta, tb, c.m, c.n, c.k, c.alpha, a, lda, bm, ldb, c.beta, got[band:band+c.m*ldc], ldc)
	ref.Gemm(ta, tb, c.m, c.n, c.k, c.alpha, a, lda, bm, ldb, c.beta, want[band:band+c.m*ldc], ldc)

	// The bound: |alpha|·|A|·|B| + |beta|·|C|, on the reference.
	absOf := func(v []float32) []float32 { return abs(tensor.New(append([]float32(nil), v...), len(v))).Borrow() }
	bound := absOf(full)
	if c.beta == 0 {
		clear(bound)
	}
	ref.Gemm(ta, tb, c.m, c.n, c.k, float32(math.Abs(float64(c.alpha))), absOf(a), lda, absOf(bm), ldb,
		float32(math.Abs(float64(c.beta))), bound[band:band+c.m*ldc], ldc)

	for i := range full {
		if !inC(i) {
			if got[i] != guard {
				t.Fatalf("%s: wrote %v at guard position %d", name, got[i], i-band)
			}
		}
	}
	pick := func(v []float32) []float32 {
		var out []float32
		for i := range v {
			if inC(i) {
				out = append(out, v[i])
			}
		}
		return out
	}
	sumClose(t, name, pick(got), pick(want), pick(bound))
}
