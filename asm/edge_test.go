package asm

import (
	"math/rand/v2"
	"testing"
)

// TestEdgeKernel requires each kernel's edge version to give, for every
// row count, the bits of the full tile's first rows, and to leave the rows
// below untouched.
func TestEdgeKernel(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		if k.edge == nil {
			t.Skip("no edge kernel")
		}
		r := rand.New(rand.NewPCG(15, 16))
		for _, kc := range []int{1, 7, 33} {
			a, b := randMatrix(r, 1, kc*k.mr, kc*k.mr), randMatrix(r, 1, kc*k.nr, kc*k.nr)
			for _, beta := range []float32{0, 1, -0.5} {
				ldc := k.nr + 3
				c0 := randMatrix(r, k.mr, k.nr, ldc)
				full := append([]float32(nil), c0...)
				k.tile(kc, a, b, full, ldc, 0.75, beta)
				for rows := 1; rows <= k.mr; rows++ {
					got := append([]float32(nil), c0...)
					k.edge(kc, a, b, got, ldc, 0.75, beta, rows)
					for i := range k.mr {
						for j := range k.nr {
							want := full[i*ldc+j]
							if i >= rows {
								want = c0[i*ldc+j]
							}
							if g := got[i*ldc+j]; g != want && !(g != g && want != want) {
								t.Fatalf("kc=%d beta=%g rows=%d: C[%d][%d] = %v, want %v", kc, beta, rows, i, j, g, want)
							}
						}
					}
				}
			}
		}
	})
}
