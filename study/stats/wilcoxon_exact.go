package stats

import "math"

// signedRankCounts returns, for k = 0..Σranks, how many of the 2ⁿ sign
// assignments of the n ranks give a positive rank sum of k. The counts
// stay below 2ⁿ, so float64 holds them exactly for n ≤ 53.
func signedRankCounts(ranks []int) []float64 {
	top := 0
	for _, r := range ranks {
		top += r
	}
	c := make([]float64, top+1)
	c[0] = 1
	reached := 0
	for _, r := range ranks {
		reached += r
		// Descending k so each rank is added at most once.
		for k := reached; k >= r; k-- {
			c[k] += c[k-r]
		}
	}
	return c
}

// exactSignedRankP is the two-sided exact p-value of the positive rank sum
// rPlus under the null distribution of the given ranks (any common scale:
// doubled mean ranks keep ties in integers): twice the smaller tail,
// capped at 1, as scipy computes it for untied ranks.
func exactSignedRankP(ranks []int, rPlus int) float64 {
	c := signedRankCounts(ranks)
	var below, above float64
	for k, v := range c {
		if k <= rPlus {
			below += v
		}
		if k >= rPlus {
			above += v
		}
	}
	total := math.Ldexp(1, len(ranks))
	return math.Min(1, 2*math.Min(below, above)/total)
}
