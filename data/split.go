package data

import (
	"fmt"
	"math"
	"slices"
)

// Subset returns a view of the given samples of ds, in the given order
// (repeats allowed): it shares ds's pixels and owns only its labels and
// index, 16 bytes a sample. It panics on an index outside [0, N).
func Subset(ds *Dataset, indices []int) *Dataset {
	out := &Dataset{Name: ds.Name, N: len(indices), C: ds.C, H: ds.H, W: ds.W, Classes: ds.Classes,
		Pixels: ds.Pixels, Images: ds.Images, Index: make([]int, len(indices)), Labels: make([]int, len(indices))}
	for j, i := range indices {
		if i < 0 || i >= ds.N {
			panic(fmt.Sprintf("data: Subset: index %d outside [0,%d)", i, ds.N))
		}
		out.Index[j] = ds.stored(i)
		out.Labels[j] = ds.Labels[i]
	}
	return out
}

// SplitIndices splits 0..n-1 at random into a training and a validation
// part with round(n*valFraction) validation samples; each part is sorted.
// The split depends only on (n, valFraction, seed), so a held-out set stays
// held out across runs. It panics unless 0 <= valFraction <= 1.
func SplitIndices(n int, valFraction float64, seed uint64) (train, val []int) {
	if !(valFraction >= 0 && valFraction <= 1) {
		panic(fmt.Sprintf("data: SplitIndices: valFraction %v outside [0,1]", valFraction))
	}
	nv := int(math.Round(float64(n) * valFraction))
	p := NewRand(DeriveSeed(seed, splitStream)).Perm(n)
	val, train = p[:nv], p[nv:]
	slices.Sort(val)
	slices.Sort(train)
	return train, val
}

// SplitTrainVal splits ds into training and validation views (see
// SplitIndices). The split is uniform, not stratified by class; it is
// kept as it is so that runs made with it can be reproduced. New code
// should prefer StratifiedSplitTrainVal.
func SplitTrainVal(ds *Dataset, valFraction float64, seed uint64) (train, val *Dataset) {
	ti, vi := SplitIndices(ds.N, valFraction, seed)
	return Subset(ds, ti), Subset(ds, vi)
}
