//go:build amd64 && !purego

package asm

import "github.com/klauspost/cpuid/v2"

// Assembly kernels (kernel_*_amd64.s), A-packing transposes
// (pack_*_amd64.s) and FMA peak loops (peak_amd64.s). The Go wrappers below turn slices into
// pointers after a bounds check of the extreme elements, so a driver bug
// panics instead of corrupting memory.

//go:noescape
func sgemm14x32AVX512(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func sgemmEdgeAVX512(kc int, a, b, c *float32, ldc int, alpha, beta float32, rows int)

//go:noescape
func sgemm6x16AVX2(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func transposeA14AVX512(dst, a *float32, lda, chunks int)

//go:noescape
func transposeA6AVX2(dst, a *float32, lda, chunks8 int)

func fmaPeakAVX512(iters int)

func fmaPeakAVX2(iters int)

// Flops per iteration of the peak loops: chains × lanes × 2.
const (
	peakFlopsAVX512 = 24 * 16 * 2
	peakFlopsAVX2   = 12 * 8 * 2
)

func archKernels() []*kernel {
	var ks []*kernel
	// cpuid reports AVX-512 only when the OS also saves the ZMM state.
	if cpuid.CPU.Supports(cpuid.AVX512F) {
		k := newKernel("avx512", 14, 32, tileAVX512, func(n int) float64 {
			fmaPeakAVX512(n)
			return float64(n) * peakFlopsAVX512
		})
		k.transposeA = transposeA14
		k.edge = edgeAVX512
		k.ops = avx512Ops
		ks = append(ks, k)
	}
	if cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3) {
		k := newKernel("avx2", 6, 16, tileAVX2, func(n int) float64 {
			fmaPeakAVX2(n)
			return float64(n) * peakFlopsAVX2
		})
		k.transposeA = transposeA6
		k.ops = simdOps{avx2: true}
		ks = append(ks, k)
	}
	return ks
}

func tileAVX512(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
	_, _, _ = a[kc*14-1], b[kc*32-1], c[13*ldc+31]
	sgemm14x32AVX512(kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

func edgeAVX512(kc int, a, b, c []float32, ldc int, alpha, beta float32, rows int) {
	_, _, _ = a[kc*14-1], b[kc*32-1], c[(rows-1)*ldc+31]
	sgemmEdgeAVX512(kc, &a[0], &b[0], &c[0], ldc, alpha, beta, rows)
}

func transposeA14(dst, a []float32, lda, chunks int) {
	_, _ = dst[14*16*chunks-1], a[13*lda+16*chunks-1]
	transposeA14AVX512(&dst[0], &a[0], lda, chunks)
}

func transposeA6(dst, a []float32, lda, chunks int) {
	_, _ = dst[6*16*chunks-1], a[5*lda+16*chunks-1]
	transposeA6AVX2(&dst[0], &a[0], lda, 2*chunks)
}

func tileAVX2(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
	_, _, _ = a[kc*6-1], b[kc*16-1], c[5*ldc+15]
	sgemm6x16AVX2(kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
}
