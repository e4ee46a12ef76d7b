//go:build !amd64 || purego

package asm

// archKernels: only the pure-Go kernel exists on this platform or build.
func archKernels() []*kernel { return nil }
