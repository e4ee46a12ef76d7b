package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gemmCase is one product to check: shapes, scalars, and the extra padding
// added to each leading dimension.
type gemmCase struct {
	transA, transB   bool
	m, n, k          int
	alpha, beta      float32
	padA, padB, padC int
}

func (c gemmCase) String() string {
	t := func(b bool) string {
		if b {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%s%s/%dx%dx%d/a=%g,b=%g/pad=%d,%d,%d", t(c.transA), t(c.transB),
		c.m, c.n, c.k, c.alpha, c.beta, c.padA, c.padB, c.padC)
}

// stored returns rows, cols of the stored form of an operand whose op()
// is rows×cols.
func stored(trans bool, rows, cols int) (int, int) {
	if trans {
		return cols, rows
	}
	return rows, cols
}

// operands builds A, B and a guarded C for c.
func (c gemmCase) operands(r *rand.Rand) (a []float32, lda int, b []float32, ldb int, gc *guardedC) {
	ar, ac := stored(c.transA, c.m, c.k)
	br, bc := stored(c.transB, c.k, c.n)
	lda, ldb = max(1, ac)+c.padA, max(1, bc)+c.padB
	a, b = randMatrix(r, ar, ac, lda), randMatrix(r, br, bc, ldb)
	gc = newGuardedC(r, c.m, c.n, max(1, c.n)+c.padC, c.beta == 0)
	return a, lda, b, ldb, gc
}

// check runs c with each thread count, verifies the result against
// sgemmNaive within a rounding-error bound, verifies the guards, and
// verifies that all thread counts agree bit for bit.
func (c gemmCase) check(t *testing.T, threads ...int) {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(c.m*1000003+c.n*1009+c.k), 7))
	a, lda, b, ldb, c0 := c.operands(r)

	// Reference and error bound: the bound is the same product on absolute
	// values, times a worst-case float32 accumulation factor.
	ref := c0.clone()
	sgemmNaive(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, ref.c(), ref.ldc)
	bound := c0.clone()
	copy(bound.c(), absAll(bound.c()))
	sgemmNaive(c.transA, c.transB, c.m, c.n, c.k, abs32(c.alpha), absAll(a), lda, absAll(b), ldb,
		abs32(c.beta), bound.c(), bound.ldc)
	tol := float64(c.k+4) * 0x1p-23

	var first []float32
	for _, th := range threads {
		got := c0.clone()
		SgemmThreads(th, c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, got.c(), got.ldc)
		got.checkGuards(t)
		for i := range c.m {
			for j := range c.n {
				idx := i*got.ldc + j
				g, w := float64(got.c()[idx]), float64(ref.c()[idx])
				if diff := math.Abs(g - w); !(diff <= tol*float64(bound.c()[idx])+1e-30) {
					t.Fatalf("threads=%d: C[%d][%d] = %v, want %v (bound %v)", th, i, j, g, w, tol*float64(bound.c()[idx]))
				}
			}
		}
		if first == nil {
			first = got.c()
		} else if i := bitsEqual(first, got.c()); i >= 0 {
			t.Fatalf("threads=%d differs from threads=%d at element %d: %v vs %v", th, threads[0], i, got.c()[i], first[i])
		}
	}
}

func abs32(x float32) float32 { return float32(math.Abs(float64(x))) }

var transposes = [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}}

// scalars covers the beta == 0 (C not read, NaN-filled), beta == 1
// (accumulate) and general paths, and alpha == 0.
var scalars = [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {0.7, -1.3}, {0, 0.5}, {0, 0}}

// TestShapes checks small and edge shapes for every implementation, all
// transposes and scalars: 1, primes, and sizes around multiples of the
// kernel's own tile.
func TestShapes(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		dims := func(tile int) []int { return []int{1, 2, tile - 1, tile, tile + 1, 2*tile + 3} }
		var cases []gemmCase
		for _, m := range dims(k.mr) {
			for _, n := range dims(k.nr) {
				for _, kk := range []int{1, 3, 17} {
					cases = append(cases, gemmCase{m: m, n: n, k: kk, alpha: 1, beta: 1, padC: 3})
				}
			}
		}
		for _, s := range scalars {
			for _, sh := range [][3]int{{7, 11, 13}, {31, 37, 41}, {0, 5, 3}, {5, 0, 3}, {5, 3, 0}} {
				cases = append(cases, gemmCase{m: sh[0], n: sh[1], k: sh[2], alpha: s[0], beta: s[1], padA: 2, padB: 5, padC: 1})
			}
		}
		for _, tr := range transposes {
			for _, c := range cases {
				c.transA, c.transB = tr[0], tr[1]
				t.Run(c.String(), func(t *testing.T) { c.check(t, 1, 2) })
			}
		}
	})
}

