package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// forEachImpl runs f as a subtest once per implementation usable here.
func forEachImpl(t *testing.T, f func(t *testing.T, k *kernel)) {
	for _, name := range Implementations() {
		t.Run(name, func(t *testing.T) {
			restore, err := Use(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t, active.Load())
		})
	}
}

// useBlocking installs a copy of the current kernel with other block
// sizes, so tests can cross every blocking loop boundary with small
// matrices.
func useBlocking(bs blocking) (restore func()) {
	k := *active.Load()
	k.blocks = bs
	return swap(&k)
}

// randMatrix returns a rows×cols matrix with row stride ld, entries in
// [-1, 1) and the padding between rows set to NaN, which would poison the
// result if an implementation read it.
func randMatrix(r *rand.Rand, rows, cols, ld int) []float32 {
	s := make([]float32, max(0, (rows-1)*ld+cols))
	for i := range s {
		s[i] = float32(math.NaN())
	}
	for i := range rows {
		for j := range cols {
			s[i*ld+j] = 2*r.Float32() - 1
		}
	}
	return s
}

// sentinel marks memory an implementation must not write.
var sentinel = float32(-123.25)

const guard = 37 // sentinel elements before and after C

// guardedC is a C matrix embedded in a larger slice: guard sentinels
// before and after, and sentinels in the padding between rows.
type guardedC struct {
	buf        []float32
	m, n, ldc  int
	nanInitial bool
}

func newGuardedC(r *rand.Rand, m, n, ldc int, nanInitial bool) *guardedC {
	g := &guardedC{m: m, n: n, ldc: ldc, nanInitial: nanInitial}
	g.buf = make([]float32, guard+max(0, (m-1)*ldc+n)+guard)
	for i := range g.buf {
		g.buf[i] = sentinel
	}
	for i := range m {
		for j := range n {
			v := 2*r.Float32() - 1
			if nanInitial {
				v = float32(math.NaN())
			}
			g.buf[guard+i*ldc+j] = v
		}
	}
	return g
}

// c is the slice handed to Sgemm: exactly the matrix, no guard.
func (g *guardedC) c() []float32 { return g.buf[guard : len(g.buf)-guard] }

func (g *guardedC) clone() *guardedC {
	h := *g
	h.buf = append([]float32(nil), g.buf...)
	return &h
}

func (g *guardedC) inside(idx int) bool {
	idx -= guard
	if idx < 0 || idx >= len(g.buf)-2*guard {
		return false
	}
	return idx%g.ldc < g.n
}

// checkGuards fails if any element outside the matrix changed.
func (g *guardedC) checkGuards(t *testing.T) {
	t.Helper()
	for i, v := range g.buf {
		if !g.inside(i) && math.Float32bits(v) != math.Float32bits(sentinel) {
			t.Fatalf("element %d outside C (guard %d, ldc %d) overwritten: %v", i-guard, guard, g.ldc, v)
		}
	}
}

func absAll(s []float32) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(math.Abs(float64(v)))
	}
	return out
}

func bitsEqual(a, b []float32) int {
	if len(a) != len(b) {
		return 0
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}
