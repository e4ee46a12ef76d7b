package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// withGuard returns n floats inside a slice with guard sentinels before
// and after them, and a check that the sentinels are intact.
func withGuard(n int, fill float32) ([]float32, func(t *testing.T)) {
	buf := make([]float32, guard+n+guard)
	for i := range buf {
		buf[i] = sentinel
	}
	for i := guard; i < guard+n; i++ {
		buf[i] = fill
	}
	return buf[guard : guard+n : guard+n], func(t *testing.T) {
		t.Helper()
		for i, v := range buf {
			if (i < guard || i >= guard+n) && v != sentinel {
				t.Fatalf("guard element %d overwritten with %v", i-guard, v)
			}
		}
	}
}

func randFloats(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*r.Float32() - 1
	}
	return s
}

var packSizes = []int{1, 2, 5, 15, 16, 17, 31, 32, 33, 64, 81, 100}

func TestPackPlanes(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(1, 2))
		for _, n := range packSizes {
			// Pixels go to a random subset of 2n+3 vectors, in random order.
			vecs := 2*n + 3
			perm := r.Perm(vecs)
			pos := make([]int32, n)
			for p := range pos {
				pos[p] = int32(perm[p])
			}
			m := NewPixelMap(pos)
			src := randFloats(r, 20*n+7)
			var offs [16]int
			for l := range offs {
				offs[l] = r.IntN(len(src) - n + 1)
			}
			offs[15] = len(src) - n // a plane that ends the source
			dst, check := withGuard(m.Need()+16, float32(math.NaN()))
			PackPlanes(dst, m, src, &offs, 3)
			check(t)
			written := map[int]int{}
			for p, v := range pos {
				written[int(v)] = p
			}
			for v := range len(dst) / 16 {
				p, ok := written[v]
				for l := range 16 {
					got := dst[16*v+l]
					if !ok {
						if !math.IsNaN(float64(got)) {
							t.Fatalf("n=%d: vector %d (no pixel) lane %d written with %v", n, v, l, got)
						}
						continue
					}
					if want := src[offs[l]+p]; got != want {
						t.Fatalf("n=%d: pixel %d lane %d = %v, want %v", n, p, l, got, want)
					}
				}
			}
		}
	})
}

func TestUnpackPlanes(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(3, 4))
		for _, n := range packSizes {
			for _, cnt := range []int{1, 7, 8, 9, 15, 16} {
				vecs := n + 5
				perm := r.Perm(vecs)
				pos := make([]int32, n)
				for p := range pos {
					pos[p] = int32(perm[p])
				}
				m := NewPixelMap(pos)
				src := randFloats(r, 16*vecs)
				// Planes n apart with one float between them that no plane owns.
				size := cnt*(n+1) + 2
				var offs [16]int
				for l := range offs {
					offs[l] = 1 + l*(n+1)
					if l >= cnt {
						offs[l] = -7 // never looked at
					}
				}
				dst, check := withGuard(size, sentinel)
				UnpackPlanes(dst, &offs, cnt, src, m, 5)
				check(t)
				for i, v := range dst {
					l, p := (i-1)/(n+1), (i-1)%(n+1)
					if i == 0 || l >= cnt || p == n {
						if v != sentinel {
							t.Fatalf("n=%d cnt=%d: float %d owned by no plane written with %v", n, cnt, i, v)
						}
						continue
					}
					if want := src[16*int(pos[p])+l]; v != want {
						t.Fatalf("n=%d cnt=%d: plane %d pixel %d = %v, want %v", n, cnt, l, p, v, want)
					}
				}
			}
		}
	})
}

// randTaps returns taps offsets in [0, spread], most of them in runs of
// consecutive offsets (as a kernel row's taps are), some longer than
// maxRun.
func randTaps(r *rand.Rand, taps, spread int) TapOffsets {
	offs := make([]int, taps)
	for i := range offs {
		offs[i] = r.IntN(spread + 1)
		if i > 0 && offs[i-1] < spread && r.IntN(4) != 0 {
			offs[i] = offs[i-1] + 1
		}
	}
	return NewTapOffsets(offs)
}

