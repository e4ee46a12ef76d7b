//go:build linux

package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Tests of the AVX2 shifted sums, copies and scatters (shifts_avx2_amd64.s,
// accumulate_avx2_amd64.s) at the edges: sources fenced by unreadable
// pages and read up to their first and last element, every tail of 1..15
// positions around the 4-segment blocks, NaN wherever no enabled lane
// reads, infinite weights and -0 partial sums next to disabled lanes.

// fmaImpls runs f under each usable implementation whose shifted sums
// fuse every multiply-add (avx512 and avx2); it skips where there is none.
func fmaImpls(t *testing.T, f func(t *testing.T)) {
	ran := false
	for _, name := range Implementations() {
		if name != "avx512" && name != "avx2" {
			continue
		}
		ran = true
		t.Run(name, func(t *testing.T) {
			restore, err := Use(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t)
		})
	}
	if !ran {
		t.Skip("no FMA implementation here")
	}
}

// edgeShifts returns taps over n positions with ragged and empty masks,
// moved so that the first enabled lane reads index 0 and the last reads
// the last element of a fenced source (at a page boundary at its start if
// atEnd is false, at its end otherwise); the elements no enabled lane
// reads are NaN.
func edgeShifts(t *testing.T, r *rand.Rand, taps, n int, atEnd bool) (Shifts, []float32) {
	segs := (n + 15) / 16
	deltas := make([]int, taps)
	masks := make([]uint16, taps*segs)
	lo, hi := math.MaxInt, math.MinInt
	for tp := range deltas {
		deltas[tp] = r.IntN(41) - 20
		for s := range segs {
			var m uint16
			switch r.IntN(4) {
			case 0:
				m = 0xffff
			case 1:
				m = uint16(r.Uint32())
			case 2:
				m = 0xffff << r.IntN(16) // ragged at either end
				if r.IntN(2) == 0 {
					m = 0xffff >> r.IntN(16)
				}
			}
			if s == segs-1 && n%16 != 0 {
				m &= 1<<(n%16) - 1
			}
			masks[tp*segs+s] = m
			if m != 0 {
				lo = min(lo, 16*s+lowBit(uint32(m))+deltas[tp])
				hi = max(hi, 16*s+highBit(uint32(m))+deltas[tp])
			}
		}
	}
	if lo > hi {
		lo, hi = 0, 0
	}
	for tp := range deltas {
		deltas[tp] -= lo
	}
	sh := NewShifts(deltas, masks, n)
	src := fencedSource(t, hi-lo+1, atEnd)
	read := make([]bool, len(src))
	for tp := range taps {
		for q := range n {
			if idx, ok := sh.lane(tp, q); ok {
				read[idx] = true
			}
		}
	}
	for i := range src {
		src[i] = float32(math.NaN())
		if read[i] {
			src[i] = 2*r.Float32() - 1
		}
	}
	return sh, src
}

// sameFloats reports the first index where got and want differ in bits,
// any NaN matching any NaN, or -1.
func sameFloats(got, want []float32) int {
	for i := range want {
		g, w := got[i], want[i]
		if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
			return i
		}
	}
	return -1
}

var shiftLens = []int{1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 47, 48, 63, 64, 65, 72, 79, 80, 81, 95, 96, 97, 127, 128, 129, 200}

// TestCorrelateFMA checks Correlate bit for bit against one fused
// multiply-add per enabled tap, in tap order, from +0.
func TestCorrelateFMA(t *testing.T) {
	fmaImpls(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(41, 42))
		for _, n := range shiftLens {
			for _, taps := range []int{1, 2, 3, 9, 25} {
				sh, src := edgeShifts(t, r, taps, n, n%2 == 0)
				w := randMatrix(r, 1, taps, taps)
				if r.IntN(3) == 0 { // disabled lanes must not see Inf·0
					w[r.IntN(taps)] = float32(math.Inf(1 - 2*r.IntN(2)))
				}
				want := make([]float32, n)
				for tp := range taps {
					for q := range n {
						if idx, ok := sh.lane(tp, q); ok {
							want[q] = fma32(w[tp], src[idx], want[q])
						}
					}
				}
				dst, check := guarded(n)
				Correlate(dst, src, sh, w)
				check(t)
				if i := sameFloats(dst, want); i >= 0 {
					t.Fatalf("n=%d taps=%d: dst[%d] = %v, want %v", n, taps, i, dst[i], want[i])
				}
			}
		}
	})
}