// TestBlockEdges crosses every loop of the five-loop driver: once with the
// real block sizes (around mc, kc, nc and large K), and once with tiny
// forced block sizes so that each loop runs many times on small matrices.
func TestBlockEdges(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		bs := k.blocks
		real := []gemmCase{
			{m: bs.mc + 1, n: k.nr + 3, k: 9, alpha: 1, beta: 0},
			{m: bs.mc - 1, n: 2*k.nr - 1, k: bs.kc + 1, alpha: 1.5, beta: -1},
			{m: k.mr + 1, n: bs.nc + 1, k: 5, alpha: 1, beta: 1},
			{m: 3, n: bs.nc - 1, k: 2*bs.kc + 1, alpha: -1, beta: 0.5},
			{m: 23, n: 45, k: 1031, alpha: 1, beta: 0, padA: 1, padB: 3},
			{m: 2*k.mr + 1, n: 2*k.nr + 1, k: 3 * bs.kc, alpha: 0.5, beta: 1},
		}
		for _, tr := range transposes {
			for _, c := range real {
				c.transA, c.transB = tr[0], tr[1]
				t.Run("real/"+c.String(), func(t *testing.T) { c.check(t, 1, 2) })
			}
		}

		defer useBlocking(blocking{mc: 2 * k.mr, kc: 8, nc: 2 * k.nr})()
		for _, tr := range transposes {
			for _, s := range scalars[:4] {
				for _, sh := range [][3]int{{5*k.mr + 1, 5*k.nr + 2, 29}, {4 * k.mr, 4 * k.nr, 16}, {k.mr - 1, 3*k.nr - 1, 9}} {
					c := gemmCase{transA: tr[0], transB: tr[1], m: sh[0], n: sh[1], k: sh[2],
						alpha: s[0], beta: s[1], padA: 1, padB: 2, padC: 7}
					t.Run("small/"+c.String(), func(t *testing.T) { c.check(t, 1, 2, 3) })
				}
			}
		}
	})
}

// TestThreadsBitwise runs shapes large enough that the work really is
// split (along M, along N, and both) and requires identical bits for every
// thread count.
func TestThreadsBitwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		for _, sh := range [][3]int{{301, 40, 257}, {40, 301, 257}, {190, 210, 300}} {
			if regions := partition(4, sh[0], sh[1], sh[2], k.mr, k.nr); len(regions) < 2 {
				t.Fatalf("%v: partition did not split (%v); the test would prove nothing", sh, regions)
			}
			c := gemmCase{m: sh[0], n: sh[1], k: sh[2], alpha: 1, beta: 0.5, padC: 1}
			t.Run(c.String(), func(t *testing.T) { c.check(t, 1, 2, 3, 4) })
		}
	})
}

// TestPartition checks that regions tile C exactly and follow tile bounds.
func TestPartition(t *testing.T) {
	for _, sh := range [][5]int{{1, 1, 1, 14, 32}, {1000, 1000, 1000, 14, 32}, {13, 5000, 100, 6, 16}, {5000, 7, 100, 2, 4}} {
		for threads := 1; threads <= 6; threads++ {
			m, n := sh[0], sh[1]
			seen := make([]int, m*n)
			for _, r := range partition(threads, m, n, sh[2], sh[3], sh[4]) {
				if r.i0%sh[3] != 0 || r.j0%sh[4] != 0 {
					t.Fatalf("%v threads=%d: region %v not tile-aligned", sh, threads, r)
				}
				for i := r.i0; i < r.i1; i++ {
					for j := r.j0; j < r.j1; j++ {
						seen[i*n+j]++
					}
				}
			}
			for idx, s := range seen {
				if s != 1 {
					t.Fatalf("%v threads=%d: element %d covered %d times", sh, threads, idx, s)
				}
			}
		}
	}
}
