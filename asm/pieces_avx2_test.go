//go:build linux

package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Tests of the AVX2 gathers of pieced and step-2 tables
// (pieces_avx2_amd64.s) against their Go twins, bit for bit: the tables of
// real convolutions, pieces that read the first and the last element of a
// source fenced by unreadable pages, every row count across channel
// wraps, and guard bands after every output. The helpers (useAVX2,
// fencedSource, sameBits) are in gather_avx2_test.go.

// convSpanTable builds the span table of the im2col matrix of a
// convolution over c planes of h×w with a k×k kernel, stride s (rows and
// columns) and padding p, as tensor's buildConvPlan does (rewritten here
// so the test does not depend on it): segments of 16 output positions cut
// into at most 4 runs of the input ("pieces"), lanes reading every s-th
// input column. ok is false when the output is empty or a segment needs
// more than 4 pieces.
func convSpanTable(c, h, w, k, s, p int) (tab SpanTable, ok bool) {
	const limit = 4
	ho, wo := (h+2*p-k)/s+1, (w+2*p-k)/s+1
	if h+2*p < k || w+2*p < k {
		return SpanTable{}, false
	}
	hw := ho * wo
	segs := (hw + 15) / 16
	taps := k * k
	runs := make([][]Span16, taps*segs)
	pieces := 1
	for t := range taps {
		ki, kj := t/k, t%k
		for sg := range segs {
			var rs []Span16
			for l := range 16 {
				q := 16*sg + l
				if q >= hw {
					break
				}
				iy, ix := q/wo*s-p+ki, q%wo*s-p+kj
				if iy < 0 || iy >= h || ix < 0 || ix >= w {
					continue
				}
				off := int32(iy*w + ix - s*l)
				if n := len(rs); n > 0 && rs[n-1].Off == off {
					rs[n-1].Mask |= 1 << l
					continue
				}
				if len(rs) == limit {
					return SpanTable{}, false
				}
				rs = append(rs, Span16{Off: off, Mask: 1 << l})
			}
			runs[t*segs+sg] = rs
			pieces = max(pieces, len(rs))
		}
	}
	spans := make([]Span16, taps*segs*pieces)
	for i, rs := range runs {
		copy(spans[i*pieces:], rs)
	}
	return NewSteppedSpanTable(spans, s, pieces, segs, taps, h*w, c), true
}

// fillBits fills src with random values, some of them -0 and NaNs with
// payloads, which a copy must keep bit for bit.
func fillBits(r *rand.Rand, src []float32) {
	for i := range src {
		switch r.IntN(16) {
		case 0:
			src[i] = float32(math.Copysign(0, -1))
		case 1:
			src[i] = math.Float32frombits(0x7fc00000 | r.Uint32()&0x3fffff | r.Uint32()&0x80000000)
		default:
			src[i] = float32(r.IntN(2001)-1000) / 8
		}
	}
}

// checkRowsA2 compares GatherRows with gatherRowsGo on one block.
func checkRowsA2(t *testing.T, name string, src []float32, tab SpanTable, r0, rows, j0, width int) {
	t.Helper()
	want := make([]float32, rows*width)
	gatherRowsGo(want, src, tab, r0, rows, j0, width)
	dst, check := guarded(rows * width)
	GatherRows(dst, src, tab, r0, rows, j0, width)
	check(t)
	if i := sameBits(dst, want); i >= 0 {
		t.Fatalf("%s: GatherRows(r0 %d rows %d j0 %d width %d): dst[%d] = %v (%#x), want %v (%#x)",
			name, r0, rows, j0, width, i, dst[i], math.Float32bits(dst[i]), want[i], math.Float32bits(want[i]))
	}
}

