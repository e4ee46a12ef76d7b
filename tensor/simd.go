package tensor

import (
	"runtime"

	"github.com/modeldoctor/modeldoctor/asm"
)

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

// pointwise reports whether the convolution is a plain 1×1 one, whose
// im2col matrix is the input plane itself.
func (d convDims) pointwise() bool {
	return d.kh == 1 && d.kw == 1 && d.p.StrideH == 1 && d.p.StrideW == 1 && d.p.PadH == 0 && d.p.PadW == 0
}

// imageSplit decides how to use the cores for a per-image loop: with at
// least as many images as workers, one image per worker and single-
// threaded GEMMs; otherwise images in turn and threaded GEMMs.
func imageSplit(n int) (perImage bool, gemmThreads int) {
	w := runtime.GOMAXPROCS(0)
	if n >= w {
		return true, 1
	}
	return false, w
}

func forImages(n, cost int, perImage bool, body func(lo, hi int)) {
	if perImage {
		parallelFor(n, cost, body)
	} else {
		body(0, n)
	}
}

// Conv2D implements Backend.
func (SIMD) Conv2D(x, w *Tensor, p ConvParams, out *Tensor) {
	d := newConvDims(x.shape, w.shape, out.shape, p)
	kk, hw := d.cg*d.kh*d.kw, d.ho*d.wo
	perImage, threads := imageSplit(d.n)
	forImages(d.n, d.o*kk*hw, perImage, func(lo, hi int) {
		var col []float32
		if !d.pointwise() {
			col = make([]float32, kk*hw)
		}
		for i := lo; i < hi; i++ {
			xi := x.data[i*d.c*d.h*d.w:]
			for g := 0; g < d.g; g++ {
				b := xi[g*d.cg*hw:]
				if col != nil {
					d.im2col(xi, g, col)
					b = col
				}
				asm.SgemmThreads(threads, false, false, d.og, hw, kk, 1, w.data[g*d.og*kk:], kk, b, hw, 0, out.data[(i*d.o+g*d.og)*hw:], hw)
			}
		}
	})
}

// Conv2DInputGrad implements Backend: col = Wᵀ·gy, then col2im.
func (SIMD) Conv2DInputGrad(gy, w *Tensor, p ConvParams, gx *Tensor) {
	d := newConvDims(gx.shape, w.shape, gy.shape, p)
	kk, hw := d.cg*d.kh*d.kw, d.ho*d.wo
	perImage, threads := imageSplit(d.n)
	forImages(d.n, d.o*kk*hw, perImage, func(lo, hi int) {
		var col []float32
		if !d.pointwise() {
			col = make([]float32, kk*hw)
		}
		for i := lo; i < hi; i++ {
			gxi := gx.data[i*d.c*d.h*d.w:]
			for g := 0; g < d.g; g++ {
				dst := gxi[g*d.cg*hw:]
				if col != nil {
					dst = col
				}
				asm.SgemmThreads(threads, true, false, kk, hw, d.og, 1, w.data[g*d.og*kk:], kk, gy.data[(i*d.o+g*d.og)*hw:], hw, 0, dst, hw)
				if col != nil {
					d.col2im(col, g, gxi)
				}
			}
		}
	})
}

// Conv2DWeightGrad implements Backend: gw_g = Σ_n gy_{n,g}·col_{n,g}ᵀ,
// accumulated image by image in a fixed order (beta = 1), with the GEMM
// itself parallel over output blocks.
func (SIMD) Conv2DWeightGrad(x, gy *Tensor, p ConvParams, gw *Tensor) {
	d := newConvDims(x.shape, gw.shape, gy.shape, p)
	kk, hw := d.cg*d.kh*d.kw, d.ho*d.wo
	var col []float32
	if !d.pointwise() {
		col = make([]float32, kk*hw)
	}
	for g := 0; g < d.g; g++ {
		acc := gw.data[g*d.og*kk : (g+1)*d.og*kk]
		for i := 0; i < d.n; i++ {
			xi := x.data[i*d.c*d.h*d.w:]
			b := xi[g*d.cg*hw:]
			if col != nil {
				d.im2col(xi, g, col)
				b = col
			}
			asm.Sgemm(false, true, d.og, kk, hw, 1, gy.data[(i*d.o+g*d.og)*hw:], hw, b, hw, 1, acc, kk)
		}
	}
}
