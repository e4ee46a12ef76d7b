package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// randSpans returns n spans over a source of length srcLen: a mix of
// full, empty and ragged masks, each placed so its lanes stay inside.
func randSpans(r *rand.Rand, n, srcLen int) []Span16 {
	s := make([]Span16, n)
	for i := range s {
		var m uint32
		switch r.IntN(4) {
		case 0:
			m = 0xffff
		case 1:
			m = 0
		case 2: // a border: a run of lanes at one end
			k := r.IntN(16)
			if r.IntN(2) == 0 {
				m = 0xffff >> k
			} else {
				m = (0xffff << k) & 0xffff
			}
		default:
			m = r.Uint32() & 0xffff
		}
		if m == 0 {
			s[i] = Span16{Off: int32(r.IntN(3*srcLen+40) - srcLen - 20)} // anywhere: read nothing
			continue
		}
		lo, hi := lowBit(m), highBit(m)
		off := -lo + r.IntN(max(1, srcLen-(hi-lo)))
		s[i] = Span16{Off: int32(off), Mask: m}
	}
	return s
}

// guarded returns a slice of n elements inside a buffer of sentinels, and
// a check that the sentinels survived.
func guarded(n int) ([]float32, func(t *testing.T)) {
	buf := make([]float32, guard+n+guard)
	for i := range buf {
		buf[i] = sentinel
	}
	return buf[guard : guard+n], func(t *testing.T) {
		t.Helper()
		for i := range guard {
			if buf[i] != sentinel || buf[guard+n+i] != sentinel {
				t.Fatalf("guard band overwritten")
			}
		}
	}
}

// spanTableCase builds a random span table over a source: taps rows of
// stride spans, reps channels plane apart.
func spanTableCase(r *rand.Rand, stride, taps, reps int) (SpanTable, []float32) {
	const planeLen = 100
	spans := randSpans(r, stride*taps, planeLen)
	plane := planeLen + r.IntN(5)
	src := randMatrix(r, 1, (reps-1)*plane+planeLen, (reps-1)*plane+planeLen)
	return NewSpanTable(spans, stride, taps, plane, reps), src
}

// naiveSpan is element (row, col) of the span matrix, from its definition.
func naiveSpan(t SpanTable, src []float32, row, col int) float32 {
	sp := t.s[row%t.taps*t.stride+col/16]
	if sp.Mask&(1<<(col%16)) == 0 {
		return 0
	}
	return src[int(sp.Off)+row/t.taps*t.plane+col%16]
}

func TestGatherRows(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(1, 2))
		// {stride, taps, reps, r0, rows, j0, width}
		for _, c := range [][7]int{{1, 1, 1, 0, 1, 0, 16}, {2, 9, 3, 4, 20, 0, 32}, {3, 5, 4, 0, 20, 16, 32},
			{4, 3, 2, 2, 3, 0, 64}, {2, 9, 7, 0, 63, 0, 32}, {3, 2, 3, 1, 4, 5, 17}, {2, 1, 4, 0, 4, 0, 7}} {
			tab, src := spanTableCase(r, c[0], c[1], c[2])
			r0, rows, j0, width := c[3], c[4], c[5], c[6]
			dst, check := guarded(rows * width)
			GatherRows(dst, src, tab, r0, rows, j0, width)
			check(t)
			for p := range rows {
				for j := range width {
					if got, want := dst[p*width+j], naiveSpan(tab, src, r0+p, j0+j); got != want {
						t.Fatalf("%v: dst[%d][%d] = %v, want %v", c, p, j, got, want)
					}
				}
			}
		}
	})
}

