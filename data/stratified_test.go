package data

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// labelled returns a 1×1×1 data set with the given labels and pixels i%256.
func labelled(labels []int, classes int) *Dataset {
	ds := &Dataset{Name: "toy", N: len(labels), C: 1, H: 1, W: 1, Labels: labels}
	for i := range labels {
		ds.Pixels = append(ds.Pixels, byte(i))
	}
	for k := range classes {
		ds.Classes = append(ds.Classes, string(rune('a'+k)))
	}
	return ds
}

// counts returns how many samples of each class the labels hold.
func counts(labels []int, classes int) []int {
	c := make([]int, classes)
	for _, l := range labels {
		c[l]++
	}
	return c
}

// skewed has classes of 70, 20, 9 and 1 samples, interleaved.
func skewed() []int {
	var l []int
	for i := range 100 {
		switch {
		case i == 50:
			l = append(l, 3)
		case i%10 == 9 && i != 99:
			l = append(l, 2)
		case i%5 == 2:
			l = append(l, 1)
		default:
			l = append(l, 0)
		}
	}
	return l
}

func TestStratifiedLimit(t *testing.T) {
	ds := labelled(skewed(), 4)
	if got := counts(ds.Labels, 4); !slices.Equal(got, []int{70, 20, 9, 1}) {
		t.Fatalf("fixture counts %v", got)
	}
	for _, tc := range []struct {
		n    int
		want []int
	}{
		{4, []int{1, 1, 1, 1}},     // every class once
		{10, []int{6, 2, 1, 1}},    // shares 7, 2, 0.9, 0.1: classes 2 and 3 get their one, class 0 gives way
		{20, []int{14, 4, 1, 1}},   // 14, 4, 1.8, 0.2: class 3's one costs class 2 its rounding up
		{50, []int{35, 10, 4, 1}},  // 35, 10, 4.5, 0.5: class 3's forced one uses the rounding
		{100, []int{70, 20, 9, 1}}, // everything
	} {
		s, err := StratifiedLimit(ds, tc.n, 7)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		if got := counts(s.Labels, 4); !slices.Equal(got, tc.want) {
			t.Errorf("n=%d: class counts %v, want %v", tc.n, got, tc.want)
		}
		if !slices.IsSorted(s.Index) || len(slices.Compact(slices.Clone(s.Index))) != tc.n {
			t.Errorf("n=%d: samples not distinct in data-set order: %v", tc.n, s.Index)
		}
		for j, i := range s.Index {
			if s.Labels[j] != ds.Labels[i] || s.Image(j)[0] != ds.Image(i)[0] {
				t.Fatalf("n=%d: sample %d is not data-set sample %d", tc.n, j, i)
			}
		}
	}
}

// The choice depends on labels, n and seed only: not on pixels or names.
func TestStratifiedLimitDeterministic(t *testing.T) {
	a := labelled(skewed(), 4)
	b := labelled(skewed(), 4)
	b.Name, b.Pixels = "other", make([]byte, len(b.Pixels))
	sa, _ := StratifiedLimit(a, 30, 5)
	sb, _ := StratifiedLimit(b, 30, 5)
	if !slices.Equal(sa.Index, sb.Index) {
		t.Error("same labels, n and seed give different subsets")
	}
	sc, _ := StratifiedLimit(a, 30, 6)
	if slices.Equal(sa.Index, sc.Index) {
		t.Error("another seed gives the same subset")
	}
	// A limit of a view picks positions in the view.
	v := Subset(a, []int{99, 50, 0, 1, 2})
	sv, err := StratifiedLimit(v, 3, 1)
	if err != nil || !slices.Contains(sv.Labels, 3) || !slices.Contains(sv.Labels, 1) || !slices.Contains(sv.Labels, 0) {
		t.Errorf("limit of a view: %v, labels %v", err, sv.Labels)
	}
}

func TestStratifiedLimitErrors(t *testing.T) {
	ds := labelled(skewed(), 4)
	for _, n := range []int{3, 101, -1} {
		_, err := StratifiedLimit(ds, n, 1)
		if err == nil {
			t.Fatalf("n=%d accepted", n)
		}
		for _, f := range []string{"toy", fmt.Sprintf(" %d ", n), "at least 4", "at most 100"} {
			if !strings.Contains(err.Error(), f) {
				t.Errorf("n=%d: error %q lacks %q", n, err, f)
			}
		}
	}
}

func TestStratifiedSplit(t *testing.T) {
	labels := skewed()
	tr, va := StratifiedSplitIndices(labels, 0.2, 9)
	all := append(slices.Clone(tr), va...)
	slices.Sort(all)
	for i, v := range all {
		if v != i {
			t.Fatalf("split is not a partition of 0..99")
		}
	}
	if !slices.IsSorted(tr) || !slices.IsSorted(va) {
		t.Error("parts are not sorted")
	}
	vl := make([]int, len(va))
	for j, i := range va {
		vl[j] = labels[i]
	}
	// 20 of 70, 20, 9, 1: shares 14, 4, 1.8, 0.2; class 3's only sample
	// stays in training.
	if got := counts(vl, 4); !slices.Equal(got, []int{14, 4, 2, 0}) {
		t.Errorf("validation class counts %v, want [14 4 2 0]", got)
	}
	tr2, va2 := StratifiedSplitIndices(labels, 0.2, 9)
	if !slices.Equal(tr, tr2) || !slices.Equal(va, va2) {
		t.Error("same seed, different split")
	}
	if _, va3 := StratifiedSplitIndices(labels, 0.2, 10); slices.Equal(va, va3) {
		t.Error("another seed, same split")
	}
	// All to validation: no class can keep a training sample.
	if tr, va := StratifiedSplitIndices(labels, 1, 9); len(tr) != 0 || len(va) != 100 {
		t.Errorf("valFraction 1: %d/%d", len(tr), len(va))
	}

	ds := labelled(labels, 4)
	dt, dv := StratifiedSplitTrainVal(ds, 0.2, 9)
	if !slices.Equal(dt.Index, tr) || !slices.Equal(dv.Index, va) || dv.Labels[3] != labels[va[3]] {
		t.Error("StratifiedSplitTrainVal does not hold the split's samples")
	}
}

// apportion meets its total and bounds and stays within one of each exact
// share when the bounds do not bind, for many random class sizes.
func TestApportion(t *testing.T) {
	r := NewRand(1)
	for range 2000 {
		k := 1 + r.Intn(8)
		c := make([]int, k)
		lo := make([]int, k)
		total := 0
		for i := range c {
			c[i] = r.Intn(30)
			total += c[i]
		}
		if total == 0 {
			continue
		}
		n := r.Intn(total + 1)
		a := apportion(c, n, lo, c)
		got := 0
		for i, v := range a {
			got += v
			exact := float64(n*c[i]) / float64(total)
			if v < 0 || v > c[i] || float64(v) < exact-1 || float64(v) > exact+1 {
				t.Fatalf("apportion(%v, %d) = %v: class %d gets %d for share %.2f", c, n, a, i, v, exact)
			}
		}
		if got != n {
			t.Fatalf("apportion(%v, %d) = %v sums to %d", c, n, a, got)
		}
	}
}
