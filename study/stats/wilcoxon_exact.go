package stats

import "math"

// signedRankCounts returns, for k = 0..n(n+1)/2, how many of the 2ⁿ sign
// assignments of ranks 1..n give a positive rank sum of k. The counts stay
// below 2ⁿ, so float64 holds them exactly for n ≤ 53.
func signedRankCounts(n int) []float64 {
	c := make([]float64, n*(n+1)/2+1)
	c[0] = 1
	top := 0
	for r := 1; r <= n; r++ {
		top += r
		// Descending k so each rank is added at most once.
		for k := top; k >= r; k-- {
			c[k] += c[k-r]
		}
	}
	return c
}

// exactSignedRankP is the two-sided exact p-value for positive rank sum
// rPlus among n untied, non-zero differences: twice the smaller tail,
// capped at 1, as scipy computes it.
func exactSignedRankP(n, rPlus int) float64 {
	c := signedRankCounts(n)
	var below, above float64
	for k, v := range c {
		if k <= rPlus {
			below += v
		}
		if k >= rPlus {
			above += v
		}
	}
	total := math.Ldexp(1, n)
	return math.Min(1, 2*math.Min(below, above)/total)
}
