// Package kernels holds the GPU kernels, each written once with package
// ptx: an elementwise family (add, mul, relu forward and backward, axpy for
// SGD), a deterministic sum and two tilings of SGEMM (sgemm.go, and
// sgemm_vec4.go with 128-bit loads). Each kernel is tested by
// interpreting it on the CPU against the plain Go reference beside it
// (reference.go); the cuda package launches the same PTX on a real GPU and
// compares with the interpreter.
//
// Kernels take n, M, N, K as u32 and index with 32-bit arithmetic: a single
// buffer must hold fewer than 2³¹ elements.
//
// Determinism: no kernel uses atomics. The sum runs a fixed tree whose
// shape depends only on n (SumBlocks), so the same input gives the same bits
// on every run; SumTreeRef is that tree written in plain Go.
package kernels
