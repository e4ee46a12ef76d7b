package autograd

import (
	"math"

	"github.com/modeldoctor/modeldoctor/asm"
)

// FirstNonFinite returns the index of the first NaN or ±Inf in x, or −1
// when every value is finite. It is cheap enough to run on every gradient
// of every step: the all-finite case is one vectorised pass summing x into
// float64 lanes, and only a failing x is searched element by element.
//
// The sums are an exact test: float32 values are below 2¹²⁸, so no finite
// float64 sum of fewer than 2⁸⁹⁵ of them overflows, while a NaN or ±Inf
// leaves its lane NaN or ±Inf whatever else is added.
func FirstNonFinite(x []float32) int {
	var lanes asm.Lanes
	asm.SumLanes(&lanes, x, 1, len(x), 0)
	for _, s := range lanes {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			for i, v := range x {
				if !isFinite(v) {
					return i
				}
			}
		}
	}
	return -1
}

// isFinite reports whether v is neither NaN nor ±Inf: its exponent bits
// are not all ones.
func isFinite(v float32) bool { return math.Float32bits(v)&0x7f800000 != 0x7f800000 }
