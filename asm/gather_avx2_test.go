//go:build linux

package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// Tests of the AVX2 gathers (gather_avx2_amd64.s) against their Go twins,
// at the edges: every row count of a GatherCols group, ragged masks, spans
// reading the first and the last element of a source that is fenced by
// unreadable pages, and guard bands after every output.

// useAVX2 installs the avx2 implementation, or skips the test where it is
// not usable.
func useAVX2(t *testing.T) {
	t.Helper()
	restore, err := Use("avx2")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(restore)
	if !active.Load().ops.avx2 || active.Load().ops.avx512 {
		t.Fatalf("avx2 kernel has ops %+v", active.Load().ops)
	}
}

// fencedSource returns n floats that start (atEnd false) or end (atEnd
// true) at a page boundary next to an unreadable page, so that any read
// of a lane outside them faults; the mapping is freed at cleanup. Where
// pages cannot be mapped it returns an ordinary slice.
func fencedSource(t *testing.T, n int, atEnd bool) []float32 {
	page := os.Getpagesize()
	size := (4*n + page - 1) / page * page
	mem, err := syscall.Mmap(-1, 0, size+2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Logf("mmap: %v; source not fenced", err)
		return make([]float32, n)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mprotect(mem[page+size:], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	all := unsafe.Slice((*float32)(unsafe.Pointer(&mem[page])), size/4)
	if atEnd {
		return all[len(all)-n:]
	}
	return all[:n]
}

// edgeSpans returns n spans over a plane of planeLen floats: full, empty
// (anywhere), ragged at either end of the plane, reading its first or last
// element with the lanes beyond masked off, and random. Spans 0 and 1 read
// the first and the last element of the plane.
func edgeSpans(r *rand.Rand, n, planeLen int) []Span16 {
	s := make([]Span16, n)
	for i := range s {
		kind := r.IntN(7)
		if i < 2 {
			kind = 2 + i
		}
		k := r.IntN(16)
		switch kind {
		case 0:
			s[i] = Span16{Off: int32(r.IntN(planeLen - 15)), Mask: 0xffff}
		case 1:
			s[i] = Span16{Off: int32(r.IntN(3*planeLen+40) - planeLen - 20)}
		case 2: // starts k lanes before the plane
			s[i] = Span16{Off: int32(-k), Mask: 0xffff << k & 0xffff}
		case 3: // ends k lanes after the plane
			s[i] = Span16{Off: int32(planeLen - 16 + k), Mask: 0xffff >> k}
		case 4: // lane 0 at index 0, some lanes off
			s[i] = Span16{Off: 0, Mask: (r.Uint32() | 1) & 0xffff}
		case 5: // lane 15 at the last index, some lanes off
			s[i] = Span16{Off: int32(planeLen - 16), Mask: (r.Uint32() | 0x8000) & 0xffff}
		default:
			m := r.Uint32() & 0xffff
			if m == 0 {
				m = 1 << k
			}
			lo, hi := lowBit(m), highBit(m)
			s[i] = Span16{Off: int32(-lo + r.IntN(planeLen-(hi-lo))), Mask: m}
		}
	}
	return s
}

// edgeTable builds a span table of taps rows of stride spans over reps
// planes, and a fenced source of exactly the length it needs (whose first
// and last elements some spans read), filled with random values.
func edgeTable(t *testing.T, r *rand.Rand, stride, taps, reps int, atEnd bool) (SpanTable, []float32) {
	planeLen := 16 + r.IntN(60)
	spans := edgeSpans(r, stride*taps, planeLen)
	r.Shuffle(len(spans), func(i, j int) { spans[i], spans[j] = spans[j], spans[i] })
	tab := NewSpanTable(spans, stride, taps, planeLen+r.IntN(3), reps)
	src := fencedSource(t, tab.Need(), atEnd)
	for i := range src {
		src[i] = float32(r.IntN(2001)-1000) / 8
	}
	return tab, src
}

// sameBits compares got with want bit for bit (a zero lane must be +0).
func sameBits(got, want []float32) int {
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			return i
		}
	}
	return -1
}

