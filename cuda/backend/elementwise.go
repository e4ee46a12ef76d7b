package backend

import (
	"github.com/modeldoctor/modeldoctor/cuda/kernels"
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// unaryOf builds out[i] = f(x[i], p) with a grid-stride loop; params (out,
// x, p, n).
func unaryOf(name string, f func(b *ptx.Builder, x, p ptx.F32) ptx.F32) *ptx.Kernel {
	b := ptx.New(name)
	out, px := b.ParamPtr("out"), b.ParamPtr("x")
	p, n := b.ParamF32("p"), b.ParamU32("n")
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		b.StGlobalF32(b.Index4(out, i), 0, f(b, b.LdGlobalF32(b.Index4(px, i), 0), p))
	})
	return b.Build()
}

// unaryKernels are the unary ops with a kernel. Relu is not
// kernels.Relu: that one maps NaN to 0, while tensor's relu (torch's) lets
// NaN through, so here x <= 0 selects 0 and NaN, unordered, stays.
func unaryKernels() map[tensor.UnaryOp]*ptx.Kernel {
	zero := ptx.ImmF32(0)
	return map[tensor.UnaryOp]*ptx.Kernel{
		tensor.OpRelu: unaryOf("relu_nan_f32", func(b *ptx.Builder, x, _ ptx.F32) ptx.F32 {
			return b.SelpF32(b.SetpF32(ptx.LE, x, zero), zero, x)
		}),
		tensor.OpNeg: unaryOf("neg_f32", func(b *ptx.Builder, x, _ ptx.F32) ptx.F32 {
			return b.MulF32(x, ptx.ImmF32(-1)) // exact, and −0 for +0 as −x gives
		}),
		tensor.OpSquare: unaryOf("square_f32", func(b *ptx.Builder, x, _ ptx.F32) ptx.F32 {
			return b.MulF32(x, x)
		}),
		tensor.OpAddScalar: unaryOf("add_scalar_f32", (*ptx.Builder).AddF32),
		tensor.OpMulScalar: unaryOf("mul_scalar_f32", (*ptx.Builder).MulF32),
		tensor.OpRsubScalar: unaryOf("rsub_scalar_f32", func(b *ptx.Builder, x, p ptx.F32) ptx.F32 {
			return b.SubF32(p, x)
		}),
	}
}

// sub is out = a − b on dense operands, the cuda/kernels layout; params
// (out, a, b, n).
func sub() *ptx.Kernel {
	b := ptx.New("sub_f32")
	out, pa, pb := b.ParamPtr("out"), b.ParamPtr("a"), b.ParamPtr("b")
	n := b.ParamU32("n")
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		x := b.LdGlobalF32(b.Index4(pa, i), 0)
		y := b.LdGlobalF32(b.Index4(pb, i), 0)
		b.StGlobalF32(b.Index4(out, i), 0, b.SubF32(x, y))
	})
	return b.Build()
}

func stridedKernels() map[tensor.BinaryOp]*ptx.Kernel {
	return map[tensor.BinaryOp]*ptx.Kernel{
		tensor.OpAdd: stridedBinary("add_strided_f32", (*ptx.Builder).AddF32),
		tensor.OpSub: stridedBinary("sub_strided_f32", (*ptx.Builder).SubF32),
		tensor.OpMul: stridedBinary("mul_strided_f32", (*ptx.Builder).MulF32),
	}
}

// unaryOK reports whether unaryAt runs op on n elements: op has a kernel
// and n is neither 0 nor past the kernels' 32-bit indexing.
func (be *Backend) unaryOK(op tensor.UnaryOp, n int) bool {
	_, ok := be.unary[op]
	return ok && n > 0 && n <= maxElems
}

