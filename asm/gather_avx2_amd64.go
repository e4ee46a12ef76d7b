//go:build amd64 && !purego

package asm

// AVX2 gathers and transposes (gather_avx2_amd64.s) for one-piece, step-1
// span tables: the packing of the avx2 kernel's convolutions. The exported
// wrappers in gather.go check every bound; these cut the work into the
// 8-row groups the assembly transposes and turn slices into pointers.

//go:noescape
func gatherRowsAVX2(dst *float32, rows, segs int, src *float32, tab *Span16, stride, taps, t0, plane int)

//go:noescape
func gatherColsAVX2(dst *float32, ldd int, refs *colRefs8, src *float32, blocks, masked int)

//go:noescape
func transposeAVX2(dst *float32, ldd int, refs *matRefs8, src *float32, blocks, masked int)

// colRefs8 is one 8-row group of a GatherCols call: for each row its span
// row (at the first segment) and the shift of its channel, then the
// 8-lane store mask of the group's real rows. Padding rows repeat a real
// row: what they read is never stored (see storeRule).
type colRefs8 struct {
	rows [8]struct {
		spans *Span16
		add   int64
	}
	store [8]int32
}

// matRefs8 is one 8-row group of a Transpose call: the byte offset of
// each row, then the store mask.
type matRefs8 struct {
	off   [8]int64
	store [8]int32
}

// groupRow returns the first row of the g-th of the 8-row groups of a
// rows-row block in the order the assembly must run them: a short last
// group first, so that the overlapping stores of storeRule land before the
// full groups write over them.
func groupRow(g, rows int) int {
	groups := (rows + 7) / 8
	if rows%8 != 0 {
		g += groups - 1
	}
	return 8 * (g % groups)
}

// storeRule returns how many of the blocks (8 steps each) of a group of
// n rows at row i0 store only their real rows (VMASKMOVPS); the others
// store all 8 lanes. A full group stores all 8 lanes throughout. A short
// group (the last) of a block with ldd == rows may too: its extra lanes
// spill into the first rows of the following steps, which the full
// groups (run after it, groupOrder) or its own later stores (ascending
// addresses) write again, except in its last block, where the spill would
// land past the block. Otherwise every block is masked.
func storeRule(n, ldd, rows, blocks int) int {
	switch {
	case n == 8:
		return 0
	case ldd == rows:
		return 1
	}
	return blocks
}

func storeMask(n int) (m [8]int32) {
	for i := range n {
		m[i] = -1
	}
	return m
}

func gatherRowsA2(dst []float32, rows, segs int, src []float32, t SpanTable, r0, s0 int) {
	base := r0 / t.taps * t.plane
	if base >= len(src) { // nothing left to read: every span is masked off
		gatherSpansGo(dst, src, t, r0, rows, 16*s0, 16*segs)
		return
	}
	_ = dst[rows*segs*16-1]
	gatherRowsAVX2(&dst[0], rows, segs, &src[base], &t.s[s0], t.stride, t.taps, r0%t.taps, t.plane)
}

// gatherColsA2 is GatherCols for a one-piece, step-1 table and j0 a
// multiple of 16, rows <= 16.
func gatherColsA2(dst []float32, ldd int, src []float32, t SpanTable, r0, rows, j0, steps int) {
	blocks := steps / 8
	if len(src) == 0 {
		blocks = 0
	}
	if blocks > 0 {
		_ = dst[(8*blocks-1)*ldd+rows-1]
		for g := range (rows + 7) / 8 {
			i0 := groupRow(g, rows)
			n := min(8, rows-i0)
			refs := colRefs8{store: storeMask(n)}
			for i := range refs.rows {
				r := r0 + i0 + min(i, n-1)
				refs.rows[i].spans = &t.s[r%t.taps*t.stride+j0/16]
				refs.rows[i].add = int64(r / t.taps * t.plane)
			}
			gatherColsAVX2(&dst[i0], ldd, &refs, &src[0], blocks, storeRule(n, ldd, rows, blocks))
		}
	}
	if done := 8 * blocks; done < steps {
		gatherColsGo(dst[done*ldd:], ldd, src, t, r0, rows, j0+done, steps-done)
	}
}

// transposeA2 is Transpose (bounds already checked).
func transposeA2(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	blocks := cols / 8
	if blocks > 0 {
		_, _ = dst[(8*blocks-1)*ldd+rows-1], src[(rows-1)*lds+8*blocks-1]
		for g := range (rows + 7) / 8 {
			i0 := groupRow(g, rows)
			n := min(8, rows-i0)
			refs := matRefs8{store: storeMask(n)}
			for i := range refs.off {
				refs.off[i] = int64(4 * min(i, n-1) * lds)
			}
			transposeAVX2(&dst[i0], ldd, &refs, &src[i0*lds], blocks, storeRule(n, ldd, rows, blocks))
		}
	}
	if done := 8 * blocks; done < cols {
		transposeGo(dst[done*ldd:], ldd, src[done:], lds, rows, cols-done)
	}
}
