package asm

import "fmt"

// Add2D adds a rows×cols block into another: dst[i*ldd+j] += src[i*lds+j].
// It is the scatter half of a col2im (a convolution's input gradient
// computed as Wᵀ·gy, whose patch rows are added back into the input
// planes), where rows are short and a call to a per-row loop would cost
// more than the adds.
func Add2D(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if ldd < cols || lds < cols || len(dst) < (rows-1)*ldd+cols || len(src) < (rows-1)*lds+cols {
		panic(fmt.Sprintf("asm.Add2D: %dx%d with ldd %d, lds %d, len(dst) %d, len(src) %d", rows, cols, ldd, lds, len(dst), len(src)))
	}
	ops := active.Load().ops
	if ops.avx512 {
		add2DA512(dst, ldd, src, lds, rows, cols)
		return
	}
	if ops.avx2 {
		add2DA2(dst, ldd, src, lds, rows, cols)
		return
	}
	add2DGo(dst, ldd, src, lds, rows, cols)
}

func add2DGo(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	for i := range rows {
		d, s := dst[i*ldd:i*ldd+cols], src[i*lds:i*lds+cols]
		for j, v := range s {
			d[j] += v
		}
	}
}

// Col2imRows adds shifted copies of several source rows into each row of a
// block: for r < rows and every tap t,
//
//	dst[r*ldd+j] += src[r*lds+offs[t]+j]   for the j < cols enabled for t,
//
// where tap t enables column j when bit j%16 of masks[t*chunks+j/16] is
// set (chunks = ceil(cols/16)). It is the scatter of col2im for one input
// channel and kernel row: the taps are the kernel columns, each a patch row
// read at its own shift, so each input row is loaded and stored once for
// all of them instead of once per tap (asm.Add2D), and no tap's load waits
// on the previous tap's store. Disabled lanes are not read.
func Col2imRows(dst []float32, ldd int, src []float32, lds int, offs []int, masks []uint16, rows, cols int) {
	if !checkScatter("Col2imRows", 1, dst, ldd, src, lds, offs, masks, rows, cols) {
		return
	}
	ops := active.Load().ops
	if ops.avx512 {
		col2imRowsA512(dst, ldd, src, lds, offs, masks, rows, cols)
		return
	}
	if ops.avx2 {
		col2imRowsA2(dst, ldd, src, lds, offs, masks, rows, cols)
		return
	}
	col2imRowsGo(dst, ldd, src, lds, offs, masks, rows, cols)
}

// checkScatter validates the arguments of Col2imRows (step 1) and
// Col2imRowsStep2 (step 2, where lane l of chunk c reads source element
// 8c + l/2), panicking on a bad one; it reports false when there is
// nothing to do.
func checkScatter(name string, step int, dst []float32, ldd int, src []float32, lds int, offs []int, masks []uint16, rows, cols int) bool {
	chunks := (cols + 15) / 16
	if rows <= 0 || cols <= 0 || len(offs) == 0 {
		return false
	}
	if len(masks) != len(offs)*chunks || ldd < cols || len(dst) < (rows-1)*ldd+cols {
		panic(fmt.Sprintf("asm.%s: %d taps, %d masks, %dx%d block with ldd %d, len(dst) %d", name, len(offs), len(masks), rows, cols, ldd, len(dst)))
	}
	for t, off := range offs {
		for c, m := range masks[t*chunks : (t+1)*chunks] {
			if m == 0 {
				continue
			}
			if c == chunks-1 && cols%16 != 0 && m>>(cols%16) != 0 {
				panic(fmt.Sprintf("asm.%s: tap %d enables columns past %d", name, t, cols))
			}
			first, last := lowBit(uint32(m))/step, highBit(uint32(m))/step
			lo, hi := off+16/step*c+first, (rows-1)*lds+off+16/step*c+last
			if lo < 0 || hi >= len(src) {
				panic(fmt.Sprintf("asm.%s: tap %d reads src[%d..%d] of %d", name, t, lo, hi, len(src)))
			}
		}
	}
	return true
}

func col2imRowsGo(dst []float32, ldd int, src []float32, lds int, offs []int, masks []uint16, rows, cols int) {
	chunks := (cols + 15) / 16
	for r := range rows {
		d := dst[r*ldd : r*ldd+cols]
		for t, off := range offs {
			m := masks[t*chunks:]
			base := r*lds + off
			for j := range d {
				if m[j/16]&(1<<(j%16)) != 0 {
					d[j] += src[base+j]
				}
			}
		}
	}
}

// Col2imRowsStep2 is Col2imRows for a column stride of 2, where each
// source element feeds every other column: for r < rows and every tap t,
//
//	dst[r*ldd+j] += src[r*lds+offs[t]+j/2]   for the j < cols enabled for t,
//
// with the same masks as Col2imRows (a tap enables at most one column of
// each pair). Disabled lanes are not read.
func Col2imRowsStep2(dst []float32, ldd int, src []float32, lds int, offs []int, masks []uint16, rows, cols int) {
	if !checkScatter("Col2imRowsStep2", 2, dst, ldd, src, lds, offs, masks, rows, cols) {
		return
	}
	if ops := active.Load().ops; ops.avx512 || ops.avx2 {
		// Per tap and chunk for the assembly: the lanes, and the source
		// elements they read (lane l reads element l/2 of the chunk's 8). A
		// kernel row's few taps fit the stack buffer.
		var buf [64]uint32
		both := buf[:0]
		if len(masks) > len(buf) {
			both = make([]uint32, 0, len(masks))
		}
		for _, m := range masks {
			var elems uint32
			for l := range 16 {
				if m&(1<<l) != 0 {
					elems |= 1 << (l / 2)
				}
			}
			both = append(both, uint32(m)|elems<<16)
		}
		if ops.avx512 {
			col2imRows2A512(dst, ldd, src, lds, offs, both, rows, cols)
		} else {
			col2imRows2A2(dst, ldd, src, lds, offs, both, rows, cols)
		}
		return
	}
	chunks := (cols + 15) / 16
	for r := range rows {
		d := dst[r*ldd : r*ldd+cols]
		for t, off := range offs {
			m := masks[t*chunks:]
			base := r*lds + off
			for j := range d {
				if m[j/16]&(1<<(j%16)) != 0 {
					d[j] += src[base+j/2]
				}
			}
		}
	}
}
