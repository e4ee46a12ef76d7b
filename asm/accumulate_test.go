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

func TestCol2imRows(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(23, 24))
		for _, rows := range []int{1, 3, 8} {
			for _, cols := range []int{1, 12, 16, 17, 32, 40} {
				for _, taps := range []int{1, 3, 5} {
					chunks := (cols + 15) / 16
					lds, ldd := cols+r.IntN(6), cols+r.IntN(3)
					const margin = 8 // offsets up to ±margin
					src := randMatrix(r, 1, rows*lds+4*margin, rows*lds+4*margin)
					offs := make([]int, taps)
					masks := make([]uint16, taps*chunks)
					for tp := range offs {
						offs[tp] = r.IntN(2*margin+1) - margin
						for c := range chunks {
							for l := range 16 {
								j := 16*c + l
								idx := offs[tp] + j
								// A lane is enabled where it reads inside src
								// for every row, and at random.
								if j < cols && idx >= 0 && (rows-1)*lds+idx < len(src) && r.IntN(4) != 0 {
									masks[tp*chunks+c] |= 1 << l
								}
							}
						}
					}
					dst, check := guarded((rows-1)*ldd + cols)
					for i := range dst {
						dst[i] = float32(r.NormFloat64())
					}
					want := append([]float32(nil), dst...)
					for i := range rows {
						for tp, off := range offs {
							for j := range cols {
								if masks[tp*chunks+j/16]&(1<<(j%16)) != 0 {
									want[i*ldd+j] += src[i*lds+off+j]
								}
							}
						}
					}
					Col2imRows(dst, ldd, src, lds, offs, masks, rows, cols)
					check(t)
					for i := range dst {
						if dst[i] != want[i] {
							t.Fatalf("rows %d cols %d taps %d: dst[%d] = %v, want %v", rows, cols, taps, i, dst[i], want[i])
						}
					}
				}
			}
		}
	})
}

func TestCol2imRowsStep2(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(25, 26))
		for _, rows := range []int{1, 3, 8} {
			for _, cols := range []int{1, 12, 16, 17, 32, 40} {
				for _, taps := range []int{1, 3, 5} {
					chunks := (cols + 15) / 16
					lds, ldd := cols/2+r.IntN(6)+1, cols+r.IntN(3)
					const margin = 6
					src := randMatrix(r, 1, rows*lds+4*margin, rows*lds+4*margin)
					offs := make([]int, taps)
					masks := make([]uint16, taps*chunks)
					for tp := range offs {
						offs[tp] = r.IntN(2*margin+1) - margin
						par := r.IntN(2)
						for j := range cols {
							idx := offs[tp] + j/2
							if j%2 == par && idx >= 0 && (rows-1)*lds+idx < len(src) && r.IntN(5) != 0 {
								masks[tp*chunks+j/16] |= 1 << (j % 16)
							}
						}
					}
					dst, check := guarded((rows-1)*ldd + cols)
					for i := range dst {
						dst[i] = float32(r.NormFloat64())
					}
					want := append([]float32(nil), dst...)
					for i := range rows {
						for tp, off := range offs {
							for j := range cols {
								if masks[tp*chunks+j/16]&(1<<(j%16)) != 0 {
									want[i*ldd+j] += src[i*lds+off+j/2]
								}
							}
						}
					}
					Col2imRowsStep2(dst, ldd, src, lds, offs, masks, rows, cols)
					check(t)
					for i := range dst {
						if dst[i] != want[i] {
							t.Fatalf("rows %d cols %d taps %d: dst[%d] = %v, want %v", rows, cols, taps, i, dst[i], want[i])
						}
					}
				}
			}
		}
	})
}
