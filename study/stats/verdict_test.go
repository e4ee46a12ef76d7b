package stats

import (
	"math"
	"testing"
)

func TestVerdict(t *testing.T) {
	cases := []struct {
		p, alpha float64
		want     string
	}{
		{0.003, 0.05, "significant (p = 0.003 < 0.05)"},
		{0.41, 0.05, "not significant (p = 0.41)"},
		{0.05, 0.05, "not significant (p = 0.05)"},
		{0.04123, 0.05, "significant (p = 0.041 < 0.05)"},
		{1.234e-5, 0.01, "significant (p = 1.2e-05 < 0.01)"},
		{1, 0.05, "not significant (p = 1)"},
		{math.NaN(), 0.05, "untestable (p undefined)"},
	}
	for _, c := range cases {
		if got := Verdict(c.p, c.alpha); got != c.want {
			t.Errorf("Verdict(%v, %v) = %q, want %q", c.p, c.alpha, got, c.want)
		}
	}
}

func TestPairedVerdictNamesBothTests(t *testing.T) {
	p := Paired{TP: 0.003, Wilcoxon: Wilcoxon{P: 0.078}}
	want := "paired t: significant (p = 0.003 < 0.05); Wilcoxon: not significant (p = 0.078)"
	if got := p.Verdict(0.05); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	m := McNemarResult{P: 0.018}
	if got := m.Verdict(0.05); got != "significant (p = 0.018 < 0.05)" {
		t.Errorf("McNemar verdict %q", got)
	}
}
