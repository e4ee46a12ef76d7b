package stats

import (
	"math"
	"reflect"
	"testing"
)

func TestSignedRankCounts(t *testing.T) {
	// n = 3: rank sums of the subsets of {1, 2, 3} are 0,1,2,3,3,4,5,6.
	if got, want := signedRankCounts(3), []float64{1, 1, 1, 2, 1, 1, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("counts(3) = %v, want %v", got, want)
	}
	for _, n := range []int{1, 7, ExactMaxN} {
		c := signedRankCounts(n)
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
	if got := exactSignedRankP(10, 8); got != 50.0/1024 {
		t.Errorf("p(10, 8) = %v, want %v", got, 50.0/1024)
	}
	if got := exactSignedRankP(10, 47); got != exactSignedRankP(10, 55-47) {
		t.Errorf("p(10, 47) = %v, not equal to its mirror p(10, 8)", got)
	}
	if got := exactSignedRankP(4, 5); got != 1 {
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
		{"zero", []float64{0, 1, -2, 3}, false, 1, false},
		{"tie", []float64{1, -1, 2, 3}, false, 0, true},
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
