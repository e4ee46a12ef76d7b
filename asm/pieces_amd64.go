//go:build amd64 && !purego

package asm

//go:noescape
func gatherStep2AVX512(dst *float32, rows, segs int, src *float32, tab *Span16, rowBytes, taps, t0, plane, pieces int)

//go:noescape
func gatherPiecesAVX512(dst *float32, rows, segs int, src *float32, tab *Span16, rowBytes, taps, t0, plane, pieces int)

// gatherPiecesA512 is gatherRowsA512 for tables of several pieces per
// segment or of step 2.
func gatherPiecesA512(dst []float32, rows, segs int, src []float32, t SpanTable, r0, s0 int) {
	base := r0 / t.taps * t.plane
	if base >= len(src) { // nothing left to read: every span is masked off
		gatherRowsGo(dst, src, t, r0, rows, 16*s0, 16*segs)
		return
	}
	_ = dst[rows*segs*16-1]
	if t.step == 2 {
		gatherStep2AVX512(&dst[0], rows, segs, &src[base], &t.s[s0*t.pieces], 8*t.stride*t.pieces, t.taps, r0%t.taps, t.plane, t.pieces)
		return
	}
	gatherPiecesAVX512(&dst[0], rows, segs, &src[base], &t.s[s0*t.pieces], 8*t.stride*t.pieces, t.taps, r0%t.taps, t.plane, t.pieces)
}
