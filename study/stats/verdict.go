package stats

import (
	"fmt"
	"math"
)

// Verdict states p against the significance level alpha in words:
// "significant (p = 0.003 < 0.05)" or "not significant (p = 0.41)".
// Significance is p < alpha. A NaN p-value, as from a single pair, gives
// "untestable (p undefined)" rather than either claim.
func Verdict(p, alpha float64) string {
	switch {
	case math.IsNaN(p):
		return "untestable (p undefined)"
	case p < alpha:
		return fmt.Sprintf("significant (p = %s < %g)", formatP(p), alpha)
	default:
		return fmt.Sprintf("not significant (p = %s)", formatP(p))
	}
}

// formatP keeps two significant digits, enough for a verdict; tiny values
// print as e.g. 1.2e-05.
func formatP(p float64) string { return fmt.Sprintf("%.2g", p) }

// Verdict states both tests of the paired differences, the t-test first:
// "paired t: significant (p = 0.003 < 0.05); Wilcoxon: not significant
// (p = 0.078)".
func (p Paired) Verdict(alpha float64) string {
	return "paired t: " + Verdict(p.TP, alpha) + "; Wilcoxon: " + Verdict(p.Wilcoxon.P, alpha)
}

// Verdict states the exact McNemar test: "significant (p = 0.018 < 0.05)".
func (m McNemarResult) Verdict(alpha float64) string { return Verdict(m.P, alpha) }
