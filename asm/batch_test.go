package asm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSgemmSourceBBatch: every product of a batch gets bitwise what
// SgemmSourceB gives it alone, with each implementation, for shapes around
// the tile sizes, K spanning several slices, A too tall for one block (the
// fallback), transposed A and both kinds of beta.
func TestSgemmSourceBBatch(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(5, 9))
		for _, sh := range [][3]int{{1, 1, 1}, {k.mr, k.nr, 7}, {k.mr + 1, 2*k.nr + 3, 40}, {64, 100, k.blocks.kc + 5}, {24, 256, 144}, {k.blocks.mc + 3, 20, 9}} {
			m, n, kk := sh[0], sh[1], sh[2]
			for _, transA := range []bool{false, true} {
				for _, beta := range []float32{0, 0.5} {
					for _, batch := range []int{1, 3} {
						name := fmt.Sprintf("%dx%dx%d/transA=%v/beta=%v/batch=%d", m, n, kk, transA, beta, batch)
						lda := kk + 2
						if transA {
							lda = m + 3
						}
						rows, cols := m, kk
						if transA {
							rows, cols = kk, m
						}
						a := randMatrix(r, rows, cols, lda)
						ldc := n + 1
						srcs := make([]BSource, batch)
						got, want := make([][]float32, batch), make([][]float32, batch)
						for b := range batch {
							srcs[b] = MatrixSource{Data: randMatrix(r, kk, n, n+4), LD: n + 4}
							got[b] = randMatrix(r, m, n, ldc)
							want[b] = append([]float32(nil), got[b]...)
							SgemmSourceB(1, transA, m, n, kk, 1.5, a, lda, srcs[b], beta, want[b], ldc)
						}
						SgemmSourceBBatch(transA, m, n, kk, 1.5, a, lda, srcs, beta, got, ldc)
						for b := range batch {
							if i := bitsEqual(got[b], want[b]); i >= 0 {
								t.Fatalf("%s: product %d differs at %d: %v, alone %v", name, b, i, got[b][i], want[b][i])
							}
						}
					}
				}
			}
		}
	})
}
