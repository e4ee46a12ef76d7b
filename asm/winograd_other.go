//go:build !amd64 || purego

package asm

// No Winograd assembly on this platform or build: simdOps is never set,
// and these are never called.

func winogradInputA512(v []float32, ldv int, x []float32, h, w, ty0, ty1 int) {
	panic("asm: no AVX-512 helpers in this build")
}

func winogradOutputA512(y []float32, h, w int, m []float32, ldm, ty0, ty1 int) {
	panic("asm: no AVX-512 helpers in this build")
}

func winogradInputA2(v []float32, ldv int, x []float32, h, w, ty0, ty1 int) {
	panic("asm: no AVX2 helpers in this build")
}

func winogradOutputA2(y []float32, h, w int, m []float32, ldm, ty0, ty1 int) {
	panic("asm: no AVX2 helpers in this build")
}