// checkColsA2 compares GatherCols with gatherColsGo on one block; the
// gaps between steps (ldd > rows) must keep their sentinels.
func checkColsA2(t *testing.T, name string, src []float32, tab SpanTable, ldd, r0, rows, j0, steps int) {
	t.Helper()
	n := (steps-1)*ldd + rows
	want := make([]float32, n)
	for i := range want {
		want[i] = sentinel
	}
	gatherColsGo(want, ldd, src, tab, r0, rows, j0, steps)
	dst, check := guarded(n)
	GatherCols(dst, ldd, src, tab, r0, rows, j0, steps)
	check(t)
	if i := sameBits(dst, want); i >= 0 {
		t.Fatalf("%s: GatherCols(ldd %d r0 %d rows %d j0 %d steps %d): dst[%d] = %v (%#x), want %v (%#x)",
			name, ldd, r0, rows, j0, steps, i, dst[i], math.Float32bits(dst[i]), want[i], math.Float32bits(want[i]))
	}
}

// TestGatherConvAVX2 gathers the im2col matrices of convolutions of
// kernel 1..7, stride 1 and 2, padding 0..3 and input widths 1..40 that
// take the pieced or step-2 path, from a source that ends (or starts) at
// an unreadable page.
func TestGatherConvAVX2(t *testing.T) {
	useAVX2(t)
	r := rand.New(rand.NewPCG(21, 22))
	seen := map[[2]int]int{} // {step, pieces} → tables
	for k := 1; k <= 7; k++ {
		for _, s := range []int{1, 2} {
			for p := range 4 {
				for w := 1; w <= 40; w++ {
					h := max(1, k-2*p) + r.IntN(6)
					c := 1 + r.IntN(3)
					tab, ok := convSpanTable(c, h, w, k, s, p)
					if !ok || (tab.pieces == 1 && tab.step == 1) {
						continue
					}
					seen[[2]int{tab.step, tab.pieces}]++
					name := fmt.Sprintf("k %d s %d p %d %dx%d c %d (pieces %d)", k, s, p, h, w, c, tab.pieces)
					src := fencedSource(t, max(1, tab.Need()), r.IntN(4) != 0)
					fillBits(r, src)
					segs := tab.stride
					// The whole matrix, then a random block.
					checkRowsA2(t, name, src, tab, 0, tab.Rows(), 0, 16*segs)
					rows := 1 + r.IntN(tab.Rows())
					r0 := r.IntN(tab.Rows() - rows + 1)
					s0 := r.IntN(segs)
					checkRowsA2(t, name, src, tab, r0, rows, 16*s0, 16*(1+r.IntN(segs-s0)))
					rows = min(rows, 16)
					steps := 1 + r.IntN(16*segs-16*s0)
					checkColsA2(t, name, src, tab, rows+r.IntN(2)*r.IntN(3), r0, rows, 16*s0, steps)
				}
			}
		}
	}
	t.Logf("tables tested, by {step, pieces}: %v", seen)
	for _, key := range [][2]int{{1, 2}, {1, 3}, {1, 4}, {2, 1}, {2, 2}, {2, 3}} {
		if seen[key] == 0 {
			t.Errorf("no convolution with step %d and %d pieces was tested (%v)", key[0], key[1], seen)
		}
	}
}

// edgePieces returns the spans of n segments of the given pieces and step
// over a plane of planeLen floats: each segment's lanes dealt to the
// pieces in random runs, and each piece with lanes either reading the
// first element of the plane with its lowest lane, or the last with its
// highest, or placed at random; pieces without lanes lie anywhere, far
// outside the plane too. Segment 0 reads the first element, segment 1 the
// last.
func edgePieces(r *rand.Rand, n, pieces, step, planeLen int) []Span16 {
	s := make([]Span16, 0, n*pieces)
	for seg := range n {
		masks := make([]uint32, pieces)
		for l := 0; l < 16; {
			run := 1 + r.IntN(8)
			if r.IntN(4) == 0 {
				run = 16 // whole segment in one piece
			}
			owner := r.IntN(pieces + 1) // pieces: a zero lane
			for ; run > 0 && l < 16; run-- {
				if owner < pieces {
					masks[owner] |= 1 << l
				}
				l++
			}
		}
		if seg < 2 && masks[0] == 0 {
			masks[0] = 1 << r.IntN(16)
			for i := 1; i < pieces; i++ {
				masks[i] &^= masks[0]
			}
		}
		for i, m := range masks {
			if m == 0 {
				far := []int{0, planeLen, -planeLen, 1 << 20, -1 << 20}
				s = append(s, Span16{Off: int32(far[r.IntN(len(far))] + r.IntN(40) - 20)})
				continue
			}
			lo, hi := step*lowBit(m), step*highBit(m)
			kind := r.IntN(3)
			if seg < 2 && i == 0 {
				kind = seg
			}
			var off int
			switch kind {
			case 0:
				off = -lo
			case 1:
				off = planeLen - 1 - hi
			default:
				off = -lo + r.IntN(planeLen-(hi-lo))
			}
			s = append(s, Span16{Off: int32(off), Mask: m})
		}
	}
	return s
}

