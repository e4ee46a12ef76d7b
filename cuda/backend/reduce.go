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

// Reduce implements tensor.Backend: sums over trailing axes run on
// kernels — the whole tensor on kernels.Sum's two passes, rows on the row
// sum; max, min and other axis sets are the reference's.
func (be *Backend) Reduce(op tensor.ReduceOp, x *tensor.Tensor, reduce []bool, out *tensor.Tensor) {
	rows, n, ok := trailing(x.Shape(), reduce)
	if op != tensor.OpSum || !ok || x.Len() == 0 || x.Len() > maxElems {
		be.CPU.Reduce(op, x, reduce, out)
		return
	}
	var m ptx.Memory
	in := m.AllocF32(x.Borrow())
	if rows == 1 {
		blocks := kernels.SumBlocks(n)
		partial, total := m.Alloc(blocks), m.Alloc(1)
		be.run("Reduce", be.sum, &m, ptx.D1(uint32(blocks)), ptx.D1(kernels.SumBlock), partial, in, uint32(n))
		be.run("Reduce", be.sum, &m, ptx.D1(1), ptx.D1(kernels.SumBlock), total, partial, uint32(blocks))
		out.Borrow()[0] = m.ReadF32(total)[0]
		return
	}
	po := m.Alloc(rows)
	be.run("Reduce", be.rowSum, &m, ptx.D1(uint32(min(rows, maxGrid))), ptx.D1(rowSumBlock), po, in, uint32(rows), uint32(n))
	copy(out.Borrow(), m.ReadF32(po))
}
