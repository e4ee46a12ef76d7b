//go:build amd64 && !purego

package asm

// Glue for the assembly CorrelateOuts (correlate_outs_avx512_amd64.s,
// correlate_outs_avx2_amd64.s). CorrelateOuts checks every bound; these
// split the planes into groups and turn slices into pointers.

// func correlateOutsAVX512(dst *float32, ldd, full int, src *float32, deltas *int, masks *uint16, stride int, w *float32, taps, tail, outs int)
// Requires taps >= 1 and 1 <= outs <= 6.
//
//go:noescape
func correlateOutsAVX512(dst *float32, ldd, full int, src *float32, deltas *int, masks *uint16, stride int, w *float32, taps, tail, outs int)

// func correlateOutsAVX2(dst *float32, ldd, full int, src *float32, deltas *int, masks *uint16, stride int, w *float32, taps, tail, outs int)
// Requires taps >= 1 and 1 <= outs <= 4.
//
//go:noescape
func correlateOutsAVX2(dst *float32, ldd, full int, src *float32, deltas *int, masks *uint16, stride int, w *float32, taps, tail, outs int)

// correlateOutsMax512 and correlateOutsMax2 are the most planes one call
// of the kernels computes.
const (
	correlateOutsMax512 = 6
	correlateOutsMax2   = 4
)

func correlateOutsA512(dst []float32, ldd, outs int, src []float32, s Shifts, w []float32) {
	taps := len(s.deltas)
	tail := 0
	if s.n%16 != 0 {
		tail = 1<<(s.n%16) - 1
	}
	groups := (outs + correlateOutsMax512 - 1) / correlateOutsMax512
	for o := 0; o < outs; groups-- {
		g := (outs - o + groups - 1) / groups // balanced: 9 = 5+4, not 6+3
		if g == 1 {
			// Correlate's own kernel: the same bits, eight segments at a time.
			correlateA512(dst[o*ldd:o*ldd+s.n], src, s, w[o*taps:(o+1)*taps])
		} else {
			_ = dst[(o+g-1)*ldd+s.n-1]
			_ = w[(o+g)*taps-1]
			correlateOutsAVX512(&dst[o*ldd], ldd, s.n/16, &src[0], &s.deltas[0], &s.masks[0], s.segs, &w[o*taps], taps, tail, g)
		}
		o += g
	}
}

func correlateOutsA2(dst []float32, ldd, outs int, src []float32, s Shifts, w []float32) {
	taps := len(s.deltas)
	groups := (outs + correlateOutsMax2 - 1) / correlateOutsMax2
	for o := 0; o < outs; groups-- {
		g := (outs - o + groups - 1) / groups
		if g == 1 {
			correlateA2(dst[o*ldd:o*ldd+s.n], src, s, w[o*taps:(o+1)*taps])
		} else {
			_ = dst[(o+g-1)*ldd+s.n-1]
			_ = w[(o+g)*taps-1]
			correlateOutsAVX2(&dst[o*ldd], ldd, s.n/16, &src[0], &s.deltas[0], &s.masks[0], s.segs, &w[o*taps], taps, 1<<(s.n%16)-1, g)
		}
		o += g
	}
}
