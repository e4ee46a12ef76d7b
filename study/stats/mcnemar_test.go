package stats

import "testing"

func TestMcNemarMatchesStatsmodels(t *testing.T) {
	for _, c := range loadFixtures(t).McNemar {
		r := McNemarCounts(c.B01, c.B10)
		if !near(r.P, c.P, 1e-12) || !near(r.MidP, c.MidP, 1e-12) {
			t.Errorf("%s: p = %.17g, mid-p = %.17g; reference %.17g, %.17g", c.Name, r.P, r.MidP, c.P, c.MidP)
		}
		if swapped := McNemarCounts(c.B10, c.B01); swapped.P != r.P || swapped.MidP != r.MidP {
			t.Errorf("%s: swapping the models changes p: %v, %v", c.Name, swapped.P, r.P)
		}
	}
}

func TestMcNemarCountsPredictions(t *testing.T) {
	truth := []int{0, 1, 2, 3, 4, 5, 6, 7}
	a := []int{0, 1, 2, 3, 4, 0, 0, 9} // right on 0..4
	b := []int{0, 1, 9, 9, 9, 5, 0, 7} // right on 0, 1, 5, 7
	r, err := McNemar(a, b, truth)
	if err != nil {
		t.Fatal(err)
	}
	// a only: 2, 3, 4; b only: 5, 7; both wrong: 6.
	if r.N != 8 || r.B01 != 3 || r.B10 != 2 {
		t.Fatalf("N, B01, B10 = %d, %d, %d, want 8, 3, 2", r.N, r.B01, r.B10)
	}
	if want := McNemarCounts(3, 2); r.P != want.P || r.MidP != want.MidP {
		t.Errorf("p = %v, counts give %v", r.P, want.P)
	}
	if !near(r.P, 1, 1e-15) {
		t.Errorf("3 vs 2 discordant: p = %v, want 1", r.P)
	}
}

func TestMcNemarRejectsLengths(t *testing.T) {
	if _, err := McNemar([]int{1, 2}, []int{1}, []int{1, 2}); err == nil {
		t.Error("b shorter than truth accepted")
	}
	if _, err := McNemar([]int{1}, []int{1}, []int{1, 2}); err == nil {
		t.Error("predictions shorter than truth accepted")
	}
}