func TestGatherCols(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(3, 4))
		for _, rows := range []int{1, 2, 6, 13, 14, 16} {
			for _, steps := range []int{1, 15, 16, 17, 48, 61} {
				for _, j0 := range []int{0, 16, 3} {
					ldd := rows + r.IntN(3)
					stride := (j0+steps+15)/16 + r.IntN(2)
					tab, src := spanTableCase(r, stride, 1+r.IntN(9), 3)
					if tab.Rows() < rows {
						tab, src = spanTableCase(r, stride, 9, 2)
					}
					r0 := r.IntN(tab.Rows() - rows + 1)
					dst, check := guarded((steps-1)*ldd + rows)
					GatherCols(dst, ldd, src, tab, r0, rows, j0, steps)
					check(t)
					for i := range rows {
						for p := range steps {
							if got, want := dst[p*ldd+i], naiveSpan(tab, src, r0+i, j0+p); got != want {
								t.Fatalf("rows %d steps %d j0 %d ldd %d: dst[%d][%d] = %v, want %v", rows, steps, j0, ldd, p, i, got, want)
							}
						}
					}
				}
			}
		}
	})
}

func TestTranspose(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(5, 6))
		for _, rows := range []int{1, 3, 14, 16, 17, 32, 40} {
			for _, cols := range []int{1, 5, 16, 31, 32, 50} {
				lds, ldd := cols+r.IntN(3), rows+r.IntN(3)
				src := randMatrix(r, rows, cols, lds)
				dst, check := guarded((cols-1)*ldd + rows)
				Transpose(dst, ldd, src, lds, rows, cols)
				check(t)
				for i := range rows {
					for p := range cols {
						if got, want := dst[p*ldd+i], src[i*lds+p]; got != want {
							t.Fatalf("%dx%d: dst[%d][%d] = %v, want %v", rows, cols, p, i, got, want)
						}
					}
				}
			}
		}
	})
}

func TestNewSpanTablePanics(t *testing.T) {
	for _, c := range []struct {
		s    Span16
		want string
	}{
		{Span16{Off: -1, Mask: 1}, "reads index -1"},
		{Span16{Off: 0, Mask: 1 << 16}, "wider than 16"},
	} {
		func() {
			defer func() {
				if e := recover(); e == nil || !strings.Contains(fmt.Sprint(e), c.want) {
					t.Errorf("NewSpanTable(%+v): panic %v, want %q", c.s, e, c.want)
				}
			}()
			NewSpanTable([]Span16{c.s}, 1, 1, 0, 1)
		}()
	}
	if tab := NewSpanTable([]Span16{{Off: -5, Mask: 0xffe0}, {Off: -100}}, 1, 2, 7, 3); tab.Need() != 25 {
		t.Errorf("Need() = %d, want 25", tab.Need())
	}
	src := make([]float32, 10)
	defer func() {
		if e := recover(); e == nil {
			t.Error("GatherRows on a short source did not panic")
		}
	}()
	GatherRows(make([]float32, 16), src, NewSpanTable([]Span16{{Off: 0, Mask: 0xffff}}, 1, 1, 0, 1), 0, 1, 0, 16)
}

// randShifts returns taps over n positions with random shifts (some
// negative) and masks (some ragged, some nil), and a source they fit.
func randShifts(r *rand.Rand, taps, n int, full bool) (Shifts, []float32) {
	segs := (n + 15) / 16
	deltas := make([]int, taps)
	var masks []uint16
	if !full {
		masks = make([]uint16, taps*segs)
	}
	for t := range deltas {
		deltas[t] = r.IntN(41) - 20
		for s := 0; !full && s < segs; s++ {
			var m uint16
			switch r.IntN(3) {
			case 0:
				m = 0xffff
			case 1:
				m = uint16(r.Uint32())
			}
			if s == segs-1 && n%16 != 0 {
				m &= 1<<(n%16) - 1
			}
			if lo := -deltas[t] - 16*s; lo > 0 { // lanes that would read before 0
				m &^= uint16(1<<min(16, lo) - 1)
			}
			masks[t*segs+s] = m
		}
		if full && deltas[t] < 0 {
			deltas[t] = -deltas[t]
		}
	}
	sh := NewShifts(deltas, masks, n)
	return sh, randMatrix(r, 1, sh.Need()+r.IntN(3), sh.Need()+3)
}

