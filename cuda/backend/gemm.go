package backend

import (
	"github.com/modeldoctor/modeldoctor/cuda/kernels"
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// smallGemm is the size (M·N) below which the small tiling runs: the
// default 128×128 tile would leave most of its 256 threads idle, and the
// interpreter runs idle threads too.
const smallGemm = 128 * 128

// pack uploads the rows×cols matrix op(X) of x (leading dimension ld,
// transposed if trans) as a dense row-major buffer: directly when it
// already is one, else through the gather kernel.
func (be *Backend) pack(m *ptx.Memory, trans bool, rows, cols int, x []float32, ld int) ptx.Ptr {
	if !trans && ld == cols {
		return m.AllocF32(x[:rows*cols])
	}
	sx, sy, span := 1, ld, (rows-1)*ld+cols // x[i·ld + j]
	if trans {
		sx, sy, span = ld, 1, (cols-1)*ld+rows // x[j·ld + i]
	}
	src, dst := m.AllocF32(x[:span]), m.Alloc(rows*cols)
	grid, block := launch3(cols, rows, 1)
	be.run("Gemm", be.gather, m, grid, block, dst, src, uint32(cols), uint32(rows), uint32(sx), uint32(sy))
	return dst
}

// Gemm implements tensor.Backend: op(A) and op(B) are packed dense, the
// tiled SGEMM forms their product T, and an epilogue kernel writes
// alpha·T + beta·C into C's rows. Empty products are the reference's.
func (be *Backend) Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 || k == 0 || m*k > maxElems || k*n > maxElems || m*ldc > maxElems {
		be.CPU.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	var mem ptx.Memory
	pa := be.pack(&mem, transA, m, k, a, lda)
	pb := be.pack(&mem, transB, k, n, b, ldb)
	pt := mem.Alloc(m * n)
	cfg, kern := kernels.SmallSgemm, be.small
	if m*n >= smallGemm {
		cfg, kern = kernels.DefaultSgemm, be.large
	}
	be.run("Gemm", kern, &mem, cfg.Grid(m, n), ptx.D1(uint32(cfg.Threads())), pt, pa, pb, uint32(m), uint32(n), uint32(k))

	span := (m-1)*ldc + n
	pc, epi := mem.AllocF32(c[:span]), be.epi[0]
	if beta != 0 {
		epi = be.epi[1]
	}
	grid, block := launch3(n, m, 1)
	be.run("Gemm", epi, &mem, grid, block, pc, pt, uint32(n), uint32(m), uint32(ldc), alpha, beta)
	res := mem.ReadF32(pc)
	for i := range m { // C's rows only: the padding between them is not ours
		copy(c[i*ldc:i*ldc+n], res[i*ldc:i*ldc+n])
	}
}
