package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/kernels"
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// smallGemm is the size (M·N) below which the small tiling runs: the
// default 128×128 tile would leave most of its 256 threads idle, and the
// interpreter runs idle threads too.
const smallGemm = 128 * 128

// vec4Sgemm is the vectorised SGEMM tilings, small and large, built once
// for every Backend: gemmAt runs them where they fit.
var vec4Sgemm = sync.OnceValue(func() [2]*ptx.Kernel {
	var ks [2]*ptx.Kernel
	for i, c := range []kernels.SgemmConfig{kernels.SmallSgemmVec4, kernels.DefaultSgemmVec4} {
		k, err := kernels.Sgemm(c)
		if err != nil {
			panic(err) // fixed tilings, checked by the kernels tests
		}
		ks[i] = k
	}
	return ks
})

// gemmKernel picks the SGEMM for T = A·B on dense row-major operands at
// these pointers: the vectorised variant where it is legal (N and K
// multiples of 4, A, B and T 16-byte aligned — an operand at an element
// offset into its buffer qualifies only when the offset is a multiple of
// 4), else the scalar one; the small tiling below smallGemm outputs.
func (be *Backend) gemmKernel(m, n, k int, t, a, b ptx.Ptr) (kernels.SgemmConfig, *ptx.Kernel) {
	large := m*n >= smallGemm
	if kernels.SgemmVec4Fits(n, k, t, a, b) {
		if large {
			return kernels.DefaultSgemmVec4, vec4Sgemm()[1]
		}
		return kernels.SmallSgemmVec4, vec4Sgemm()[0]
	}
	if large {
		return kernels.DefaultSgemm, be.large
	}
	return kernels.SmallSgemm, be.small
}

// opSpan is how many elements a rows×cols op(X) with leading dimension ld
// reaches from its first: the length a host operand is uploaded with.
func opSpan(trans bool, rows, cols, ld int) int {
	if trans {
		return (cols-1)*ld + rows // x[j·ld + i]
	}
	return (rows-1)*ld + cols // x[i·ld + j]
}

// packAt returns the rows×cols matrix op(X), X at x + off words with
// leading dimension ld, as a dense row-major operand: X itself when it
// already is one (temp false), else a fresh buffer the gather kernel
// fills, which the caller frees.
func (be *Backend) packAt(m machine, trans bool, rows, cols int, x ptx.Ptr, off, ld int) (p ptx.Ptr, temp bool) {
	if !trans && ld == cols {
		return at(x, off), false
	}
	sx, sy := 1, ld
	if trans {
		sx, sy = ld, 1
	}
	dst := m.Alloc(rows * cols)
	grid, block := launch3(cols, rows, 1)
	be.run("Gemm", be.gather, m, grid, block, dst, at(x, off), uint32(cols), uint32(rows), uint32(sx), uint32(sy))
	return dst, true
}

// gemmOK reports whether gemmAt runs: a nonempty product whose operands
// and C's rows stay within 32-bit indexing.
func gemmOK(m, n, k, ldc int) bool {
	return m > 0 && n > 0 && k > 0 && m*k <= maxElems && k*n <= maxElems && m*ldc <= maxElems
}

// gemmAt is BLAS's C = alpha·op(A)·op(B) + beta·C on device buffers, each
// operand starting at its pointer plus an offset in elements (a batch's
// slice of a larger buffer): op(A) and op(B) are packed dense where they
// are not (temporaries), the tiled SGEMM forms T (a temporary; the
// vectorised kernel where gemmKernel allows it), and the
// epilogue writes alpha·T + beta·C into C's m rows of n, leaving the
// padding between rows alone; beta = 0 never reads C. Every temporary
// is freed before it returns. It returns false, launching nothing, where
// gemmOK does.
func (be *Backend) gemmAt(mem machine, transA, transB bool, m, n, k int, alpha float32,
	a ptx.Ptr, aOff, lda int, b ptx.Ptr, bOff, ldb int, beta float32, c ptx.Ptr, cOff, ldc int) bool {
	if !gemmOK(m, n, k, ldc) {
		return false
	}
	pa, tempA := be.packAt(mem, transA, m, k, a, aOff, lda)
	pb, tempB := be.packAt(mem, transB, k, n, b, bOff, ldb)
	pt := mem.Alloc(m * n)
	cfg, kern := be.gemmKernel(m, n, k, pt, pa, pb)
	be.run("Gemm", kern, mem, cfg.Grid(m, n), ptx.D1(uint32(cfg.Threads())), pt, pa, pb, uint32(m), uint32(n), uint32(k))
	if tempA {
		mem.Free(pa)
	}
	if tempB {
		mem.Free(pb)
	}
	epi := be.epi[0]
	if beta != 0 {
		epi = be.epi[1]
	}
	grid, block := launch3(n, m, 1)
	be.run("Gemm", epi, mem, grid, block, at(c, cOff), pt, uint32(n), uint32(m), uint32(ldc), alpha, beta)
	mem.Free(pt)
	return true
}

// Gemm implements tensor.Backend: op(A) and op(B) are packed dense, the
// tiled SGEMM forms their product T, and an epilogue kernel writes
// alpha·T + beta·C into C's rows. Empty products are the reference's.
func (be *Backend) Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !gemmOK(m, n, k, ldc) {
		be.CPU.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	mem := interp{new(ptx.Memory)}
	pa := mem.AllocF32(a[:opSpan(transA, m, k, lda)])
	pb := mem.AllocF32(b[:opSpan(transB, k, n, ldb)])
	span := (m-1)*ldc + n
	pc := mem.AllocF32(c[:span])
	be.gemmAt(mem, transA, transB, m, n, k, alpha, pa, 0, lda, pb, 0, ldb, beta, pc, 0, ldc)
	res := mem.ReadF32(pc)
	for i := range m { // C's rows only: the padding between them is not ours
		copy(c[i*ldc:i*ldc+n], res[i*ldc:i*ldc+n])
	}
}
