//go:build amd64 && !purego

package asm

// Assembly gathers, transposes and shifted sums (gather_avx512_amd64.s,
// shifts_avx512_amd64.s). The exported wrappers in gather.go and shifts.go
// check every bound; these only turn slices into pointers.

//go:noescape
func gatherRowsAVX512(dst *float32, rows, segs int, src *float32, tab *Span16, stride, taps, t0, plane, pf int)

//go:noescape
func gatherColsAVX512(dst *float32, ldd, storeMask int, refs *colRef, src *float32, segs int)

//go:noescape
func transposeAVX512(dst *float32, ldd, storeMask int, refs *matRef, src *float32, segs int)

//go:noescape
func correlateAVX512(dst *float32, full int, src *float32, deltas *int, masks *uint16, stride int, w *float32, taps, tail int)

//go:noescape
func prefetchLines(p *float32, lines int, write int)

//go:noescape
func copy2DAVX512(dst *float32, ldd int, src *float32, lds int, rows, chunks int, tail uint64)

//go:noescape
func dotShiftsAVX512(lanes *float32, gs *float32, full int, src *float32, deltas *int, masks *uint16, stride int, taps, tail int)

// colRef is one row of a GatherCols call: its span row, a mask that is
// all ones for real rows and zero for the padding rows of a short panel
// (which then point at a real row but read nothing), and the shift of its
// channel.
type colRef struct {
	spans *Span16
	and   uint64
	add   int64
	_     int64
}

// matRef is one row of a Transpose call: offset and load mask.
type matRef struct {
	off  int64
	mask uint64
}

var avx512Ops = simdOps{avx512: true}

func gatherRowsA512(dst []float32, rows, segs int, src []float32, t SpanTable, r0, s0 int) {
	base := r0 / t.taps * t.plane
	if base >= len(src) { // nothing left to read: every span is masked off
		gatherRowsGo(dst, src, t, r0, rows, 16*s0, 16*segs)
		return
	}
	_ = dst[rows*segs*16-1]
	// Prefetch the rows the next block to the right will read (the spans
	// segs further on), while this block's are being copied.
	pf := 0
	if s0+2*segs <= t.stride {
		pf = 8 * segs
	}
	gatherRowsAVX512(&dst[0], rows, segs, &src[base], &t.s[s0], t.stride, t.taps, r0%t.taps, t.plane, pf)
}

func gatherColsA512(dst []float32, ldd, rows, segs int, src []float32, t SpanTable, r0, s0 int) {
	if len(src) == 0 {
		gatherColsGo(dst, ldd, src, t, r0, rows, 16*s0, 16*segs)
		return
	}
	_ = dst[(16*segs-1)*ldd+rows-1]
	var refs [16]colRef
	for i := range refs {
		if i < rows {
			r := r0 + i
			refs[i] = colRef{spans: &t.s[r%t.taps*t.stride+s0], and: 0xffff, add: int64(r / t.taps * t.plane)}
		} else {
			refs[i] = colRef{spans: &t.s[s0]}
		}
	}
	gatherColsAVX512(&dst[0], ldd, 1<<rows-1, &refs[0], &src[0], segs)
}

func transposeA512(dst []float32, ldd int, src []float32, lds, rows, segs int) {
	_, _ = dst[(16*segs-1)*ldd+rows-1], src[(rows-1)*lds+16*segs-1]
	var refs [16]matRef
	for i := range rows {
		refs[i] = matRef{int64(i * lds), 0xffff}
	}
	transposeAVX512(&dst[0], ldd, 1<<rows-1, &refs[0], &src[0], segs)
}

func correlateA512(dst, src []float32, s Shifts, w []float32) {
	tail := 0
	if s.n%16 != 0 {
		tail = 1<<(s.n%16) - 1
	}
	correlateAVX512(&dst[0], s.n/16, &src[0], &s.deltas[0], &s.masks[0], s.segs, &w[0], len(w), tail)
}

func dotShiftsA512(lanes, g, src []float32, s Shifts, t0, taps int) {
	_ = lanes[16*taps-1]
	tail := 0
	if s.n%16 != 0 {
		tail = 1<<(s.n%16) - 1
	}
	dotShiftsAVX512(&lanes[0], &g[0], s.n/16, &src[0], &s.deltas[t0], &s.masks[t0*s.segs], s.segs, taps, tail)
}

func copy2DA512(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	copy2DAVX512(&dst[0], ldd, &src[0], lds, rows, cols/16, 1<<(cols%16)-1)
}

func prefetchA512(buf []float32, write bool) {
	w := 0
	if write {
		w = 1
	}
	prefetchLines(&buf[0], (len(buf)+15)/16, w)
}