// lane reports whether tap t reads position q, and the index it reads.
func (s Shifts) lane(t, q int) (int, bool) {
	return q + s.deltas[t], s.masks[t*s.segs+q/16]&(1<<(q%16)) != 0
}

func TestCorrelate(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, n := range []int{1, 15, 16, 17, 64, 127, 128, 129, 200, 288, 300} {
			for _, taps := range []int{1, 2, 9, 25} {
				for _, full := range []bool{false, true} {
					sh, src := randShifts(r, taps, n, full)
					w := randMatrix(r, 1, taps, taps)
					dst, check := guarded(n)
					Correlate(dst, src, sh, w)
					check(t)
					for q := range n {
						var want, bound float64
						for i := range taps {
							if idx, ok := sh.lane(i, q); ok {
								want += float64(w[i]) * float64(src[idx])
								bound += math.Abs(float64(w[i]) * float64(src[idx]))
							}
						}
						if d := math.Abs(float64(dst[q]) - want); d > bound*float64(taps+2)*0x1p-23 {
							t.Fatalf("n=%d taps=%d full=%v: dst[%d] = %v, want %v", n, taps, full, q, dst[q], want)
						}
					}
				}
			}
		}
	})
}

func TestDotShifts(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(9, 10))
		for _, n := range []int{1, 15, 16, 17, 100, 288} {
			for _, taps := range []int{1, 3, 8, 9, 17} {
				for _, full := range []bool{false, true} {
					sh, src := randShifts(r, taps, n, full)
					g := randMatrix(r, 1, n, n)
					out, check := guarded(taps)
					DotShifts(out, g, src, sh)
					check(t)
					for i := range taps {
						var want, bound float64
						for q := range n {
							if idx, ok := sh.lane(i, q); ok {
								want += float64(g[q]) * float64(src[idx])
								bound += math.Abs(float64(g[q]) * float64(src[idx]))
							}
						}
						if d := math.Abs(float64(out[i]) - want); d > bound*float64(n/16+8)*0x1p-23 {
							t.Fatalf("n=%d taps=%d full=%v: out[%d] = %v, want %v", n, taps, full, i, out[i], want)
						}
					}
				}
			}
		}
	})
}

func TestNewShiftsPanics(t *testing.T) {
	for _, c := range []struct {
		deltas []int
		masks  []uint16
		n      int
		want   string
	}{
		{[]int{-1}, []uint16{1}, 16, "reads index -1"},
		{[]int{0}, []uint16{0x10}, 3, "past 3"},
		{[]int{0, 1}, []uint16{1}, 16, "mask words"},
	} {
		func() {
			defer func() {
				if e := recover(); e == nil || !strings.Contains(fmt.Sprint(e), c.want) {
					t.Errorf("NewShifts(%v, %v, %d): panic %v, want %q", c.deltas, c.masks, c.n, e, c.want)
				}
			}()
			NewShifts(c.deltas, c.masks, c.n)
		}()
	}
	sh := NewShifts([]int{-3, 2}, []uint16{0xfff8, 0x7fff}, 16)
	if sh.Need() != 17 {
		t.Errorf("Need() = %d, want 17", sh.Need())
	}
	defer func() {
		if e := recover(); e == nil {
			t.Error("Correlate on a short source did not panic")
		}
	}()
	Correlate(make([]float32, 16), make([]float32, 16), sh, []float32{1, 1})
}

