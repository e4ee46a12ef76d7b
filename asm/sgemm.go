package asm

import "fmt"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices.
// op(A) is m×k, op(B) is k×n, C is m×n. lda/ldb/ldc are row strides of the
// stored matrices (A is stored k×m when transA is set, B is stored n×k when
// transB is set). When beta == 0, C is not read (NaNs in C are overwritten).
// It uses GOMAXPROCS workers.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	SgemmThreads(0, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmThreads is Sgemm with an explicit number of worker goroutines
// (<= 0 means GOMAXPROCS). The result does not depend on threads.
func SgemmThreads(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkDims(m, n, k)
	checkMatrix("A", transA, m, k, a, lda)
	checkMatrix("B", transB, k, n, b, ldb)
	checkMatrix("C", false, m, n, c, ldc)
	g := gemmArgs{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc}
	g.start(threads)
}

// SgemmSourceB is SgemmThreads with op(B) produced block by block by src
// instead of read from a stored matrix; see BSource. For the same values of
// B it gives bitwise the same result as SgemmThreads.
func SgemmSourceB(threads int, transA bool, m, n, k int, alpha float32, a []float32, lda int, src BSource, beta float32, c []float32, ldc int) {
	checkDims(m, n, k)
	checkMatrix("A", transA, m, k, a, lda)
	checkMatrix("C", false, m, n, c, ldc)
	if src == nil && m > 0 && n > 0 && k > 0 && alpha != 0 {
		panic("asm: nil BSource")
	}
	g := gemmArgs{transA: transA, m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, lda: lda, src: src, c: c, ldc: ldc}
	g.start(threads)
}

// SgemmSources is SgemmSourceB with op(A) produced on demand as well. at
// supplies the k×m matrix Aᵀ: at.Block(dst, p0, kc, i0, mc) writes
// dst[p*mc+i] = op(A)[i0+i][p0+p], which for mc equal to the kernel's tile
// height is exactly a packed A micro-panel, so no copy is made. With
// MatrixSource operands it gives bitwise the same result as SgemmThreads.
// The convolution's weight gradient uses it: its A is an im2col matrix
// read along the output positions.
func SgemmSources(threads int, m, n, k int, alpha float32, at, b BSource, beta float32, c []float32, ldc int) {
	checkDims(m, n, k)
	checkMatrix("C", false, m, n, c, ldc)
	if (at == nil || b == nil) && m > 0 && n > 0 && k > 0 && alpha != 0 {
		panic("asm: nil BSource")
	}
	g := gemmArgs{m: m, n: n, k: k, alpha: alpha, beta: beta, asrc: at, src: b, c: c, ldc: ldc}
	g.start(threads)
}

// start handles the degenerate shapes, then runs the blocked product.
func (g *gemmArgs) start(threads int) {
	switch {
	case g.m == 0 || g.n == 0:
		return
	case g.k == 0 || g.alpha == 0:
		// op(A)*op(B) contributes nothing; A and B are not read.
		scaleC(g.m, g.n, g.beta, g.c, g.ldc)
	default:
		g.run(threads)
	}
}

// scaleC sets C = beta*C, writing zeros (not reading C) when beta == 0.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

func checkDims(m, n, k int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("asm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
}

// checkMatrix validates the stored form of an operand whose op() is
// rows×cols: the stride must cover a stored row and the slice must hold
// the last element. The assembly kernels trust these checks.
func checkMatrix(name string, trans bool, rows, cols int, s []float32, ld int) {
	if trans {
		rows, cols = cols, rows
	}
	if ld < max(1, cols) {
		panic(fmt.Sprintf("asm: ld%s = %d, want >= %d", name, ld, max(1, cols)))
	}
	if rows > 0 && cols > 0 && len(s) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("asm: len(%s) = %d, want >= %d", name, len(s), (rows-1)*ld+cols))
	}
}
