package data

import (
	"fmt"
	"math"
	"slices"
)

// StratifiedLimit returns a view of n samples of ds with the classes in
// proportion to their sizes in ds (largest remainder) and every class
// present in ds represented at least once; within a class the samples are
// drawn at random. The samples keep their data-set order. The choice
// depends only on (ds.Labels, n, seed). It is an error when n exceeds
// ds.N or is smaller than the number of classes present.
func StratifiedLimit(ds *Dataset, n int, seed uint64) (*Dataset, error) {
	members := classMembers(ds.Labels)
	counts := make([]int, len(members))
	lo := make([]int, len(members))
	present := 0
	for k, m := range members {
		counts[k] = len(m)
		if len(m) > 0 {
			lo[k] = 1
			present++
		}
	}
	if n > ds.N || n < present {
		return nil, fmt.Errorf("data: %s: a stratified subset of %d images needs at least %d (one per class present) and at most %d (all images)", ds.Name, n, present, ds.N)
	}
	take := apportion(counts, n, lo, counts)
	return Subset(ds, drawPerClass(members, take, seed, limitStream)), nil
}

// StratifiedSplitIndices splits the samples 0..len(labels)-1 into a
// training and a validation part, each sorted. Validation takes
// round(n*valFraction) samples shared out among the classes in proportion
// to their sizes (largest remainder), drawn at random within each class;
// every class keeps at least one training sample unless that many
// validation samples leave no room for it. The split depends only on
// (labels, valFraction, seed). It panics unless 0 <= valFraction <= 1.
func StratifiedSplitIndices(labels []int, valFraction float64, seed uint64) (train, val []int) {
	if !(valFraction >= 0 && valFraction <= 1) {
		panic(fmt.Sprintf("data: StratifiedSplitIndices: valFraction %v outside [0,1]", valFraction))
	}
	n := len(labels)
	nv := int(math.Round(float64(n) * valFraction))
	members := classMembers(labels)
	counts := make([]int, len(members))
	lo := make([]int, len(members))
	hi := make([]int, len(members))
	present := 0
	for k, m := range members {
		counts[k] = len(m)
		if len(m) > 0 {
			present++
		}
	}
	for k, c := range counts {
		hi[k] = c
		if nv <= n-present && c > 0 {
			hi[k] = c - 1 // keep one for training
		}
	}
	val = drawPerClass(members, apportion(counts, nv, lo, hi), seed, stratifiedSplitStream)
	train = make([]int, 0, n-len(val))
	for i := range n {
		if _, held := slices.BinarySearch(val, i); !held {
			train = append(train, i)
		}
	}
	return train, val
}

// StratifiedSplitTrainVal splits ds into training and validation views
// with the classes in the same proportions in both (see
// StratifiedSplitIndices).
func StratifiedSplitTrainVal(ds *Dataset, valFraction float64, seed uint64) (train, val *Dataset) {
	ti, vi := StratifiedSplitIndices(ds.Labels, valFraction, seed)
	return Subset(ds, ti), Subset(ds, vi)
}
