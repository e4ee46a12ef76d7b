//go:build !amd64 || purego

package asm

// No assembly helpers on this platform or build: simdOps.avx512 is never
// set, and these are never called.

func gatherRowsA512(dst []float32, rows, segs int, src []float32, t SpanTable, r0, s0 int) {
	panic("asm: no AVX-512 helpers in this build")
}

func gatherColsA512(dst []float32, ldd, rows, segs int, src []float32, t SpanTable, r0, s0 int) {
	panic("asm: no AVX-512 helpers in this build")
}

func transposeA512(dst []float32, ldd int, src []float32, lds, rows, segs int) {
	panic("asm: no AVX-512 helpers in this build")
}

func correlateA512(dst, src []float32, s Shifts, w []float32) {
	panic("asm: no AVX-512 helpers in this build")
}

func dotShiftsA512(lanes, g, src []float32, s Shifts, t0, taps int) {
	panic("asm: no AVX-512 helpers in this build")
}

func copy2DA512(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	panic("asm: no AVX-512 helpers in this build")
}

func prefetchA512(buf []float32, write bool) {
	panic("asm: no AVX-512 helpers in this build")
}

func correlateA2(dst, src []float32, s Shifts, w []float32) {
	panic("asm: no AVX2 helpers in this build")
}

func dotShiftsA2(lanes, g, src []float32, s Shifts, t0, taps int) {
	panic("asm: no AVX2 helpers in this build")
}

func copy2DA2(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	panic("asm: no AVX2 helpers in this build")
}

func prefetchA2(buf []float32, write bool) {
	panic("asm: no AVX2 helpers in this build")
}