// TestSources requires SgemmSources over MatrixSources to produce exactly
// the bits of SgemmThreads, for edge shapes, every transpose, several
// thread counts, and forced small blocks.
func TestSources(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		shapes := [][3]int{{1, 1, 1}, {k.mr + 1, k.nr - 1, 7}, {2*k.mr + 3, 3*k.nr + 5, 33}, {45, 301, 200}, {301, 45, 257}}
		run := func(t *testing.T) {
			for _, sh := range shapes {
				for _, tr := range transposes {
					for _, threads := range []int{1, 2, 3} {
						c := gemmCase{transA: tr[0], transB: tr[1], m: sh[0], n: sh[1], k: sh[2], alpha: 0.75, beta: 0.5, padA: 1, padB: 2, padC: 3}
						r := rand.New(rand.NewPCG(uint64(sh[0]*sh[1]+sh[2]), 3))
						a, lda, b, ldb, c0 := c.operands(r)
						want, got := c0.clone(), c0.clone()
						SgemmThreads(threads, c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, want.c(), want.ldc)
						at := &checkedSource{t: t, inner: MatrixSource{Data: a, LD: lda, Trans: !c.transA}, k: c.k, n: c.m}
						bs := &checkedSource{t: t, inner: MatrixSource{Data: b, LD: ldb, Trans: c.transB}, k: c.k, n: c.n}
						SgemmSources(threads, c.m, c.n, c.k, c.alpha, at, bs, c.beta, got.c(), got.ldc)
						got.checkGuards(t)
						if i := bitsEqual(want.c(), got.c()); i >= 0 {
							t.Fatalf("%v threads=%d: element %d = %v, Sgemm gave %v", c, threads, i, got.c()[i], want.c()[i])
						}
					}
				}
			}
		}
		t.Run("real", run)
		t.Run("small", func(t *testing.T) {
			defer useBlocking(blocking{mc: 2 * k.mr, kc: 8, nc: 2 * k.nr})()
			run(t)
		})
	})
}

func TestCopy2D(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, rows := range []int{1, 2, 17} {
			for _, cols := range []int{1, 15, 16, 17, 40} {
				lds, ldd := cols+r.IntN(3), cols+r.IntN(3)
				src := randMatrix(r, rows, cols, lds)
				dst, check := guarded((rows-1)*ldd + cols)
				Copy2D(dst, ldd, src, lds, rows, cols)
				check(t)
				for i := range rows {
					for j := range cols {
						if got, want := dst[i*ldd+j], src[i*lds+j]; got != want {
							t.Fatalf("%dx%d: dst[%d][%d] = %v, want %v", rows, cols, i, j, got, want)
						}
					}
				}
			}
		}
	})
}

// TestShiftsRepeat checks Repeat against the taps it stands for, and that
// DotShiftsLanes accumulates onto its lanes.
func TestShiftsRepeat(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(13, 14))
		sh, _ := randShifts(r, 3, 40, false)
		rep := sh.Repeat(3, 50)
		if rep.Taps() != 9 || rep.Len() != 40 || rep.Need() != sh.Need()+100 {
			t.Fatalf("Repeat: %d taps over %d, need %d (from need %d)", rep.Taps(), rep.Len(), rep.Need(), sh.Need())
		}
		src := randMatrix(r, 1, rep.Need(), rep.Need())
		w := randMatrix(r, 1, 9, 9)
		got, want := make([]float32, 40), make([]float32, 40)
		Correlate(got, src, rep, w)
		part := make([]float32, 40)
		for j := range 3 {
			Correlate(part, src[50*j:], sh, w[3*j:3*j+3])
			for q, v := range part {
				want[q] += v
			}
		}
		for q := range got {
			if d := math.Abs(float64(got[q] - want[q])); d > 1e-5 {
				t.Fatalf("Repeat: position %d = %v, want %v", q, got[q], want[q])
			}
		}
		g := randMatrix(r, 1, 40, 40)
		once, twice := make([]float32, 16*9), make([]float32, 16*9)
		DotShiftsLanes(once, g, src, rep)
		DotShiftsLanes(twice, g, src, rep)
		DotShiftsLanes(twice, g, src, rep)
		for i := range once {
			if d := math.Abs(float64(twice[i] - 2*once[i])); d > 1e-5 {
				t.Fatalf("DotShiftsLanes does not accumulate: lane %d = %v, want %v", i, twice[i], 2*once[i])
			}
		}
	})
}

// TestPrefetch only checks that prefetching any buffer is harmless.
func TestPrefetch(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		for _, n := range []int{0, 1, 15, 16, 17, 1000} {
			buf := make([]float32, n)
			Prefetch(buf, false)
			Prefetch(buf, true)
		}
	})
}