func TestTapRuns(t *testing.T) {
	tp := NewTapOffsets([]int{0, 1, 2, 18, 19, 20, 21, 22, 23, 24, 5, 5, 6})
	want := []int64{0, 3, 18 * 64, 5, 23 * 64, 2, 5 * 64, 1, 5 * 64, 2}
	if fmt.Sprint(tp.runs) != fmt.Sprint(want) {
		t.Fatalf("runs %v, want %v", tp.runs, want)
	}
}

// packedInput returns the input of q pixel vectors read through t, with
// NaNs in a tail that no tap reads.
func packedInput(r *rand.Rand, q int, t TapOffsets) []float32 {
	in := randFloats(r, 16*(q+t.Max()+2))
	for i := 16 * (q + t.Max()); i < len(in); i++ {
		in[i] = float32(math.NaN())
	}
	return in[:16*(q+t.Max())]
}

func TestConvPacked(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(5, 6))
		for _, q := range []int{1, 2, 3, 4, 5, 11, 12, 13, 16, 17, 24, 29, 100} {
			for _, taps := range []int{1, 2, 9, 25, 40} {
				tp := randTaps(r, taps, 3*q+5)
				in := packedInput(r, q, tp)
				w := randFloats(r, 16*taps)
				out, check := withGuard(16*q, float32(math.NaN()))
				ConvPacked(out, in, w, tp)
				check(t)
				want := make([]float32, 16*q)
				convPackedGo(want, in, w, tp.offs)
				for i, v := range out {
					b, l := i/16, i%16
					var exact, bound float64
					for j, o := range tp.offs {
						x := float64(w[16*j+l]) * float64(in[16*(b+o)+l])
						exact += x
						bound += math.Abs(x)
					}
					if math.Abs(float64(v)-exact) > bound*float64(taps+1)*0x1p-24 || math.Abs(float64(v-want[i])) > bound*0x1p-22 {
						t.Fatalf("q=%d taps=%d: out[%d] = %v, want %v (Go loop %v)", q, taps, i, v, exact, want[i])
					}
				}
			}
		}
		// Zero taps write zeros.
		out := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
		ConvPacked(out, nil, nil, NewTapOffsets(nil))
		for _, v := range out {
			if v != 0 {
				t.Fatalf("ConvPacked with no taps left %v", out)
			}
		}
	})
}

func TestDotPacked(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, q := range []int{1, 2, 7, 16, 33, 100} {
			for _, taps := range []int{1, 2, 8, 9, 10, 15, 16, 25, 29, 30, 31, 49, 61} {
				tp := randTaps(r, taps, 2*q+3)
				in := packedInput(r, q, tp)
				g := randFloats(r, 16*q)
				init := randFloats(r, 16*taps)
				acc, check := withGuard(16*taps, 0)
				copy(acc, init)
				DotPacked(acc, g, in, tp)
				check(t)
				want := append([]float32(nil), init...)
				dotPackedGo(want, g, in, tp.offs)
				for i, v := range acc {
					tt, l := i/16, i%16
					exact, bound := float64(init[i]), math.Abs(float64(init[i]))
					for b := range q {
						x := float64(g[16*b+l]) * float64(in[16*(b+tp.offs[tt])+l])
						exact += x
						bound += math.Abs(x)
					}
					if math.Abs(float64(v)-exact) > bound*float64(q+1)*0x1p-24 || math.Abs(float64(v-want[i])) > bound*0x1p-22 {
						t.Fatalf("q=%d taps=%d: acc[%d] = %v, want %v (Go loop %v)", q, taps, i, v, exact, want[i])
					}
				}
			}
		}
	})
}

