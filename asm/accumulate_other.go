//go:build !amd64 || purego

package asm

func add2DA512(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	panic("asm: no AVX-512 helpers in this build")
}

func col2imRowsA512(dst []float32, ldd int, src []float32, lds int, offs []int, masks []uint16, rows, cols int) {
	panic("asm: no AVX-512 helpers in this build")
}

func col2imRows2A512(dst []float32, ldd int, src []float32, lds int, offs []int, masks []uint32, rows, cols int) {
	panic("asm: no AVX-512 helpers in this build")
}

func add2DA2(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	panic("asm: no AVX2 helpers in this build")
}

func col2imRowsA2(dst []float32, ldd int, src []float32, lds int, offs []int, masks []uint16, rows, cols int) {
	panic("asm: no AVX2 helpers in this build")
}

func col2imRows2A2(dst []float32, ldd int, src []float32, lds int, offs []int, both []uint32, rows, cols int) {
	panic("asm: no AVX2 helpers in this build")
}
