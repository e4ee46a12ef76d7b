package asm

import (
	"math/rand/v2"
	"testing"
)

func TestAdd2D(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(21, 22))
		for _, rows := range []int{1, 2, 7} {
			for _, cols := range []int{1, 10, 15, 16, 17, 28, 33, 64} {
				ldd, lds := cols+r.IntN(5), cols+r.IntN(5)
				src := randMatrix(r, rows, cols, lds)
				dst, check := guarded((rows-1)*ldd + cols)
				for i := range dst {
					dst[i] = float32(r.NormFloat64())
				}
				want := append([]float32(nil), dst...)
				for i := range rows {
					for j := range cols {
						want[i*ldd+j] += src[i*lds+j]
					}
				}
				Add2D(dst, ldd, src, lds, rows, cols)
				check(t)
				for i := range dst {
					if dst[i] != want[i] {
						t.Fatalf("%dx%d ldd %d: dst[%d] = %v, want %v", rows, cols, ldd, i, dst[i], want[i])
					}
				}
			}
		}
	})
}
