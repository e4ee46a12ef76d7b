//go:build !amd64 || purego

package asm

func gatherPiecesA512(dst []float32, rows, segs int, src []float32, t SpanTable, r0, s0 int) {
	panic("asm: no AVX-512 helpers in this build")
}

func gatherPiecesA2(dst []float32, rows, segs int, src []float32, t SpanTable, r0, s0 int) {
	panic("asm: no AVX2 gathers in this build")
}
