//go:build !amd64 || purego

package asm

// No assembly DotShiftsLanesOuts on this platform or build: simdOps is
// never set, and these are never called.

func dotShiftsOutsA512(lanes, g []float32, ldg, outs int, src []float32, s Shifts) {
	panic("asm: no AVX-512 helpers in this build")
}

func dotShiftsOutsA2(lanes, g []float32, ldg, outs int, src []float32, s Shifts) {
	panic("asm: no AVX2 helpers in this build")
}