// edgePiecedTable builds a table of taps rows of stride segments over
// reps planes, and a fenced source of exactly the length it needs (whose
// first and last elements some pieces read), filled with random bits.
func edgePiecedTable(t *testing.T, r *rand.Rand, step, pieces, stride, taps, reps int, atEnd bool) (SpanTable, []float32) {
	planeLen := 31*step + r.IntN(60)
	spans := edgePieces(r, stride*taps, pieces, step, planeLen)
	// Shuffle whole segments, keeping each segment's pieces together.
	r.Shuffle(stride*taps, func(i, j int) {
		for q := range pieces {
			spans[i*pieces+q], spans[j*pieces+q] = spans[j*pieces+q], spans[i*pieces+q]
		}
	})
	tab := NewSteppedSpanTable(spans, step, pieces, stride, taps, planeLen+r.IntN(3), reps)
	src := fencedSource(t, max(1, tab.Need()), atEnd)
	fillBits(r, src)
	return tab, src
}

// TestGatherPiecesAVX2 runs every width of whole segments and row counts
// 1..17 over random pieced and step-2 tables whose pieces touch both ends
// of their source.
func TestGatherPiecesAVX2(t *testing.T) {
	useAVX2(t)
	r := rand.New(rand.NewPCG(23, 24))
	for _, step := range []int{1, 2} {
		for pieces := 1; pieces <= 4; pieces++ {
			if step == 1 && pieces == 1 {
				continue // gather_avx2_test.go
			}
			for _, width := range []int{16, 32, 48, 64} {
				for rows := 1; rows <= 17; rows++ {
					atEnd := rows%2 == 0
					stride := width/16 + r.IntN(3)
					taps := 1 + r.IntN(9)
					reps := (rows+taps-1)/taps + r.IntN(3)
					tab, src := edgePiecedTable(t, r, step, pieces, stride, taps, reps, atEnd)
					name := fmt.Sprintf("step %d pieces %d stride %d taps %d reps %d end %v", step, pieces, stride, taps, reps, atEnd)
					for range 3 {
						r0 := r.IntN(tab.Rows() - rows + 1)
						j0 := 16 * r.IntN(stride-width/16+1)
						checkRowsA2(t, name, src, tab, r0, rows, j0, width)
					}
				}
			}
		}
	}
}

// TestGatherPiecesAVX2Wrap runs rows across channel boundaries from every
// starting tap, including a last channel whose pieces are all empty (so
// its shift passes the end of the source), and tables with no lanes at
// all.
func TestGatherPiecesAVX2Wrap(t *testing.T) {
	useAVX2(t)
	r := rand.New(rand.NewPCG(25, 26))
	for _, step := range []int{1, 2} {
		for _, pieces := range []int{1, 2, 4} {
			if step == 1 && pieces == 1 {
				continue
			}
			for _, taps := range []int{1, 2, 3, 9} {
				for _, empty := range []bool{false, true} {
					spans := edgePieces(r, 2*taps, pieces, step, 70)
					if empty {
						for i := range spans {
							spans[i].Mask = 0
						}
					}
					tab := NewSteppedSpanTable(spans, step, pieces, 2, taps, 70, 4)
					src := fencedSource(t, max(1, tab.Need()), true)
					fillBits(r, src)
					name := fmt.Sprintf("step %d pieces %d taps %d empty %v", step, pieces, taps, empty)
					for r0 := range tab.Rows() {
						for rows := 1; r0+rows <= tab.Rows(); rows++ {
							checkRowsA2(t, name, src, tab, r0, rows, 0, 32)
						}
					}
				}
			}
		}
	}
}

