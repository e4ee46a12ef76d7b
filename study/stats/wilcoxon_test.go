package stats

import (
	"math"
	"reflect"
	"testing"
)

// untiedRanks is 1, 2, …, n.
func untiedRanks(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i + 1
	}
	return r
}

func TestSignedRankCounts(t *testing.T) {
	// n = 3: rank sums of the subsets of {1, 2, 3} are 0,1,2,3,3,4,5,6.
	if got, want := signedRankCounts(untiedRanks(3)), []float64{1, 1, 1, 2, 1, 1, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("counts(3) = %v, want %v", got, want)
	}
	for _, n := range []int{1, 7, ExactMaxN} {
		c := signedRankCounts(untiedRanks(n))
		sum := 0.0
		for k, v := range c {
			sum += v
			if v != c[len(c)-1-k] {
				t.Fatalf("n = %d: counts not symmetric at %d", n, k)
			}
		}
		if sum != math.Ldexp(1, n) {
			t.Errorf("n = %d: counts sum to %v, want 2^%d", n, sum, n)
		}
	}
}

func TestExactSignedRankTable(t *testing.T) {
	// n = 10: P(R+ ≤ 8) = 25/1024 (standard tables), so T = 8 gives
	// p = 50/1024; and the centre of the distribution gives p = 1.
	r10 := untiedRanks(10)
	if got := exactSignedRankP(r10, 8); got != 50.0/1024 {
		t.Errorf("p(10, 8) = %v, want %v", got, 50.0/1024)
	}
	if got := exactSignedRankP(r10, 47); got != exactSignedRankP(r10, 55-47) {
		t.Errorf("p(10, 47) = %v, not equal to its mirror p(10, 8)", got)
	}
	if got := exactSignedRankP(untiedRanks(4), 5); got != 1 {
		t.Errorf("p at the centre = %v, want 1", got)
	}
}

func TestAverageRanks(t *testing.T) {
	ranks, ties := averageRanks([]float64{3, 1, 3, 2, 3, 0.5})
	if want := []float64{5, 2, 5, 3, 5, 1}; !reflect.DeepEqual(ranks, want) {
		t.Errorf("ranks = %v, want %v", ranks, want)
	}
	if want := []int{3}; !reflect.DeepEqual(ties, want) {
		t.Errorf("tie groups = %v, want %v", ties, want)
	}
}

func TestSignedRankMethodChoice(t *testing.T) {
	untied := make([]float64, ExactMaxN+1)
	for i := range untied {
		untied[i] = float64(i+1) * math.Pow(-1, float64(i))
	}
	cases := []struct {
		name  string
		d     []float64
		exact bool
		zeros int
		ties  bool
	}{
		{"untied", untied[:ExactMaxN], true, 0, false},
		{"too long", untied, false, 0, false},
		{"zero", []float64{0, 1, -2, 3}, true, 1, false},
		{"tie", []float64{1, -1, 2, 3}, true, 0, true},
		{"tie, too long", append([]float64{untied[0]}, untied...), false, 0, true},
	}
	for _, c := range cases {
		w := SignedRank(c.d)
		if w.Exact != c.exact || w.Zeros != c.zeros || w.Ties != c.ties || w.N != len(c.d)-c.zeros {
			t.Errorf("%s: %+v, want exact %v, %d zeros, ties %v", c.name, w, c.exact, c.zeros, c.ties)
		}
		if w.Exact == !math.IsNaN(w.Z) {
			t.Errorf("%s: Z = %v with exact = %v", c.name, w.Z, w.Exact)
		}
		if w.RPlus+w.RMinus != float64(w.N*(w.N+1)/2) {
			t.Errorf("%s: rank sums %v + %v do not total N(N+1)/2", c.name, w.RPlus, w.RMinus)
		}
	}
}

// TestExactSignedRankWithTiesByEnumeration checks the exact p-value with
// tied and zero differences against its definition: flip the signs of the
// non-zero differences in all 2ᴺ ways, recompute R+ with mean ranks, and
// count the assignments at least as extreme on each side.
func TestExactSignedRankWithTiesByEnumeration(t *testing.T) {
	cases := [][]float64{
		{0.03, 0.11, 0.02, 0.17, 0.03}, // five seeds, one tie: p = 2/32, not the normal 0.042
		{0.04, 0, 0},                   // one non-zero difference: p = 1
		{0.26, 0.26, 0.26, -0.26, 0.4},
		{1, -1, 2, 2, -2, 3, 0, 0.5, -0.5, 3},
		{-0.1, -0.1, -0.1, -0.1},
	}
	for _, d := range cases {
		w := SignedRank(d)
		if !w.Exact {
			t.Fatalf("%v: not exact", d)
		}
		var nz []float64
		for _, v := range d {
			if v != 0 {
				nz = append(nz, v)
			}
		}
		abs := make([]float64, len(nz))
		for i, v := range nz {
			abs[i] = math.Abs(v)
		}
		ranks, _ := averageRanks(abs)
		var below, above int
		for mask := 0; mask < 1<<len(nz); mask++ {
			rPlus := 0.0
			for i, r := range ranks {
				if mask&(1<<i) != 0 {
					rPlus += r
				}
			}
			if rPlus <= w.RPlus {
				below++
			}
			if rPlus >= w.RPlus {
				above++
			}
		}
		want := math.Min(1, 2*float64(min(below, above))/float64(int(1)<<len(nz)))
		if w.P != want {
			t.Errorf("%v: p = %v, enumeration %v", d, w.P, want)
		}
	}
	if p := SignedRank([]float64{0.03, 0.11, 0.02, 0.17, 0.03}).P; p != 2.0/32 {
		t.Errorf("five positive differences with a tie: p = %v, want 2/32", p)
	}
}
