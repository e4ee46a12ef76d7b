//go:build amd64 && !purego

package asm

// AVX2 shifted sums and copies (shifts_avx2_amd64.s). The exported
// wrappers in shifts.go check every bound; these only turn slices into
// pointers.

//go:noescape
func correlateAVX2(dst *float32, full int, src *float32, deltas *int, masks *uint16, stride int, w *float32, taps, tail int)

//go:noescape
func dotShiftsAVX2(lanes *float32, gs *float32, full int, src *float32, deltas *int, masks *uint16, stride int, taps, tail int)

//go:noescape
func copy2DAVX2(dst *float32, ldd int, src *float32, lds int, rows, cols int)

func correlateA2(dst, src []float32, s Shifts, w []float32) {
	correlateAVX2(&dst[0], s.n/16, &src[0], &s.deltas[0], &s.masks[0], s.segs, &w[0], len(w), 1<<(s.n%16)-1)
}

// dotShiftsA2 is dotShiftsA512 for the taps t0..t0+taps-1, four at a time:
// the assembly keeps two 8-lane accumulators per tap in registers.
func dotShiftsA2(lanes, g, src []float32, s Shifts, t0, taps int) {
	_ = lanes[16*taps-1]
	for t := 0; t < taps; t += 4 {
		k := min(4, taps-t)
		dotShiftsAVX2(&lanes[16*t], &g[0], s.n/16, &src[0], &s.deltas[t0+t], &s.masks[(t0+t)*s.segs], s.segs, k, 1<<(s.n%16)-1)
	}
}

func copy2DA2(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	copy2DAVX2(&dst[0], ldd, &src[0], lds, rows, cols)
}

// prefetchA2 is prefetchA512: PREFETCHT0 and PREFETCHW need neither.
func prefetchA2(buf []float32, write bool) { prefetchA512(buf, write) }
