//go:build !amd64 || purego

package asm

func siluAVX512(dst, x, g *float32, n int) {
	panic("asm: no AVX-512 helpers in this build")
}

func siluAVX2(dst, x, g *float32, n int) {
	panic("asm: no AVX2 helpers in this build")
}
