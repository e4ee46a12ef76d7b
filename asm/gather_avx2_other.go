//go:build !amd64 || purego

package asm

// No AVX2 gathers on this platform or build: simdOps.avx2 is never set,
// and these are never called.

func gatherRowsA2(dst []float32, rows, segs int, src []float32, t SpanTable, r0, s0 int) {
	panic("asm: no AVX2 gathers in this build")
}

func gatherColsA2(dst []float32, ldd int, src []float32, t SpanTable, r0, rows, j0, steps int) {
	panic("asm: no AVX2 gathers in this build")
}

func transposeA2(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	panic("asm: no AVX2 gathers in this build")
}