// unaryAt writes out[i] = op(x[i], p) for i < n, out and x n-word device
// buffers (out may be x). It returns false, launching nothing, where
// unaryOK does.
func (be *Backend) unaryAt(m machine, op tensor.UnaryOp, p float32, out, x ptx.Ptr, n int) bool {
	if !be.unaryOK(op, n) {
		return false
	}
	be.run("Unary", be.unary[op], m, ptx.D1(kernels.ElementwiseGrid(n)), ptx.D1(kernels.ElementwiseBlock), out, x, p, uint32(n))
	return true
}

// Unary implements tensor.Backend.
func (be *Backend) Unary(op tensor.UnaryOp, p float32, x, out *tensor.Tensor) {
	n := out.Len()
	if !be.unaryOK(op, n) {
		be.CPU.Unary(op, p, x, out)
		return
	}
	m := interp{new(ptx.Memory)}
	px, po := m.AllocF32(x.Borrow()), m.Alloc(n)
	be.unaryAt(m, op, p, po, px, n)
	m.ReadF32Into(out.Borrow(), po)
}

// binaryOK reports whether binaryAt runs op on these shapes: equal shapes
// on the dense kernels (Add, Sub, Mul), broadcasting on the strided ones
// (Add, Sub, Mul) when the shapes fold into three axes; nothing empty or
// past 32-bit indexing.
func (be *Backend) binaryOK(op tensor.BinaryOp, out, a, b []int) bool {
	_, _, ok := be.binaryPlan(op, out, a, b)
	return ok
}

// binaryPlan picks binaryAt's kernel: dense is true for the same-shape
// kernels, else f is the folded broadcast.
func (be *Backend) binaryPlan(op tensor.BinaryOp, out, a, b []int) (f folded, dense, ok bool) {
	n := tensor.Numel(out)
	if n == 0 || n > maxElems || tensor.Numel(a) > maxElems || tensor.Numel(b) > maxElems {
		return f, false, false
	}
	if _, ok := be.binary[op]; ok && tensor.SameShape(a, b) {
		return f, true, true
	}
	if _, ok := be.strided[op]; !ok {
		return f, false, false
	}
	f, ok = fold3(out, a, b)
	return f, false, ok
}

// binaryAt writes out = a op b, the device buffers holding tensors of the
// given shapes (a and b broadcast to out's; out may be a or b when it has
// the same shape). It returns false, launching nothing, where binaryOK
// does.
func (be *Backend) binaryAt(m machine, op tensor.BinaryOp, out, a, b ptx.Ptr, outShape, aShape, bShape []int) bool {
	f, dense, ok := be.binaryPlan(op, outShape, aShape, bShape)
	if !ok {
		return false
	}
	if dense {
		n := tensor.Numel(outShape)
		be.run("Binary", be.binary[op], m, ptx.D1(kernels.ElementwiseGrid(n)), ptx.D1(kernels.ElementwiseBlock), out, a, b, uint32(n))
		return true
	}
	grid, block := launch3(f.size[2], f.size[1], f.size[0])
	u := func(v int) uint32 { return uint32(v) }
	be.run("Binary", be.strided[op], m, grid, block, out, a, b,
		u(f.size[2]), u(f.size[1]), u(f.size[0]),
		u(f.sa[2]), u(f.sa[1]), u(f.sa[0]), u(f.sb[2]), u(f.sb[1]), u(f.sb[0]))
	return true
}

// Binary implements tensor.Backend: equal shapes run the dense kernels,
// broadcasting the strided ones when the shapes fold into three axes.
func (be *Backend) Binary(op tensor.BinaryOp, a, b, out *tensor.Tensor) {
	if !be.binaryOK(op, out.Shape(), a.Shape(), b.Shape()) {
		be.CPU.Binary(op, a, b, out)
		return
	}
	m := interp{new(ptx.Memory)}
	pa, pb, po := m.AllocF32(a.Borrow()), m.AllocF32(b.Borrow()), m.Alloc(out.Len())
	be.binaryAt(m, op, po, pa, pb, out.Shape(), a.Shape(), b.Shape())
	m.ReadF32Into(out.Borrow(), po)
}
