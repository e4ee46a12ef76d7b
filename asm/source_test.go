package asm

import (
	"math/rand/v2"
	"sync/atomic"
	"testing"
)

// checkedSource wraps a BSource and fails the test on out-of-range or
// malformed Block requests.
type checkedSource struct {
	t     *testing.T
	inner BSource
	k, n  int
	calls atomic.Int64
}

func (s *checkedSource) Block(dst []float32, k0, kc, j0, nc int) {
	s.calls.Add(1)
	if k0 < 0 || kc < 1 || k0+kc > s.k || j0 < 0 || nc < 1 || j0+nc > s.n || len(dst) != kc*nc {
		s.t.Errorf("Block(len %d, k0=%d, kc=%d, j0=%d, nc=%d) outside %dx%d", len(dst), k0, kc, j0, nc, s.k, s.n)
		return
	}
	s.inner.Block(dst, k0, kc, j0, nc)
}

// TestSourceB requires SgemmSourceB over a MatrixSource to produce exactly
// the bits of Sgemm over the same matrix, for edge shapes, both layouts of
// B, several thread counts, and forced small blocks.
func TestSourceB(t *testing.T) {
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
						src := &checkedSource{t: t, inner: MatrixSource{Data: b, LD: ldb, Trans: c.transB}, k: c.k, n: c.n}
						SgemmSourceB(threads, c.transA, c.m, c.n, c.k, c.alpha, a, lda, src, c.beta, got.c(), got.ldc)
						got.checkGuards(t)
						if i := bitsEqual(want.c(), got.c()); i >= 0 {
							t.Fatalf("%v threads=%d: element %d = %v, Sgemm gave %v", c, threads, i, got.c()[i], want.c()[i])
						}
						if src.calls.Load() == 0 {
							t.Fatalf("%v: source never called", c)
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

// im2colSource is a minimal convolution-shaped BSource (one channel,
// 3-tap 1-D kernel, no padding): B[p][j] = x[j+p]. It shows the intended
// use: B is never stored, and is checked against its explicit form.
type im2colSource struct{ x []float32 }

func (s im2colSource) Block(dst []float32, k0, kc, j0, nc int) {
	for p := range kc {
		copy(dst[p*nc:(p+1)*nc], s.x[j0+k0+p:])
	}
}

func TestSourceIm2col(t *testing.T) {
	const m, n, k = 17, 100, 3
	r := rand.New(rand.NewPCG(1, 2))
	x := randMatrix(r, 1, n+k-1, n+k-1)
	w := randMatrix(r, m, k, k)
	b := make([]float32, k*n)
	for p := range k {
		copy(b[p*n:], x[p:p+n])
	}
	want, got := make([]float32, m*n), make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, w, k, b, n, 0, want, n)
	SgemmSourceB(0, false, m, n, k, 1, w, k, im2colSource{x}, 0, got, n)
	if i := bitsEqual(want, got); i >= 0 {
		t.Fatalf("element %d = %v, want %v", i, got[i], want[i])
	}
}
