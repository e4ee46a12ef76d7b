package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSiLU compares every implementation with the float64 reference
// twins: within 4 float32 ulp (relative 5e-7; for the backward, of the
// terms it sums) or 1e-30 absolutely, on
// ordinary values, the saturated tails, and special values; with guard
// bands and every length up to 40 plus a multi-chunk one.
func TestSiLU(t *testing.T) {
	inf := float32(math.Inf(1))
	special := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 6, -6, 20, -20, 88, -88, 89, -89, 104, -104, 200, -200,
		1e-30, -1e-30, inf, -inf, float32(math.NaN()), 3e38, -3e38}
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(41, 42))
		for _, n := range append([]int{0, 1, 15, 16, 17, 31, 40, len(special)}, siluChunk+37) {
			x := make([]float32, n)
			g := make([]float32, n)
			for i := range x {
				if n == len(special) {
					x[i] = special[i]
				} else {
					x[i] = float32(r.NormFloat64() * 8)
				}
				g[i] = float32(r.NormFloat64())
			}
			want, wantB := make([]float32, n), make([]float32, n)
			siluGo(want, x)
			siluBackwardGo(wantB, g, x)
			got, check := guarded(n)
			SiLU(got, x)
			check(t)
			gotB, checkB := guarded(n)
			SiLUBackward(gotB, g, x)
			checkB(t)
			for i := range x {
				if !close32(got[i], want[i], 5e-7) {
					t.Fatalf("n %d: SiLU(%v) = %v, want %v", n, x[i], got[i], want[i])
				}
				// s + x·s·(1−s) cancels near x = −1.28, in the reference
				// as here: the bound is a few ulp of the terms, not of
				// their difference.
				if !closeBackward(gotB[i], wantB[i], g[i], x[i]) {
					t.Fatalf("n %d: SiLUBackward(g %v, x %v) = %v, want %v", n, g[i], x[i], gotB[i], wantB[i])
				}
			}
		}
	})
}

func close32(a, b float32, rel float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	if math.IsInf(float64(b), 0) {
		return a == b
	}
	d := math.Abs(float64(a) - float64(b))
	return d <= rel*math.Abs(float64(b)) || d <= 1e-30
}

func closeBackward(a, b, g, x float32) bool {
	if a != a || b != b || math.IsInf(float64(b), 0) {
		return close32(a, b, 0)
	}
	s := 1 / (1 + math.Exp(-float64(x)))
	scale := math.Abs(float64(g)) * (s + math.Abs(float64(x)*s*(1-s)))
	return math.Abs(float64(a)-float64(b)) <= 2e-6*scale+1e-30
}
