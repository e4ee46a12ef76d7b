package autograd

import (
	"math"
	"unsafe"
)

// FirstNonFinite returns the index of the first NaN or ±Inf in x, or −1
// when every value is finite. It is cheap enough to run on every gradient
// of every step: the common all-finite case is a branch-free pass over x
// two values at a time, and only a failing block is searched element by
// element.
func FirstNonFinite(x []float32) int {
	const block = 1024 // elements tested per branch
	for start := 0; start < len(x); start += block {
		end := min(start+block, len(x))
		if !allFinite(x[start:end]) {
			for i := start; i < end; i++ {
				if !isFinite(x[i]) {
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

// allFinite reports whether x holds no NaN or ±Inf. Adding 2²³ to a
// value's magnitude bits carries into bit 31 exactly when its exponent is
// all ones, so the OR of those sums has bit 31 set iff some value is not
// finite. Two float32s share a uint64 word: a lane's sum stays below 2³²,
// so no carry crosses into its neighbour.
func allFinite(x []float32) bool {
	const (
		mag   = 0x7fffffff7fffffff
		carry = 0x0080000000800000
		sign  = 0x8000000080000000
	)
	words := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(x))), len(x)/2)
	var a, b, c, d uint64
	i := 0
	for ; i+4 <= len(words); i += 4 {
		a |= words[i]&mag + carry
		b |= words[i+1]&mag + carry
		c |= words[i+2]&mag + carry
		d |= words[i+3]&mag + carry
	}
	for ; i < len(words); i++ {
		a |= words[i]&mag + carry
	}
	if len(x)%2 == 1 && !isFinite(x[len(x)-1]) {
		return false
	}
	return (a|b|c|d)&sign == 0
}
