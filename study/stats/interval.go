package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a confidence interval for the mean difference.
type Interval struct {
	Lo, Hi float64
	Level  float64 // coverage, e.g. 0.95
}

// CI returns the two-sided Student's t confidence interval of the mean
// difference at the given level in (0, 1): Mean ± t(1 − (1 − level)/2,
// N − 1)·SE. The bounds are NaN for N < 2 or a level outside (0, 1).
func (p Paired) CI(level float64) Interval {
	iv := Interval{Lo: math.NaN(), Hi: math.NaN(), Level: level}
	if p.N < 2 || !(level > 0 && level < 1) {
		return iv
	}
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(p.N - 1)}.Quantile(0.5 + level/2)
	iv.Lo, iv.Hi = p.Mean-q*p.SE, p.Mean+q*p.SE
	return iv
}

// CI95 is CI(0.95), the interval the study reports.
func (p Paired) CI95() Interval { return p.CI(0.95) }

// Contains reports whether x lies in the closed interval; false when the
// bounds are NaN.
func (iv Interval) Contains(x float64) bool { return iv.Lo <= x && x <= iv.Hi }
