package data

import "slices"

// apportion shares n out among classes in proportion to counts, by the
// largest-remainder method, within bounds lo[k] <= a[k] <= hi[k]; the
// caller guarantees sum(lo) <= n <= sum(hi). Ties go to the lower class,
// so the result depends on nothing but the arguments.
func apportion(counts []int, n int, lo, hi []int) []int {
	total := 0
	for _, c := range counts {
		total += c
	}
	a := make([]int, len(counts))
	got := 0
	for k, c := range counts {
		share := 0
		if total > 0 {
			share = n * c / total
		}
		a[k] = min(max(share, lo[k]), hi[k])
		got += a[k]
	}
	// surplus(k)/total is how far a[k] lies above the exact share n*c/total.
	surplus := func(k int) int { return a[k]*total - n*counts[k] }
	for got > n {
		best := -1
		for k := range a {
			if a[k] > lo[k] && (best < 0 || surplus(k) > surplus(best)) {
				best = k
			}
		}
		a[best]--
		got--
	}
	for got < n {
		best := -1
		for k := range a {
			if a[k] < hi[k] && (best < 0 || surplus(k) < surplus(best)) {
				best = k
			}
		}
		a[best]++
		got++
	}
	return a
}

// classMembers lists the samples of each label in data-set order; labels
// must be non-negative (Validate checks that).
func classMembers(labels []int) [][]int {
	var out [][]int
	for i, l := range labels {
		for l >= len(out) {
			out = append(out, nil)
		}
		out[l] = append(out[l], i)
	}
	return out
}

// drawPerClass draws take[k] of the members of each class k at random (the
// draw of class k depends only on seed, stream and k) and returns them
// sorted, so the result keeps data-set order.
func drawPerClass(members [][]int, take []int, seed, stream uint64) []int {
	var out []int
	for k, m := range members {
		if take[k] == 0 {
			continue
		}
		p := NewRand(DeriveSeed(seed, stream, uint64(k))).Perm(len(m))
		for _, j := range p[:take[k]] {
			out = append(out, m[j])
		}
	}
	slices.Sort(out)
	return out
}