// forEachAsm runs f as a subtest once per implementation here, skipping
// those without depthwise assembly (AVX-512 or AVX2).
func forEachAsm(t *testing.T, f func(t *testing.T)) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		if !k.ops.avx512 && !k.ops.avx2 {
			t.Skip("no depthwise assembly in this implementation")
		}
		f(t)
	})
}

// TestPackedAsmMatchesGo requires the assembly kernels to give the Go
// loops' bits (the fused multiply-adds in the same order).
func TestPackedAsmMatchesGo(t *testing.T) {
	forEachAsm(t, testPackedAsmMatchesGo)
}

func testPackedAsmMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, q := range []int{1, 2, 3, 5, 6, 7, 8, 12, 13, 17, 64} {
		for _, taps := range []int{1, 9, 14, 15, 16, 25, 33} {
			tp := randTaps(r, taps, q+4)
			in := packedInput(r, q, tp)
			w := randFloats(r, 16*taps)
			got, want := make([]float32, 16*q), make([]float32, 16*q)
			ConvPacked(got, in, w, tp)
			convPackedGo(want, in, w, tp.offs)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("ConvPacked q=%d taps=%d: out[%d] = %v, Go %v", q, taps, i, got[i], want[i])
				}
			}
			g := randFloats(r, 16*q)
			acc, accGo := randFloats(r, 16*taps), make([]float32, 16*taps)
			copy(accGo, acc)
			DotPacked(acc, g, in, tp)
			dotPackedGo(accGo, g, in, tp.offs)
			for i := range acc {
				if acc[i] != accGo[i] {
					t.Fatalf("DotPacked q=%d taps=%d: acc[%d] = %v, Go %v", q, taps, i, acc[i], accGo[i])
				}
			}
		}
	}
}

func TestAlignedFloats(t *testing.T) {
	for _, n := range []int{0, 1, 16, 100} {
		b := AlignedFloats(n)
		if len(b) != n || cap(b) != n {
			t.Fatalf("AlignedFloats(%d): len %d cap %d", n, len(b), cap(b))
		}
		if n > 0 && uintptr(unsafe.Pointer(&b[0]))%64 != 0 {
			t.Fatalf("AlignedFloats(%d) at %p", n, &b[0])
		}
	}
}

func TestPackedPanics(t *testing.T) {
	m := NewPixelMap([]int32{0, 3})
	var offs [16]int
	for _, c := range []struct {
		name string
		f    func()
		want string
	}{
		{"negative pixel", func() { NewPixelMap([]int32{1, -1}) }, "pixel 1 at -1"},
		{"negative tap", func() { NewTapOffsets([]int{-2}) }, "tap 0 at -2"},
		{"short buffer", func() { PackPlanes(make([]float32, 63), m, make([]float32, 2), &offs, 0) }, "needs 64"},
		{"short plane", func() { offs[3] = 1; PackPlanes(make([]float32, 64), m, make([]float32, 2), &offs, 0) }, "plane 3 at 1+2"},
		{"unpack count", func() { UnpackPlanes(nil, &offs, 17, nil, m, 0) }, "17 planes"},
		{"conv weights", func() { ConvPacked(make([]float32, 16), nil, make([]float32, 15), NewTapOffsets([]int{0})) }, "15 weights"},
		{"conv input", func() {
			ConvPacked(make([]float32, 32), make([]float32, 47), make([]float32, 16), NewTapOffsets([]int{1}))
		}, "taps read 48"},
		{"dot sums", func() { DotPacked(make([]float32, 16), make([]float32, 16), nil, NewTapOffsets([]int{0, 0})) }, "16 sums for 2 taps"},
	} {
		func() {
			defer func() {
				if e := recover(); e == nil || !strings.Contains(fmt.Sprint(e), c.want) {
					t.Errorf("%s: panic %v, want %q", c.name, e, c.want)
				}
			}()
			c.f()
		}()
	}
}