// TestDotShiftsLanesFMA checks DotShiftsLanes bit for bit against one
// fused multiply-add per enabled position, in position order, onto lanes
// that hold signed zeros; g ends at an unreadable page.
func TestDotShiftsLanesFMA(t *testing.T) {
	fmaImpls(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(43, 44))
		for _, n := range shiftLens {
			for _, taps := range []int{1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 21} {
				sh, src := edgeShifts(t, r, taps, n, n%2 != 0)
				g := fencedSource(t, n, true)
				for i := range g {
					g[i] = 2*r.Float32() - 1
				}
				lanes, check := guarded(16 * taps)
				for i := range lanes {
					lanes[i] = float32(r.NormFloat64())
				}
				signedZeros(r, lanes)
				want := append([]float32(nil), lanes...)
				for tp := range taps {
					for q := range n {
						if idx, ok := sh.lane(tp, q); ok {
							want[16*tp+q%16] = fma32(g[q], src[idx], want[16*tp+q%16])
						}
					}
				}
				DotShiftsLanes(lanes, g, src, sh)
				check(t)
				if i := sameFloats(lanes, want); i >= 0 {
					t.Fatalf("n=%d taps=%d: lanes[%d] = %v, want %v", n, taps, i, lanes[i], want[i])
				}
			}
		}
	})
}

// TestCopyAddAVX2Fenced runs Copy2D and Add2D on a source that ends, and
// a destination that ends, at an unreadable page, at every width from 1
// to 40.
func TestCopyAddAVX2Fenced(t *testing.T) {
	useAVX2(t)
	r := rand.New(rand.NewPCG(45, 46))
	for _, rows := range []int{1, 2} {
		for cols := 1; cols <= 40; cols++ {
			ldd, lds := cols+r.IntN(3), cols+r.IntN(3)
			src := fencedSource(t, (rows-1)*lds+cols, true)
			dst := fencedSource(t, (rows-1)*ldd+cols, true)
			for i := range src {
				src[i] = 2*r.Float32() - 1
			}
			for i := range dst {
				dst[i] = 2*r.Float32() - 1
			}
			want := append([]float32(nil), dst...)
			for i := range rows {
				for j := range cols {
					want[i*ldd+j] += src[i*lds+j]
				}
			}
			Add2D(dst, ldd, src, lds, rows, cols)
			if i := sameBits(dst, want); i >= 0 {
				t.Fatalf("Add2D %dx%d: dst[%d] = %v, want %v", rows, cols, i, dst[i], want[i])
			}
			for i := range rows {
				copy(want[i*ldd:i*ldd+cols], src[i*lds:])
			}
			Copy2D(dst, ldd, src, lds, rows, cols)
			if i := sameBits(dst, want); i >= 0 {
				t.Fatalf("Copy2D %dx%d: dst[%d] = %v, want %v", rows, cols, i, dst[i], want[i])
			}
		}
	}
}

// TestCol2imAVX2Fenced runs both scatters on sources fenced at either end
// (their taps read the first and the last element), against the Go twins.
func TestCol2imAVX2Fenced(t *testing.T) {
	useAVX2(t)
	r := rand.New(rand.NewPCG(47, 48))
	for _, step := range []int{1, 2} {
		for _, atEnd := range []bool{false, true} {
			for cols := 1; cols <= 40; cols++ {
				c := newCol2imCase(r, step, 1+r.IntN(3), cols, 1+r.IntN(5))
				c.src = append(fencedSource(t, len(c.src), atEnd)[:0], c.src...)
				dst := make([]float32, (c.rows-1)*c.ldd+cols)
				for i := range dst {
					dst[i] = float32(r.NormFloat64())
				}
				want := append([]float32(nil), dst...)
				c.each(func(i, j, idx int) { want[i*c.ldd+j] += c.src[idx] })
				c.run(dst)
				if i := sameBits(dst, want); i >= 0 {
					t.Fatalf("step %d cols %d: dst[%d] = %v, want %v", step, cols, i, dst[i], want[i])
				}
			}
		}
	}
}

