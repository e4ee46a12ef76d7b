package tensor

import "fmt"

// MatMul multiplies the last two axes of a [..., m, k] and b [..., k, n],
// broadcasting the leading (batch) axes (torch.matmul for rank ≥ 2).
func MatMul(a, b *Tensor) *Tensor { return MatMulT(a, b, false, false) }

// MatMulT is MatMul with either operand's last two axes transposed first.
func MatMulT(a, b *Tensor, transA, transB bool) *Tensor {
	if len(a.shape) < 2 || len(b.shape) < 2 {
		panic(fmt.Sprintf("tensor.MatMul: operands %v and %v need at least 2 dimensions", a.shape, b.shape))
	}
	ra, rb := len(a.shape), len(b.shape)
	m, k := a.shape[ra-2], a.shape[ra-1]
	if transA {
		m, k = k, m
	}
	k2, n := b.shape[rb-2], b.shape[rb-1]
	if transB {
		k2, n = n, k2
	}
	if k != k2 {
		panic(fmt.Sprintf("tensor.MatMul: inner sizes differ: %v (transposed %v) × %v (transposed %v)", a.shape, transA, b.shape, transB))
	}
	batch, err := BroadcastShapes(a.shape[:ra-2], b.shape[:rb-2])
	if err != nil {
		panic(fmt.Sprintf("tensor.MatMul: batch axes of %v and %v: %v", a.shape, b.shape, err))
	}
	if be := deviceOf("MatMul", a, b); be != nil {
		return dev2(be, "MatMul", MatMulArgs{transA, transB}, a, b, append(cloneInts(batch), m, n), func(a, b *Tensor) *Tensor { return MatMulT(a, b, transA, transB) })
	}
	out := Zeros(append(cloneInts(batch), m, n)...)
	nb := Numel(batch)
	// Map each output batch to its operand batches.
	sa := broadcastStrides(a.shape[:ra-2], batch)
	sb := broadcastStrides(b.shape[:rb-2], batch)
	lda, ldb := a.shape[ra-1], b.shape[rb-1]
	be := backend()
	for i := 0; i < nb; i++ {
		oa, ob, r := 0, 0, i
		for d := len(batch) - 1; d >= 0; d-- {
			x := r % batch[d]
			r /= batch[d]
			oa += x * sa[d]
			ob += x * sb[d]
		}
		be.Gemm(transA, transB, m, n, k, 1, a.data[oa*m*k:], lda, b.data[ob*k*n:], ldb, 0, out.data[i*m*n:], n)
	}
	return out
}

// Gemm implements Backend with a plain row-parallel loop (each row of C is
// computed by one goroutine in a fixed order).
func (CPU) Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	GemmNaive(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmNaive is the readable reference GEMM: C = alpha·op(A)·op(B) + beta·C,
// row-major, parallel over rows of C.
func GemmNaive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	parallelFor(m, n*k, func(lo, hi int) {
		acc := make([]float32, n)
		for i := lo; i < hi; i++ {
			for j := range acc {
				acc[j] = 0
			}
			for p := 0; p < k; p++ {
				var av float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if av == 0 {
					continue
				}
				if transB {
					for j := range acc {
						acc[j] += av * b[j*ldb+p]
					}
				} else {
					br := b[p*ldb : p*ldb+n]
					for j, bv := range br {
						acc[j] += av * bv
					}
				}
			}
			cr := c[i*ldc : i*ldc+n]
			for j := range cr {
				if beta == 0 {
					cr[j] = alpha * acc[j]
				} else {
					cr[j] = alpha*acc[j] + beta*cr[j]
				}
			}
		}
	})
}
