package asm

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// piecedTableCase builds a random table of segments of the given number of
// pieces: each segment's 16 lanes are dealt out to the pieces in random
// runs (some lanes to none), and each piece reads from its own offset.
func piecedTableCase(r *rand.Rand, pieces, stride, taps, reps int) (SpanTable, []float32) {
	const planeLen = 100
	spans := make([]Span16, 0, pieces*stride*taps)
	for range stride * taps {
		var masks = make([]uint32, pieces)
		for l := 0; l < 16; {
			run := 1 + r.IntN(8)
			owner := r.IntN(pieces + 1) // pieces: no owner, a zero lane
			for ; run > 0 && l < 16; run-- {
				if owner < pieces {
					masks[owner] |= 1 << l
				}
				l++
			}
		}
		for _, m := range masks {
			if m == 0 {
				spans = append(spans, Span16{Off: int32(r.IntN(50))})
				continue
			}
			lo, hi := lowBit(m), highBit(m)
			spans = append(spans, Span16{Off: int32(-lo + r.IntN(planeLen-(hi-lo))), Mask: m})
		}
	}
	plane := planeLen + r.IntN(5)
	src := randMatrix(r, 1, (reps-1)*plane+planeLen, (reps-1)*plane+planeLen)
	return NewPiecedSpanTable(spans, pieces, stride, taps, plane, reps), src
}

// naivePiece is element (row, col) of a pieced span matrix, from the
// definition: the lane of the one piece whose mask has it, else zero.
func naivePiece(t SpanTable, src []float32, row, col int) float32 {
	seg := t.s[(row%t.taps*t.stride+col/16)*t.pieces:][:t.pieces]
	var v float32
	found := 0
	for _, sp := range seg {
		if sp.Mask&(1<<(col%16)) != 0 {
			v = src[int(sp.Off)+row/t.taps*t.plane+col%16]
			found++
		}
	}
	if found > 1 {
		panic("overlapping pieces")
	}
	return v
}

func TestGatherRowsPieces(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(11, 12))
		// {pieces, stride, taps, reps, r0, rows, j0, width}
		for _, c := range [][8]int{{2, 1, 1, 1, 0, 1, 0, 16}, {2, 2, 9, 3, 4, 20, 0, 32}, {3, 3, 5, 4, 0, 20, 16, 32},
			{4, 4, 3, 2, 2, 3, 0, 64}, {2, 2, 9, 7, 0, 63, 0, 32}, {3, 3, 2, 3, 1, 4, 5, 17}, {2, 2, 1, 4, 0, 4, 0, 7}} {
			tab, src := piecedTableCase(r, c[0], c[1], c[2], c[3])
			r0, rows, j0, width := c[4], c[5], c[6], c[7]
			dst, check := guarded(rows * width)
			GatherRows(dst, src, tab, r0, rows, j0, width)
			check(t)
			for p := range rows {
				for j := range width {
					if got, want := dst[p*width+j], naivePiece(tab, src, r0+p, j0+j); got != want {
						t.Fatalf("%v: dst[%d][%d] = %v, want %v", c, p, j, got, want)
					}
				}
			}
		}
	})
}

func TestGatherColsPieces(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(13, 14))
		for _, pieces := range []int{2, 3} {
			for _, rows := range []int{1, 6, 14, 16} {
				for _, steps := range []int{1, 17, 48, 300} {
					for _, j0 := range []int{0, 16, 3} {
						ldd := rows + r.IntN(3)
						stride := (j0+steps+15)/16 + r.IntN(2)
						tab, src := piecedTableCase(r, pieces, stride, 9, 2)
						r0 := r.IntN(tab.Rows() - rows + 1)
						dst, check := guarded((steps-1)*ldd + rows)
						GatherCols(dst, ldd, src, tab, r0, rows, j0, steps)
						check(t)
						for i := range rows {
							for p := range steps {
								if got, want := dst[p*ldd+i], naivePiece(tab, src, r0+i, j0+p); got != want {
									t.Fatalf("pieces %d rows %d steps %d j0 %d: dst[%d][%d] = %v, want %v", pieces, rows, steps, j0, p, i, got, want)
								}
							}
						}
					}
				}
			}
		}
	})
}