// convShifts are the taps of a k×k, stride-1 "same" convolution over an
// h×w plane.
func convShifts(h, w, k int) Shifts {
	n, segs := h*w, (h*w+15)/16
	var deltas []int
	var masks []uint16
	for dy := -k / 2; dy <= k/2; dy++ {
		for dx := -k / 2; dx <= k/2; dx++ {
			row := make([]uint16, segs)
			for q := range n {
				y, x := q/w+dy, q%w+dx
				if y >= 0 && y < h && x >= 0 && x < w {
					row[q/16] |= 1 << (q % 16)
				}
			}
			deltas = append(deltas, dy*w+dx+w+k/2) // the source is padded by a row and a column
			masks = append(masks, row...)
		}
	}
	return NewShifts(deltas, masks, n)
}

// benchImpls runs f once per usable implementation.
func benchImpls(b *testing.B, f func(b *testing.B)) {
	for _, name := range Implementations() {
		b.Run(name, func(b *testing.B) {
			restore, err := Use(name)
			if err != nil {
				b.Fatal(err)
			}
			defer restore()
			b.ReportAllocs()
			f(b)
		})
	}
}

// BenchmarkShifts times the shifted sums of a 3×3 depthwise convolution
// over a 56×56 plane (ragged masks), and over 55×55 positions with every
// lane enabled (the strided path's padded planes).
func BenchmarkShifts(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	sh := convShifts(56, 56, 3)
	full := NewShifts(sh.deltas, nil, 55*55)
	src := randMatrix(r, 1, max(sh.Need(), full.Need()), max(sh.Need(), full.Need()))
	w := randMatrix(r, 1, 9, 9)
	for _, c := range []struct {
		name string
		s    Shifts
	}{{"56x56", sh}, {"full55x55", full}} {
		dst, g, lanes := make([]float32, c.s.Len()), randMatrix(r, 1, c.s.Len(), c.s.Len()), make([]float32, 16*9)
		b.Run("Correlate/"+c.name, func(b *testing.B) {
			benchImpls(b, func(b *testing.B) {
				for b.Loop() {
					Correlate(dst, src, c.s, w)
				}
			})
		})
		b.Run("DotShiftsLanes/"+c.name, func(b *testing.B) {
			benchImpls(b, func(b *testing.B) {
				for b.Loop() {
					DotShiftsLanes(lanes, g, src, c.s)
				}
			})
		})
	}
}

// BenchmarkScatter times the col2im scatters of a 3×3 convolution's
// kernel row into a 56×56 plane (stride 1) or a 112×112 one (stride 2),
// and Add2D and Copy2D on a 56×56 block.
func BenchmarkScatter(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, step := range []int{1, 2} {
		cols := 56 * step
		chunks := (cols + 15) / 16
		offs := []int{0, 1, 2}
		masks := make([]uint16, 3*chunks)
		for tp := range offs {
			for j := range cols {
				// Column j reads patch column j/step + 1 - tp.
				if (step == 1 || j%2 == tp%2) && j/step+1-tp >= 0 && j/step+1-tp < 56 {
					masks[tp*chunks+j/16] |= 1 << (j % 16)
				}
			}
		}
		lds := 58
		src := randMatrix(r, 1, 56*lds, 56*lds)
		dst := make([]float32, 56*cols)
		b.Run(fmt.Sprintf("Col2imRows/step%d", step), func(b *testing.B) {
			benchImpls(b, func(b *testing.B) {
				for b.Loop() {
					if step == 1 {
						Col2imRows(dst, cols, src, lds, offs, masks, 56, cols)
					} else {
						Col2imRowsStep2(dst, cols, src, lds, offs, masks, 56, cols)
					}
				}
			})
		})
	}
	src, dst := randMatrix(r, 56, 56, 58), make([]float32, 56*60)
	b.Run("Add2D/56x56", func(b *testing.B) {
		benchImpls(b, func(b *testing.B) {
			for b.Loop() {
				Add2D(dst, 60, src, 58, 56, 56)
			}
		})
	})
	b.Run("Copy2D/56x56", func(b *testing.B) {
		benchImpls(b, func(b *testing.B) {
			for b.Loop() {
				Copy2D(dst, 60, src, 58, 56, 56)
			}
		})
	})
}
