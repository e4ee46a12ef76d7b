package stats

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Paired summarises paired differences D[i] = treated[i] − control[i].
// With N = 1 the spread, the interval and the t-test are NaN: one pair
// says nothing about the variation between seeds. The signed-rank test
// stays defined and gives p = 1, as scipy does.
type Paired struct {
	D    []float64 // treated − control, in input order
	N    int
	Mean float64
	SD   float64 // sample standard deviation (n − 1 in the denominator)
	SE   float64 // SD / √N

	// T and TP are the paired t-test's statistic and two-sided p-value,
	// as scipy.stats.ttest_rel(treated, control). Differences that are all
	// equal and non-zero give T = ±Inf and TP = 0, as scipy does.
	T, TP float64

	Wilcoxon Wilcoxon
}

// ErrEmpty is returned for zero pairs, so that an empty study cannot pass
// for one with a zero effect.
var ErrEmpty = errors.New("stats: no pairs")

// PairedDiff computes the paired summary and tests of treated against
// control, which must have the same, non-zero length and hold no NaN or
// infinity.
func PairedDiff(treated, control []float64) (Paired, error) {
	return PairedDiffStep(treated, control, 0)
}

// PairedDiffStep is PairedDiff with each difference rounded to the nearest
// multiple of step (none when step is 0). Accuracies on N images move in
// steps of 100/N points; differences computed in floating point split
// equal steps into unequal numbers, which would break the Wilcoxon test's
// ties.
func PairedDiffStep(treated, control []float64, step float64) (Paired, error) {
	if len(treated) != len(control) {
		return Paired{}, fmt.Errorf("stats: %d treated values but %d control values", len(treated), len(control))
	}
	n := len(treated)
	if n == 0 {
		return Paired{}, ErrEmpty
	}
	d := make([]float64, n)
	sum := 0.0
	for i := range d {
		d[i] = treated[i] - control[i]
		if step > 0 {
			d[i] = math.Round(d[i]/step) * step
		}
		if math.IsNaN(d[i]) || math.IsInf(d[i], 0) {
			return Paired{}, fmt.Errorf("stats: pair %d (%v, %v) is not finite", i, treated[i], control[i])
		}
		sum += d[i]
	}
	p := Paired{D: d, N: n, Mean: sum / float64(n)}
	p.SD, p.SE, p.T, p.TP = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if n > 1 {
		ss := 0.0
		for _, v := range d {
			ss += (v - p.Mean) * (v - p.Mean)
		}
		p.SD = math.Sqrt(ss / float64(n-1))
		p.SE = p.SD / math.Sqrt(float64(n))
		p.T = p.Mean / p.SE // ±Inf or NaN when SE = 0, as in scipy
		p.TP = tTwoSided(p.T, float64(n-1))
	}
	p.Wilcoxon = SignedRank(d)
	return p, nil
}

// tTwoSided is P(|T| ≥ |t|) for Student's t with nu degrees of freedom.
func tTwoSided(t, nu float64) float64 {
	if math.IsNaN(t) {
		return math.NaN()
	}
	if math.IsInf(t, 0) {
		return 0
	}
	return math.Min(1, 2*distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Survival(math.Abs(t)))
}
