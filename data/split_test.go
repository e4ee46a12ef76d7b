package data

import (
	"math"
	"slices"
	"testing"
)

func TestSubset(t *testing.T) {
	ds := tinyDataset(5, 2, 2, 2, 3)
	s := Subset(ds, []int{4, 1, 4})
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || s.Labels[0] != 1 || s.Labels[1] != 1 || !slices.Equal(s.Image(2), ds.Image(4)) {
		t.Errorf("subset N=%d labels=%v", s.N, s.Labels)
	}
	if &s.Images[0] != &ds.Images[0] {
		t.Error("Subset copied the pixels instead of sharing them")
	}
	// A subset of a view indexes the original storage directly.
	ss := Subset(s, []int{2, 1})
	if err := ss.Validate(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ss.Index, []int{4, 1}) || !slices.Equal(ss.Image(0), ds.Image(4)) || !slices.Equal(ss.Labels, []int{1, 1}) {
		t.Errorf("subset of a view: index %v labels %v", ss.Index, ss.Labels)
	}
}

func TestSplitTrainVal(t *testing.T) {
	ds := tinyDataset(101, 1, 1, 1, 4)
	tr, va := SplitTrainVal(ds, 0.2, 9)
	if va.N != 20 || tr.N != 81 {
		t.Fatalf("split %d/%d, want 81/20", tr.N, va.N)
	}
	ti, vi := SplitIndices(101, 0.2, 9)
	all := append(slices.Clone(ti), vi...)
	slices.Sort(all)
	for i, v := range all {
		if v != i {
			t.Fatalf("split is not a partition: %v", all)
		}
	}
	ti2, vi2 := SplitIndices(101, 0.2, 9)
	if !slices.Equal(ti, ti2) || !slices.Equal(vi, vi2) {
		t.Error("same seed, different split")
	}
	if _, vi3 := SplitIndices(101, 0.2, 10); slices.Equal(vi, vi3) {
		t.Error("another seed, same split")
	}
	if !slices.Equal(va.Image(0), ds.Image(vi[0])) || va.Labels[0] != ds.Labels[vi[0]] {
		t.Error("validation set does not hold the chosen samples")
	}
}

func TestStats(t *testing.T) {
	// Channel 0 is 0,1,2,3 (mean 1.5, std √1.25); channel 1 is constant 2.
	ds := &Dataset{N: 2, C: 2, H: 1, W: 2, Labels: []int{0, 0},
		Images: []float32{0, 1, 2, 2, 2, 3, 2, 2}}
	mean, std := Stats(ds)
	if mean[0] != 1.5 || math.Abs(float64(std[0])-math.Sqrt(1.25)) > 1e-6 || mean[1] != 2 || std[1] != 0 {
		t.Errorf("mean %v std %v", mean, std)
	}
}

func TestValidate(t *testing.T) {
	ds := tinyDataset(3, 1, 2, 2, 2)
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := *ds
	bad.Labels = bad.Labels[:2]
	if bad.Validate() == nil {
		t.Error("label count mismatch accepted")
	}
	bad = *ds
	bad.Labels = []int{0, 1, 2}
	if bad.Validate() == nil {
		t.Error("label outside classes accepted")
	}
	if ds.NumClasses() != 2 {
		t.Errorf("NumClasses %d", ds.NumClasses())
	}
}
