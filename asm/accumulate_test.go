package asm

import (
	"math"
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

// signedZeros sets about a quarter of s to -0 and another quarter to +0:
// a lane that adds nothing must keep a -0 as it is.
func signedZeros(r *rand.Rand, s []float32) {
	for i := range s {
		switch r.IntN(8) {
		case 0, 1:
			s[i] = float32(math.Copysign(0, -1))
		case 2, 3:
			s[i] = 0
		}
	}
}

// TestAdd2DEdges checks Add2D bit for bit at every width from 1 to 40
// (the 8- and 16-lane blocks and every tail), with signed zeros in both
// operands, NaN in the source padding and a dst padding that must not
// change.
func TestAdd2DEdges(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(29, 30))
		for _, rows := range []int{1, 3} {
			for cols := 1; cols <= 40; cols++ {
				ldd, lds := cols+r.IntN(3), cols+r.IntN(3)
				src := randMatrix(r, rows, cols, lds)
				for i := range rows {
					signedZeros(r, src[i*lds:i*lds+cols])
				}
				dst, check := guarded((rows-1)*ldd + cols)
				for i := range dst {
					dst[i] = float32(r.NormFloat64())
				}
				signedZeros(r, dst)
				want := append([]float32(nil), dst...)
				for i := range rows {
					for j := range cols {
						want[i*ldd+j] += src[i*lds+j]
					}
				}
				Add2D(dst, ldd, src, lds, rows, cols)
				check(t)
				if i := bitsEqual(dst, want); i >= 0 {
					t.Fatalf("%dx%d ldd %d: dst[%d] = %v, want %v", rows, cols, ldd, i, dst[i], want[i])
				}
			}
		}
	})
}

// col2imCase is a random Col2imRows (step 1) or Col2imRowsStep2 (step 2)
// call whose taps read the first and the last element of src, whose src
// elements that no enabled lane reads are NaN, and whose dst holds signed
// zeros.
type col2imCase struct {
	step, rows, cols, lds, ldd int
	src                        []float32
	offs                       []int
	masks                      []uint16
}

func newCol2imCase(r *rand.Rand, step, rows, cols, taps int) col2imCase {
	c := col2imCase{step: step, rows: rows, cols: cols, ldd: cols + r.IntN(3)}
	chunks := (cols + 15) / 16
	width := (cols-1)/step + 1 // source elements a row's columns span
	c.lds = width + r.IntN(4)
	c.offs = make([]int, taps)
	c.masks = make([]uint16, taps*chunks)
	lo, hi := math.MaxInt, math.MinInt
	for tp := range c.offs {
		c.offs[tp] = r.IntN(9) - 4
		par := r.IntN(2)
		for j := range cols {
			if (step == 1 || j%2 == par) && r.IntN(4) != 0 {
				c.masks[tp*chunks+j/16] |= 1 << (j % 16)
				lo, hi = min(lo, c.offs[tp]+j/step), max(hi, (rows-1)*c.lds+c.offs[tp]+j/step)
			}
		}
	}
	if lo > hi { // nothing enabled
		lo, hi = 0, 0
	}
	for tp := range c.offs { // the first enabled lane reads src[0]
		c.offs[tp] -= lo
	}
	c.src = make([]float32, hi-lo+1)
	for i := range c.src {
		c.src[i] = float32(math.NaN())
	}
	c.each(func(i, j, idx int) { c.src[idx] = 2*r.Float32() - 1 })
	signedZeros(r, c.src) // and the NaN of unread elements back:
	read := make([]bool, len(c.src))
	c.each(func(i, j, idx int) { read[idx] = true })
	for i, ok := range read {
		if !ok {
			c.src[i] = float32(math.NaN())
		}
	}
	return c
}

// each calls f for every enabled (row i, column j) and each tap in order,
// with the source index it reads.
func (c col2imCase) each(f func(i, j, idx int)) {
	chunks := (c.cols + 15) / 16
	for i := range c.rows {
		for tp, off := range c.offs {
			for j := range c.cols {
				if c.masks[tp*chunks+j/16]&(1<<(j%16)) != 0 {
					f(i, j, i*c.lds+off+j/c.step)
				}
			}
		}
	}
}

func (c col2imCase) run(dst []float32) {
	if c.step == 1 {
		Col2imRows(dst, c.ldd, c.src, c.lds, c.offs, c.masks, c.rows, c.cols)
	} else {
		Col2imRowsStep2(dst, c.ldd, c.src, c.lds, c.offs, c.masks, c.rows, c.cols)
	}
}

// TestCol2imEdges checks both scatters bit for bit against their
// definition at every width from 1 to 40, with -0 in dst (which a
// disabled lane must keep), NaN wherever no enabled lane reads, and taps
// that read the first and the last source element.
func TestCol2imEdges(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(31, 32))
		for _, step := range []int{1, 2} {
			for _, rows := range []int{1, 2, 5} {
				for cols := 1; cols <= 40; cols++ {
					c := newCol2imCase(r, step, rows, cols, 1+r.IntN(5))
					dst, check := guarded((rows-1)*c.ldd + cols)
					for i := range dst {
						dst[i] = float32(r.NormFloat64())
					}
					signedZeros(r, dst)
					want := append([]float32(nil), dst...)
					c.each(func(i, j, idx int) { want[i*c.ldd+j] += c.src[idx] })
					c.run(dst)
					check(t)
					if i := bitsEqual(dst, want); i >= 0 {
						t.Fatalf("step %d rows %d cols %d taps %d: dst[%d] = %v, want %v", step, rows, cols, len(c.offs), i, dst[i], want[i])
					}
				}
			}
		}
	})
}
