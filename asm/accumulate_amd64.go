//go:build amd64 && !purego

package asm

//go:noescape
func add2DAVX512(dst *float32, ldd int, src *float32, lds int, rows, chunks int, tail uint64)

func add2DA512(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	add2DAVX512(&dst[0], ldd, &src[0], lds, rows, cols/16, 1<<(cols%16)-1)
}
