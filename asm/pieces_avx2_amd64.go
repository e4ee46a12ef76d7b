//go:build amd64 && !purego

package asm

// AVX2 gathers of pieced and step-2 span tables (pieces_avx2_amd64.s),
// the AVX2 twins of pieces_amd64.go.

//go:noescape
func gatherPiecesAVX2(dst *float32, rows, segs int, src *float32, tab *Span16, rowBytes, taps, t0, plane, pieces int)

//go:noescape
func gatherStep2AVX2(dst *float32, rows, segs int, src *float32, tab *Span16, rowBytes, taps, t0, plane, pieces int)

// gatherPiecesA2 is gatherRowsA2 for tables of several pieces per segment
// or of step 2: rows×16·segs of the matrix at row r0, segment s0. It
// repeats gatherPiecesA512 with other kernels on purpose: sharing one body
// that takes the kernels as function values makes dst escape, and
// GatherCols's stack buffer then went to the heap on every call (the
// pieced GatherCols benchmark ran 10× slower).
func gatherPiecesA2(dst []float32, rows, segs int, src []float32, t SpanTable, r0, s0 int) {
	base := r0 / t.taps * t.plane
	if base >= len(src) { // nothing left to read: every span is masked off
		gatherRowsGo(dst, src, t, r0, rows, 16*s0, 16*segs)
		return
	}
	_ = dst[rows*segs*16-1]
	if t.step == 2 {
		gatherStep2AVX2(&dst[0], rows, segs, &src[base], &t.s[s0*t.pieces], 8*t.stride*t.pieces, t.taps, r0%t.taps, t.plane, t.pieces)
		return
	}
	gatherPiecesAVX2(&dst[0], rows, segs, &src[base], &t.s[s0*t.pieces], 8*t.stride*t.pieces, t.taps, r0%t.taps, t.plane, t.pieces)
}
