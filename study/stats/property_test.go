package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Swapping treated and control negates every difference: the mean, t and
// the interval flip sign, while the spread and every two-sided p-value
// stay the same.
func TestSwapFlipsSignKeepsP(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		n := 2 + rng.IntN(35)
		tr, co := make([]float64, n), make([]float64, n)
		for i := range tr {
			co[i] = 0.6 + 0.3*rng.Float64()
			tr[i] = co[i] + 0.02*rng.NormFloat64() + 0.01
			if rng.IntN(8) == 0 {
				tr[i] = co[i] // a zero difference
			}
			if i > 0 && rng.IntN(8) == 0 {
				tr[i], co[i] = tr[i-1], co[i-1] // a tie
			}
		}
		a, errA := PairedDiff(tr, co)
		b, errB := PairedDiff(co, tr)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		ca, cb := a.CI95(), b.CI95()
		// All-zero differences leave t and the interval NaN both ways.
		same := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
		if a.Mean != -b.Mean || !same(a.T, -b.T) || !same(ca.Lo, -cb.Hi) || !same(ca.Hi, -cb.Lo) {
			t.Fatalf("trial %d: mean %v/%v, t %v/%v, CI %v/%v not mirrored", trial, a.Mean, b.Mean, a.T, b.T, ca, cb)
		}
		if !same(a.SD, b.SD) || !same(a.TP, b.TP) || !same(a.Wilcoxon.P, b.Wilcoxon.P) ||
			a.Wilcoxon.Statistic != b.Wilcoxon.Statistic || a.Wilcoxon.RPlus != b.Wilcoxon.RMinus {
			t.Fatalf("trial %d: spread or p-values changed: %+v vs %+v", trial, a, b)
		}
	}
}
