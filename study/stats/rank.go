package stats

import "sort"

// averageRanks returns the 1-based ranks of x with ties given their mean
// rank (scipy.stats.rankdata's "average"), and the size of each group of
// two or more equal values, which the tie correction needs.
func averageRanks(x []float64) (ranks []float64, tieGroups []int) {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	ranks = make([]float64, len(x))
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && x[idx[hi]] == x[idx[lo]] {
			hi++
		}
		// Positions lo..hi-1 share the mean of ranks lo+1..hi.
		r := float64(lo+1+hi) / 2
		for _, i := range idx[lo:hi] {
			ranks[i] = r
		}
		if hi-lo > 1 {
			tieGroups = append(tieGroups, hi-lo)
		}
		lo = hi
	}
	return ranks, tieGroups
}
