//go:build amd64 && !purego

package asm

// siluAVX512 computes SiLU of n values of x into dst, or its backward
// times grad when grad is not nil.
//
//go:noescape
func siluAVX512(dst, x, grad *float32, n int)

// siluAVX2 is siluAVX512 with AVX2 and FMA (silu_avx2_amd64.s).
//
//go:noescape
func siluAVX2(dst, x, grad *float32, n int)