// TestGatherColsPiecesAVX2 transposes pieced and step-2 blocks of every
// row count, steps around multiples of 8 and 16 and around the 256-step
// chunks of gatherColsViaRows, with ldd == rows (steps packed with no gap)
// and wider.
func TestGatherColsPiecesAVX2(t *testing.T) {
	useAVX2(t)
	r := rand.New(rand.NewPCG(27, 28))
	for _, step := range []int{1, 2} {
		for _, pieces := range []int{1, 2, 3, 4} {
			if step == 1 && pieces == 1 {
				continue
			}
			for rows := 1; rows <= 16; rows++ {
				for _, steps := range []int{1, 7, 8, 9, 15, 16, 17, 31, 33, 40, 255, 256, 257, 300} {
					ldd := rows + []int{0, 1, 3}[r.IntN(3)]
					atEnd := r.IntN(2) == 0
					stride := (steps+15)/16 + r.IntN(2)
					taps := 1 + r.IntN(9)
					reps := (rows+taps-1)/taps + r.IntN(2)
					tab, src := edgePiecedTable(t, r, step, pieces, stride, taps, reps, atEnd)
					name := fmt.Sprintf("step %d pieces %d stride %d taps %d reps %d end %v", step, pieces, stride, taps, reps, atEnd)
					r0 := r.IntN(tab.Rows() - rows + 1)
					j0 := 16 * r.IntN(stride-(steps+15)/16+1)
					checkColsA2(t, name, src, tab, ldd, r0, rows, j0, steps)
				}
			}
		}
	}
}

// BenchmarkGatherPiecesAVX2 times the packing of one kc×16 B micro-panel
// (GatherRows) and of a 16-row A panel of the weight gradient
// (GatherCols) for an unpadded 3×3 convolution on 30×30 planes (two or
// three pieces per segment) and a stride-2, padding-1 3×3 one on 30×30
// (step 2, two pieces), with each implementation.
//
//	go test ./asm -run '^$' -bench GatherPiecesAVX2 -benchtime 200x
func BenchmarkGatherPiecesAVX2(b *testing.B) {
	const kc = 384
	r := rand.New(rand.NewPCG(3, 4))
	for _, g := range []struct {
		name       string
		h, k, s, p int
	}{{"valid30", 30, 3, 1, 0}, {"s2pad30", 30, 3, 2, 1}} {
		tab, ok := convSpanTable(64, g.h, g.h, g.k, g.s, g.p)
		if !ok {
			b.Fatalf("%s: no table", g.name)
		}
		src := randMatrix(r, 1, tab.Need(), tab.Need())
		dst := make([]float32, kc*64)
		segs := tab.stride
		for _, impl := range []string{"avx512", "avx2", "purego"} {
			restore, err := Use(impl)
			if err != nil {
				continue
			}
			b.Run(fmt.Sprintf("%s/%s/rows16", g.name, impl), func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					GatherRows(dst, src, tab, 0, kc, 16*(i%segs), 16)
				}
				b.SetBytes(4 * kc * 16)
			})
			b.Run(fmt.Sprintf("%s/%s/rows64", g.name, impl), func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					GatherRows(dst, src, tab, 0, kc, 64*(i%(segs/4)), 64)
				}
				b.SetBytes(4 * kc * 64)
			})
			b.Run(fmt.Sprintf("%s/%s/cols16", g.name, impl), func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					GatherCols(dst, 16, src, tab, 16*(i%8), 16, 0, min(kc, 16*segs))
				}
				b.SetBytes(int64(4 * min(kc, 16*segs) * 16))
			})
			restore()
		}
	}
}
