package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ExactMaxN is the largest number of non-zero differences for which the
// Wilcoxon p-value comes from the exact null distribution; above it the
// normal approximation is already close and the table grows as N³.
const ExactMaxN = 25

// Wilcoxon is the two-sided Wilcoxon signed-rank test of the differences.
//
// Zeros are discarded before ranking (Wilcox's method, not Pratt's). The
// p-value is exact when nothing was discarded, no two |d| are equal and
// N ≤ ExactMaxN; otherwise it is the normal approximation with the
// variance corrected for tied ranks and no continuity correction. Either
// way it equals
//
//	scipy.stats.wilcoxon(treated, control, zero_method="wilcox",
//	    correction=False, alternative="two-sided", method=M)
//
// with M = "exact" when Exact is true and "approx" otherwise. Name M
// explicitly when checking: scipy's default method="auto" takes the exact
// table up to n = 50 and, in scipy 1.10, even for tied (truncated) ranks.
// Ties and zeros are detected by exact float equality, as in scipy.
type Wilcoxon struct {
	N      int  // non-zero differences ranked
	Zeros  int  // differences discarded for being exactly zero
	Ties   bool // some non-zero |d| are equal
	RPlus  float64
	RMinus float64
	// Statistic is min(RPlus, RMinus), scipy's two-sided statistic.
	Statistic float64
	P         float64 // NaN when every difference is zero
	Exact     bool
	Z         float64 // the normal deviate; NaN when Exact
}

// SignedRank runs the two-sided Wilcoxon signed-rank test on d.
func SignedRank(d []float64) Wilcoxon {
	var nz []float64
	for _, v := range d {
		if v != 0 {
			nz = append(nz, v)
		}
	}
	w := Wilcoxon{N: len(nz), Zeros: len(d) - len(nz), P: math.NaN(), Z: math.NaN()}
	abs := make([]float64, len(nz))
	for i, v := range nz {
		abs[i] = math.Abs(v)
	}
	ranks, tieGroups := averageRanks(abs)
	w.Ties = len(tieGroups) > 0
	for i, v := range nz {
		if v > 0 {
			w.RPlus += ranks[i]
		} else {
			w.RMinus += ranks[i]
		}
	}
	w.Statistic = math.Min(w.RPlus, w.RMinus)
	switch {
	case w.N == 0:
		// No non-zero difference: the test is undefined (scipy raises).
	case w.Zeros == 0 && !w.Ties && w.N <= ExactMaxN:
		w.Exact = true
		w.P = exactSignedRankP(w.N, int(w.RPlus))
	default:
		w.Z, w.P = normalSignedRank(w.N, w.Statistic, tieGroups)
	}
	return w
}

// normalSignedRank is the normal approximation for n ranked differences:
// mean n(n+1)/4, variance n(n+1)(2n+1)/24 − Σ(t³ − t)/48 over tie groups
// of size t.
func normalSignedRank(n int, stat float64, tieGroups []int) (z, p float64) {
	fn := float64(n)
	mean := fn * (fn + 1) / 4
	v := fn * (fn + 1) * (2*fn + 1) / 24
	for _, t := range tieGroups {
		ft := float64(t)
		v -= (ft*ft*ft - ft) / 48
	}
	z = (stat - mean) / math.Sqrt(v)
	return z, math.Min(1, 2*distuv.UnitNormal.Survival(math.Abs(z)))
}
