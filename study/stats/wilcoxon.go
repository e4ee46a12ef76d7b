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
// Zeros are discarded before ranking (Wilcox's method, not Pratt's), and
// tied |d| share their mean rank. Up to ExactMaxN ranked differences the
// p-value is exact: under the null hypothesis each of the 2ᴺ sign
// assignments of the ranks, tied ones as they are, is equally likely, and
// p is twice the smaller tail of that distribution at the observed R+,
// capped at 1. Without ties this is the classic table and equals
//
//	scipy.stats.wilcoxon(treated, control, zero_method="wilcox",
//	    correction=False, alternative="two-sided", method="exact")
//
// With ties it is the sign-flip permutation test of R+ (what
// scipy.stats.permutation_test gives with permutation_type="samples");
// scipy.stats.wilcoxon has no exact form for ties (in scipy 1.10
// method="exact" reads the untied table at a truncated statistic, and
// method="approx" is the normal approximation, whose p at five seeds can
// fall below 2/2⁵, the smallest p any five signs can give). Above
// ExactMaxN, p is the normal approximation with the variance corrected for
// tied ranks and no continuity correction (scipy's method="approx"). Ties
// and zeros are detected by exact float equality, as in scipy.
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
	case w.N <= ExactMaxN:
		// Mean ranks are multiples of ½: doubled, they count exactly.
		doubled := make([]int, len(ranks))
		for i, r := range ranks {
			doubled[i] = int(2 * r)
		}
		w.Exact = true
		w.P = exactSignedRankP(doubled, int(2*w.RPlus))
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