func TestGatherRowsAVX2(t *testing.T) {
	useAVX2(t)
	r := rand.New(rand.NewPCG(11, 12))
	for _, width := range []int{16, 32, 48, 64} {
		for rows := 1; rows <= 17; rows++ {
			for _, atEnd := range []bool{false, true} {
				stride := width/16 + r.IntN(3)
				taps := 1 + r.IntN(9)
				reps := (rows+taps-1)/taps + r.IntN(3)
				tab, src := edgeTable(t, r, stride, taps, reps, atEnd)
				for range 3 {
					r0 := r.IntN(tab.Rows() - rows + 1)
					j0 := 16 * r.IntN(stride-width/16+1)
					name := fmt.Sprintf("width %d rows %d r0 %d j0 %d stride %d taps %d reps %d end %v", width, rows, r0, j0, stride, taps, reps, atEnd)
					want := make([]float32, rows*width)
					gatherSpansGo(want, src, tab, r0, rows, j0, width)
					dst, check := guarded(rows * width)
					GatherRows(dst, src, tab, r0, rows, j0, width)
					check(t)
					if i := sameBits(dst, want); i >= 0 {
						t.Fatalf("%s: dst[%d] = %v, want %v", name, i, dst[i], want[i])
					}
				}
			}
		}
	}
}

// TestGatherRowsAVX2Wrap runs rows across channel boundaries from every
// starting tap, including a last channel whose spans are all empty (so its
// shift passes the end of the source).
func TestGatherRowsAVX2Wrap(t *testing.T) {
	useAVX2(t)
	r := rand.New(rand.NewPCG(13, 14))
	for _, taps := range []int{1, 2, 3, 9} {
		for _, empty := range []bool{false, true} {
			spans := edgeSpans(r, 2*taps, 40)
			if empty {
				for i := range spans {
					spans[i].Mask = 0
				}
			}
			tab := NewSpanTable(spans, 2, taps, 40, 4)
			src := fencedSource(t, max(1, tab.Need()), true)
			for i := range src {
				src[i] = float32(i + 1)
			}
			for r0 := range tab.Rows() {
				for rows := 1; r0+rows <= tab.Rows(); rows++ {
					want := make([]float32, rows*32)
					gatherSpansGo(want, src, tab, r0, rows, 0, 32)
					dst, check := guarded(rows * 32)
					GatherRows(dst, src, tab, r0, rows, 0, 32)
					check(t)
					if i := sameBits(dst, want); i >= 0 {
						t.Fatalf("taps %d empty %v r0 %d rows %d: dst[%d] = %v, want %v", taps, empty, r0, rows, i, dst[i], want[i])
					}
				}
			}
		}
	}
}

func TestGatherColsAVX2(t *testing.T) {
	useAVX2(t)
	r := rand.New(rand.NewPCG(15, 16))
	for rows := 1; rows <= 16; rows++ {
		for _, steps := range []int{1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 40, 48, 61, 64} {
			for _, pad := range []int{0, 0, 1, 3} { // ldd == rows is the overlapping-store path
				ldd := rows + pad
				atEnd := r.IntN(2) == 0
				stride := (steps+15)/16 + r.IntN(3)
				taps := 1 + r.IntN(9)
				reps := (rows+taps-1)/taps + r.IntN(2)
				tab, src := edgeTable(t, r, stride, taps, reps, atEnd)
				r0 := r.IntN(tab.Rows() - rows + 1)
				j0 := 16 * r.IntN(stride-(steps+15)/16+1)
				name := fmt.Sprintf("rows %d steps %d ldd %d r0 %d j0 %d stride %d taps %d reps %d end %v", rows, steps, ldd, r0, j0, stride, taps, reps, atEnd)
				n := (steps-1)*ldd + rows
				want := make([]float32, n)
				for i := range want {
					want[i] = sentinel // the gaps between steps are not written
				}
				gatherColsGo(want, ldd, src, tab, r0, rows, j0, steps)
				dst, check := guarded(n)
				GatherCols(dst, ldd, src, tab, r0, rows, j0, steps)
				check(t)
				if i := sameBits(dst, want); i >= 0 {
					t.Fatalf("%s: dst[%d] = %v, want %v", name, i, dst[i], want[i])
				}
			}
		}
	}
}