func TestNewPiecedSpanTablePanics(t *testing.T) {
	for _, c := range []struct {
		s    []Span16
		want string
	}{
		{[]Span16{{Off: 0, Mask: 3}, {Off: 5, Mask: 2}}, "overlaps"},
		{[]Span16{{Off: 0, Mask: 3}}, "2 pieces"},
	} {
		func() {
			defer func() {
				if e := recover(); e == nil || !strings.Contains(fmt.Sprint(e), c.want) {
					t.Errorf("NewPiecedSpanTable(%+v): panic %v, want %q", c.s, e, c.want)
				}
			}()
			NewPiecedSpanTable(c.s, 2, 1, 1, 0, 1)
		}()
	}
}

// steppedTableCase is piecedTableCase for step-2 tables: pieces own runs
// of lanes, each reading every other element from its own offset.
func steppedTableCase(r *rand.Rand, pieces, stride, taps, reps int) (SpanTable, []float32, []Span16) {
	const planeLen = 120
	spans := make([]Span16, 0, pieces*stride*taps)
	for range stride * taps {
		masks := make([]uint32, pieces)
		for l := 0; l < 16; {
			run := 1 + r.IntN(8)
			owner := r.IntN(pieces + 1)
			for ; run > 0 && l < 16; run-- {
				if owner < pieces {
					masks[owner] |= 1 << l
				}
				l++
			}
		}
		for _, m := range masks {
			if m == 0 {
				spans = append(spans, Span16{Off: int32(r.IntN(50))})
				continue
			}
			lo, hi := 2*lowBit(m), 2*highBit(m)
			spans = append(spans, Span16{Off: int32(-lo + r.IntN(planeLen-(hi-lo))), Mask: m})
		}
	}
	plane := planeLen + r.IntN(5)
	src := randMatrix(r, 1, (reps-1)*plane+planeLen, (reps-1)*plane+planeLen)
	lanes := append([]Span16(nil), spans...)
	return NewSteppedSpanTable(spans, 2, pieces, stride, taps, plane, reps), src, lanes
}

// naiveStep2 is element (row, col) of a step-2 table given its lane masks.
func naiveStep2(t SpanTable, lanes []Span16, src []float32, row, col int) float32 {
	seg := lanes[(row%t.taps*t.stride+col/16)*t.pieces:][:t.pieces]
	for _, sp := range seg {
		if sp.Mask&(1<<(col%16)) != 0 {
			return src[int(sp.Off)+row/t.taps*t.plane+2*(col%16)]
		}
	}
	return 0
}

func TestGatherStep2(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(15, 16))
		for _, c := range [][8]int{{1, 1, 1, 1, 0, 1, 0, 16}, {1, 2, 9, 3, 4, 20, 0, 32}, {2, 3, 5, 4, 0, 20, 16, 32},
			{3, 4, 3, 2, 2, 3, 0, 64}, {2, 3, 2, 3, 1, 4, 5, 17}} {
			tab, src, lanes := steppedTableCase(r, c[0], c[1], c[2], c[3])
			r0, rows, j0, width := c[4], c[5], c[6], c[7]
			dst, check := guarded(rows * width)
			GatherRows(dst, src, tab, r0, rows, j0, width)
			check(t)
			for p := range rows {
				for j := range width {
					if got, want := dst[p*width+j], naiveStep2(tab, lanes, src, r0+p, j0+j); got != want {
						t.Fatalf("rows %v: dst[%d][%d] = %v, want %v", c, p, j, got, want)
					}
				}
			}
			ldd := 16 + r.IntN(3)
			steps := width
			rows = min(rows, 16)
			cdst, ccheck := guarded((steps-1)*ldd + rows)
			GatherCols(cdst, ldd, src, tab, r0, rows, j0, steps)
			ccheck(t)
			for i := range rows {
				for p := range steps {
					if got, want := cdst[p*ldd+i], naiveStep2(tab, lanes, src, r0+i, j0+p); got != want {
						t.Fatalf("cols %v: dst[%d][%d] = %v, want %v", c, p, i, got, want)
					}
				}
			}
		}
	})
}
