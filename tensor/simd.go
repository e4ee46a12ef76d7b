package tensor

import "github.com/modeldoctor/modeldoctor/asm"

// SIMD is the default backend: the CPU reference with GEMM and
// convolution routed to the asm package's packed SIMD kernels (AVX-512,
// AVX2+FMA, or their pure-Go twins elsewhere). Every kernel's result is
// independent of the number of workers, as the reference's is.
type SIMD struct{ CPU }

func init() { SetBackend(SIMD{}) }

// Name implements Backend.
func (SIMD) Name() string { return "simd-" + asm.Current() }

// Gemm implements Backend.
func (SIMD) Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 || k == 0 { // degenerate: the reference handles it
		GemmNaive(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	asm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
