package backend

import (
	"github.com/modeldoctor/modeldoctor/cuda/kernels"
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// trailing reports whether the reduced axes of shape are its last ones
// (size-1 axes aside), and if so the number of kept rows and the length
// of each reduced run.
func trailing(shape []int, reduce []bool) (rows, n int, ok bool) {
	rows, n = 1, 1
	seen := false
	for i, d := range shape {
		switch {
		case d == 1:
		case reduce[i]:
			seen = true
			n *= d
		case seen:
			return 0, 0, false
		default:
			rows *= d
		}
	}
	return rows, n, true
}

// reduceOK reports whether reduceAt runs: a sum over trailing axes of a
// tensor that is neither empty nor past 32-bit indexing.
func reduceOK(op tensor.ReduceOp, shape []int, reduce []bool) bool {
	_, _, ok := trailing(shape, reduce)
	n := tensor.Numel(shape)
	return op == tensor.OpSum && ok && n > 0 && n <= maxElems
}

// reduceAt writes the sums of x (shape, reducing the axes marked in
// reduce) into out, one word per kept row: over everything on
// kernels.Sum's two passes (its partials a temporary buffer), per row on
// the row sum. It returns false, launching nothing, where reduceOK does.
func (be *Backend) reduceAt(m machine, op tensor.ReduceOp, out, x ptx.Ptr, shape []int, reduce []bool) bool {
	if !reduceOK(op, shape, reduce) {
		return false
	}
	rows, n, _ := trailing(shape, reduce)
	if rows == 1 {
		blocks := kernels.SumBlocks(n)
		partial := m.Alloc(blocks)
		be.run("Reduce", be.sum, m, ptx.D1(uint32(blocks)), ptx.D1(kernels.SumBlock), partial, x, uint32(n))
		be.run("Reduce", be.sum, m, ptx.D1(1), ptx.D1(kernels.SumBlock), out, partial, uint32(blocks))
		m.Free(partial)
		return true
	}
	be.run("Reduce", be.rowSum, m, ptx.D1(uint32(min(rows, maxGrid))), ptx.D1(rowSumBlock), out, x, uint32(rows), uint32(n))
	return true
}

// Reduce implements tensor.Backend: sums over trailing axes run on
// kernels — the whole tensor on kernels.Sum's two passes, rows on the row
// sum; max, min and other axis sets are the reference's.
func (be *Backend) Reduce(op tensor.ReduceOp, x *tensor.Tensor, reduce []bool, out *tensor.Tensor) {
	if !reduceOK(op, x.Shape(), reduce) {
		be.CPU.Reduce(op, x, reduce, out)
		return
	}
	m := interp{new(ptx.Memory)}
	px, po := m.AllocF32(x.Borrow()), m.Alloc(out.Len())
	be.reduceAt(m, op, po, px, x.Shape(), reduce)
	m.ReadF32Into(out.Borrow(), po)
}