func TestTransposeAVX2(t *testing.T) {
	useAVX2(t)
	r := rand.New(rand.NewPCG(17, 18))
	for _, rows := range []int{1, 2, 5, 6, 7, 8, 9, 14, 15, 16, 17, 23, 24, 31, 40} {
		for _, cols := range []int{1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 70} {
			for _, pad := range []int{0, 2} {
				lds, ldd := cols+r.IntN(3)*pad, rows+pad
				src := fencedSource(t, (rows-1)*lds+cols, r.IntN(2) == 0)
				for i := range src {
					src[i] = float32(i + 1)
				}
				n := (cols-1)*ldd + rows
				want := make([]float32, n)
				for i := range want {
					want[i] = sentinel
				}
				transposeGo(want, ldd, src, lds, rows, cols)
				dst, check := guarded(n)
				Transpose(dst, ldd, src, lds, rows, cols)
				check(t)
				if i := sameBits(dst, want); i >= 0 {
					t.Fatalf("%dx%d lds %d ldd %d: dst[%d] = %v, want %v", rows, cols, lds, ldd, i, dst[i], want[i])
				}
			}
		}
	}
}

// TestAVX2Ops checks which kernels get the AVX2 helpers, and that
// FastGathers means assembly helpers of either ISA.
func TestAVX2Ops(t *testing.T) {
	for _, k := range kernels {
		if k.ops.avx2 != (k.name == "avx2") {
			t.Errorf("%s: ops.avx2 = %v", k.name, k.ops.avx2)
		}
	}
	forEachImpl(t, func(t *testing.T, k *kernel) {
		if got, want := FastGathers(), k.name != "purego"; got != want {
			t.Errorf("FastGathers() = %v, want %v", got, want)
		}
	})
}

// convTable is the span table of a 3×3, padding-1 convolution's im2col
// matrix over c planes of h×h (h a multiple of 16), as tensor builds it.
func convTable(h, c int) SpanTable {
	segs := h * h / 16
	spans := make([]Span16, 9*segs)
	for tap := range 9 {
		ki, kj := tap/3, tap%3
		for s := range segs {
			var sp Span16
			for l := range 16 {
				q := 16*s + l
				iy, ix := q/h-1+ki, q%h-1+kj
				if iy < 0 || iy >= h || ix < 0 || ix >= h {
					continue
				}
				sp.Off = int32(iy*h + ix - l)
				sp.Mask |= 1 << l
			}
			spans[tap*segs+s] = sp
		}
	}
	return NewSpanTable(spans, segs, 9, h*h, c)
}

// BenchmarkGathersAVX2 times the packing of one kc×16 B micro-panel of a
// 3×3 convolution (GatherRows), of its 6-row A and 16-row B panels for
// the weight gradient (GatherCols), and of a 16-row transposed panel,
// with the avx2 implementation and the Go loops.
//
//	go test ./asm/ -run '^$' -bench GathersAVX2 -cpu 1
func BenchmarkGathersAVX2(b *testing.B) {
	const kc = 384
	tab := convTable(32, 64)
	r := rand.New(rand.NewPCG(1, 2))
	src := randMatrix(r, 1, tab.Need(), tab.Need())
	mat := randMatrix(r, 16, 1024, 1024)
	dst := make([]float32, kc*16)
	for _, impl := range []string{"avx2", "purego"} {
		restore, err := Use(impl)
		if err != nil {
			b.Log(err)
			continue
		}
		b.Run(impl+"/rows16", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				GatherRows(dst, src, tab, 0, kc, 16*(i%64), 16)
			}
			b.SetBytes(4 * kc * 16)
		})
		for _, rows := range []int{6, 16} {
			b.Run(fmt.Sprintf("%s/cols%d", impl, rows), func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					GatherCols(dst, rows, src, tab, rows*(i%8), rows, 512*(i%2), kc)
				}
				b.SetBytes(int64(4 * kc * rows))
			})
		}
		b.Run(impl+"/transpose16", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				Transpose(dst, 16, mat[384*(i%2):], 1024, 16, kc)
			}
			b.SetBytes(4 * kc * 16)
		})
		restore()
	}
}
