package stats

import (
	"errors"
	"math"
	"strconv"
	"testing"
)

func TestPairedMatchesScipy(t *testing.T) {
	for _, c := range loadFixtures(t).Paired {
		t.Run(c.Name, func(t *testing.T) {
			p, err := PairedDiff(c.Treated, c.Control)
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, got, want, rel float64) {
				t.Helper()
				if !near(got, want, rel) {
					t.Errorf("%s = %.17g, scipy %.17g", what, got, want)
				}
			}
			check("mean", p.Mean, c.Mean, 1e-12)
			check("sd", p.SD, c.SD, 1e-12)
			check("se", p.SE, c.SE, 1e-12)
			check("t", p.T, c.T, 1e-12)
			check("t-test p", p.TP, c.TP, 1e-12)
			for key, want := range c.CI {
				level, err := strconv.ParseFloat(key, 64)
				if err != nil {
					t.Fatal(err)
				}
				iv := p.CI(level)
				check("CI"+key+" lo", iv.Lo, want[0], 1e-12)
				check("CI"+key+" hi", iv.Hi, want[1], 1e-12)
			}
			if p.Wilcoxon.Exact != c.WExact {
				t.Errorf("Wilcoxon exact = %v, fixture used exact = %v", p.Wilcoxon.Exact, c.WExact)
			}
			check("Wilcoxon statistic", p.Wilcoxon.Statistic, c.WStat, 0)
			check("Wilcoxon p", p.Wilcoxon.P, c.WP, 1e-12)
		})
	}
}

func TestCI95IsCIAt95(t *testing.T) {
	p, err := PairedDiff([]float64{0.9, 0.8, 0.85, 0.95}, []float64{0.7, 0.82, 0.8, 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if p.CI95() != p.CI(0.95) {
		t.Fatalf("CI95 %v != CI(0.95) %v", p.CI95(), p.CI(0.95))
	}
	wide, narrow := p.CI(0.99), p.CI(0.8)
	if !(wide.Lo < narrow.Lo && narrow.Hi < wide.Hi) {
		t.Errorf("99%% interval %v does not contain 80%% interval %v", wide, narrow)
	}
	if !p.CI95().Contains(p.Mean) {
		t.Errorf("CI95 %v excludes the mean %v", p.CI95(), p.Mean)
	}
	for _, bad := range []float64{0, 1, -0.5, 95, math.NaN()} {
		if iv := p.CI(bad); !math.IsNaN(iv.Lo) || !math.IsNaN(iv.Hi) || iv.Contains(p.Mean) {
			t.Errorf("CI(%v) = %v, want NaN bounds", bad, iv)
		}
	}
}

func TestPairedOnePair(t *testing.T) {
	p, err := PairedDiff([]float64{0.9}, []float64{0.7})
	if err != nil {
		t.Fatal(err)
	}
	if p.N != 1 || !near(p.Mean, 0.2, 1e-15) {
		t.Errorf("N = %d, mean = %v", p.N, p.Mean)
	}
	for name, v := range map[string]float64{"SD": p.SD, "SE": p.SE, "T": p.T, "TP": p.TP, "CI lo": p.CI95().Lo, "CI hi": p.CI95().Hi} {
		if !math.IsNaN(v) {
			t.Errorf("%s = %v with one pair, want NaN", name, v)
		}
	}
	// The exact signed-rank distribution of one difference puts ½ on each
	// sign, so the two-sided p-value is 1, as scipy gives.
	if p.Wilcoxon.P != 1 || !p.Wilcoxon.Exact {
		t.Errorf("Wilcoxon = %+v, want exact p = 1", p.Wilcoxon)
	}
}

func TestPairedRejectsBadInput(t *testing.T) {
	if _, err := PairedDiff(nil, nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("no pairs: err = %v, want ErrEmpty", err)
	}
	if _, err := PairedDiff([]float64{1, 2}, []float64{1}); err == nil {
		t.Error("lengths 2 and 1 accepted")
	}
	if _, err := PairedDiff([]float64{1, math.NaN()}, []float64{1, 2}); err == nil {
		t.Error("NaN accepted")
	}
	if _, err := PairedDiff([]float64{1, math.Inf(1)}, []float64{1, 2}); err == nil {
		t.Error("infinity accepted")
	}
}

func TestPairedConstantDifference(t *testing.T) {
	// Equal, non-zero differences: no spread, so scipy's t is infinite and
	// its p-value 0; equal zero differences leave both undefined.
	p, err := PairedDiff([]float64{1.5, 2.5, 3.5}, []float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(p.T, 1) || p.TP != 0 {
		t.Errorf("constant +0.5: T = %v, TP = %v, want +Inf, 0", p.T, p.TP)
	}
	z, err := PairedDiff([]float64{1, 2, 3}, []float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(z.T) || !math.IsNaN(z.TP) || !math.IsNaN(z.Wilcoxon.P) || z.Wilcoxon.Zeros != 3 {
		t.Errorf("all zero: T = %v, TP = %v, Wilcoxon = %+v, want NaN and 3 zeros", z.T, z.TP, z.Wilcoxon)
	}
}

// TestPairedDiffStepRestoresTies: differences of equal image counts,
// computed from percentages in floating point, are equal again after
// snapping to the accuracy step, so the Wilcoxon test sees their tie.
func TestPairedDiffStepRestoresTies(t *testing.T) {
	const n = 10000
	pct := func(k int) float64 { return 100 * float64(k) / n }
	treated := []float64{pct(9126), pct(9057), pct(9163), pct(9000), pct(9140)}
	control := []float64{pct(9100), pct(9031), pct(9137), pct(9026), pct(9100)} // +26, +26, +26, −26, +40 images
	raw, _ := PairedDiff(treated, control)
	snapped, err := PairedDiffStep(treated, control, 100.0/n)
	if err != nil {
		t.Fatal(err)
	}
	if !snapped.Wilcoxon.Ties {
		t.Errorf("snapped differences %v lost their tie", snapped.D)
	}
	if snapped.D[0] != snapped.D[1] || snapped.D[1] != snapped.D[2] || snapped.D[0] != -snapped.D[3] {
		t.Errorf("snapped differences %v are not equal steps", snapped.D)
	}
	_ = raw
}
