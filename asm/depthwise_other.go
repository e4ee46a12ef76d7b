//go:build !amd64 || purego

package asm

// No depthwise assembly on this platform or build: simdOps.avx512 and
// simdOps.avx2 are never set, and these are never called.

func packPlanesA512(dst []float32, pos []int32, src []float32, offs *[16]int64, pf int) {
	panic("asm: no AVX-512 helpers in this build")
}

func unpackPlanesA512(dst []float32, offs *[16]int64, cnt int, src []float32, pos []int32, pf int) {
	panic("asm: no AVX-512 helpers in this build")
}

func convPackedA512(out, in, w []float32, offs, runs []int64) {
	panic("asm: no AVX-512 helpers in this build")
}

func dotPackedA512(acc, g, in []float32, offs []int64) {
	panic("asm: no AVX-512 helpers in this build")
}

func conv3x3A512(out, x []float32, planes int, w, stage []float32, g *Same3x3) {
	panic("asm: no AVX-512 helpers in this build")
}

func dot3x3A512(lanes, gy, x []float32, planes int, stage []float32, g *Same3x3) {
	panic("asm: no AVX-512 helpers in this build")
}

func convS2AVX512(out *float32, x *float32, planes int, w *float32, stage *float32, args *s2args) {
	panic("asm: no AVX-512 helpers in this build")
}

func dotS2AVX512(lanes *float32, gs *float32, x *float32, planes int, stage *float32, args *s2args) {
	panic("asm: no AVX-512 helpers in this build")
}

func convTS2AVX512(gx *float32, gs *float32, planes int, w *float32, stage *float32, args *s2args) {
	panic("asm: no AVX-512 helpers in this build")
}

func packPlanesA2(dst []float32, pos []int32, src []float32, offs *[16]int64, pf int) {
	panic("asm: no AVX2 helpers in this build")
}

func unpackPlanesA2(dst []float32, offs *[16]int64, cnt int, src []float32, pos []int32, pf int) {
	panic("asm: no AVX2 helpers in this build")
}

func convPackedA2(out, in, w []float32, offs []int64) {
	panic("asm: no AVX2 helpers in this build")
}

func dotPackedA2(acc, g, in []float32, offs []int64) {
	panic("asm: no AVX2 helpers in this build")
}

func conv3x3A2(out, x []float32, planes int, w, stage []float32, g *Same3x3) {
	panic("asm: no AVX2 helpers in this build")
}

func dot3x3A2(lanes, gy, x []float32, planes int, stage []float32, g *Same3x3) {
	panic("asm: no AVX2 helpers in this build")
}

func convS2A2(out, x []float32, planes int, w []float32, g *Stride2x3) {
	panic("asm: no AVX2 helpers in this build")
}

func dotS2A2(lanes, gy, x []float32, planes int, g *Stride2x3) {
	panic("asm: no AVX2 helpers in this build")
}

func convTS2A2(gx, gy []float32, planes int, w []float32, g *Stride2x3) {
	panic("asm: no AVX2 helpers in this build")
}
