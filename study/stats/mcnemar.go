package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// McNemarResult compares two classifiers, A and B, on the same images.
// Only the discordant images carry information: under the null hypothesis
// that A and B are equally accurate, B01 is Binomial(B01 + B10, ½).
type McNemarResult struct {
	N   int // images
	B01 int // A right, B wrong
	B10 int // A wrong, B right

	// P is the exact two-sided binomial p-value, min(1, 2·P(X ≤ min(B01,
	// B10))), as statsmodels' mcnemar(table, exact=True) and
	// scipy.stats.binomtest(B01, B01 + B10, 0.5). It is 1 when no image
	// is discordant.
	P float64

	// MidP subtracts P(X = min(B01, B10)) from P. The exact test is
	// conservative for few discordant images; Fagerland, Lydersen and Laake
	// (BMC Med Res Methodol, 2013) recommend the mid-p for its size close
	// to the nominal level. Report P as the primary result.
	MidP float64
}

// McNemar counts the discordant pairs of predictions a and b against the
// labels truth and tests them. The three slices must have equal length.
func McNemar(a, b, truth []int) (McNemarResult, error) {
	if len(a) != len(truth) || len(b) != len(truth) {
		return McNemarResult{}, fmt.Errorf("stats: McNemar needs equal lengths, got %d, %d predictions and %d labels", len(a), len(b), len(truth))
	}
	var b01, b10 int
	for i, y := range truth {
		ra, rb := a[i] == y, b[i] == y
		switch {
		case ra && !rb:
			b01++
		case !ra && rb:
			b10++
		}
	}
	r := McNemarCounts(b01, b10)
	r.N = len(truth)
	return r, nil
}

// McNemarCounts tests already counted discordant pairs; N is left zero.
// Negative counts panic: they are a programming error, not data.
func McNemarCounts(b01, b10 int) McNemarResult {
	if b01 < 0 || b10 < 0 {
		panic(fmt.Sprintf("stats: negative McNemar counts %d, %d", b01, b10))
	}
	r := McNemarResult{B01: b01, B10: b10, P: 1, MidP: 1}
	n := b01 + b10
	if n == 0 {
		return r
	}
	k := float64(min(b01, b10))
	bin := distuv.Binomial{N: float64(n), P: 0.5}
	tail := bin.CDF(k)
	r.P = math.Min(1, 2*tail)
	r.MidP = math.Min(1, 2*tail-bin.Prob(k))
	return r
}
