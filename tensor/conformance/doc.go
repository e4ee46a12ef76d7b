// Package conformance is the one test suite every tensor.Backend must pass:
// Run compares a backend's Unary, Binary, Reduce, Gemm, the three faces of
// Conv2D and the pools (with their transposes) against the reference
// tensor.CPU backend on small random shapes, the gonum testblas habit
// extended to devices.
//
// It lives outside a _test.go file so that other packages' tests (the SIMD
// backend in tensor, the CUDA backend in cuda/backend) can import it; it
// depends only on tensor and testing.
//
// Tolerances are per op and say what may differ between backends:
//   - ops that IEEE rounds exactly (add, mul, div, sqrt, comparisons,
//     relu, clamps, max pooling) must give the reference's value; NaN must
//     meet NaN, and the sign of a zero is not checked;
//   - transcendental ops (exp, log, tanh, sigmoid, pow) may differ by a few
//     float32 ulps (relative 1e-5), room for a GPU's approximate units;
//   - sums (reductions, GEMM, convolutions, average pools) may add in any
//     order: the error allowed is 1e-5 of the same sum taken over absolute
//     values, which a backend that drops, doubles or misplaces a term
//     exceeds by orders of magnitude.
//
// Outputs are filled with NaN before the call, so an element the backend
// forgets to write fails the comparison; GEMM's C sits inside a guard band
// that must come back untouched.
package conformance
