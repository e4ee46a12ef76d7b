//go:build !amd64 || purego

package asm

// No assembly CorrelateOuts on this platform or build: simdOps never
// selects these.

func correlateOutsA512(dst []float32, ldd, outs int, src []float32, s Shifts, w []float32) {
	panic("asm: no AVX-512 helpers in this build")
}

func correlateOutsA2(dst []float32, ldd, outs int, src []float32, s Shifts, w []float32) {
	panic("asm: no AVX2 helpers in this build")
}
