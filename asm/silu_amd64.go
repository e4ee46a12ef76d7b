//go:build amd64 && !purego

package asm

// siluAVX512 computes SiLU of n values of x into dst, or its backward
// times grad when grad is not nil.
//
//go:noescape
func siluAVX512(dst, x, grad *float32, n int)
