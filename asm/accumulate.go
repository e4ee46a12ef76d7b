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
	if active.Load().ops.avx512 {
		add2DA512(dst, ldd, src, lds, rows, cols)
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
