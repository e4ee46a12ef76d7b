package kernels

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// ElementwiseBlock is the block size the elementwise kernels are tuned for;
// any block and grid size gives the same result (grid-stride loops).
const ElementwiseBlock = 256

// ElementwiseGrid is a grid size for n elements: enough blocks to cover n
// once, capped so that huge n loop inside the kernel instead.
func ElementwiseGrid(n int) uint32 {
	g := (n + ElementwiseBlock - 1) / ElementwiseBlock
	return uint32(min(max(g, 1), 65535))
}

// gridStride emits: for i := global thread index; i < n; i += total threads.
func gridStride(b *ptx.Builder, n ptx.U32, body func(i ptx.U32)) {
	i := b.NewU32()
	b.MovU32To(i, b.MadU32(b.Ctaid(ptx.X), b.Ntid(ptx.X), b.Tid(ptx.X)))
	stride := b.MulU32(b.Nctaid(ptx.X), b.Ntid(ptx.X))
	top, done := b.NewLabel(), b.NewLabel()
	b.Place(top)
	b.BraIf(b.SetpU32(ptx.GE, i, n), done)
	body(i)
	b.AddU32To(i, i, stride)
	b.Bra(top)
	b.Place(done)
}

// binary builds out[i] = f(a[i], b[i]) for i < n; params (out, a, b, n).
func binary(name string, f func(b *ptx.Builder, x, y ptx.F32) ptx.F32) *ptx.Kernel {
	b := ptx.New(name)
	out, pa, pb := b.ParamPtr("out"), b.ParamPtr("a"), b.ParamPtr("b")
	n := b.ParamU32("n")
	gridStride(b, n, func(i ptx.U32) {
		off := b.MulWideU32(i, ptx.ImmU32(4))
		x := b.LdGlobalF32(b.AddU64(pa, off), 0)
		y := b.LdGlobalF32(b.AddU64(pb, off), 0)
		b.StGlobalF32(b.AddU64(out, off), 0, f(b, x, y))
	})
	return b.Build()
}

// Add is out = a + b; params (out, a, b, n).
func Add() *ptx.Kernel { return binary("add_f32", (*ptx.Builder).AddF32) }

// Mul is out = a * b; params (out, a, b, n).
func Mul() *ptx.Kernel { return binary("mul_f32", (*ptx.Builder).MulF32) }

// ReluBackward is dx = dy where x > 0, else 0; params (dx, x, dy, n).
func ReluBackward() *ptx.Kernel {
	return binary("relu_backward_f32", func(b *ptx.Builder, x, dy ptx.F32) ptx.F32 {
		return b.SelpF32(b.SetpF32(ptx.GT, x, ptx.ImmF32(0)), dy, ptx.ImmF32(0))
	})
}

// Relu is out = x where x > 0, else 0 (NaN gives 0, as x > 0 is false);
// params (out, x, n).
func Relu() *ptx.Kernel {
	b := ptx.New("relu_f32")
	out, px := b.ParamPtr("out"), b.ParamPtr("x")
	n := b.ParamU32("n")
	gridStride(b, n, func(i ptx.U32) {
		off := b.MulWideU32(i, ptx.ImmU32(4))
		x := b.LdGlobalF32(b.AddU64(px, off), 0)
		y := b.SelpF32(b.SetpF32(ptx.GT, x, ptx.ImmF32(0)), x, ptx.ImmF32(0))
		b.StGlobalF32(b.AddU64(out, off), 0, y)
	})
	return b.Build()
}

// Axpy is y = alpha*x + y with one rounding (fma), the SGD step with
// alpha = -lr; params (y, x, alpha, n).
func Axpy() *ptx.Kernel {
	b := ptx.New("axpy_f32")
	py, px := b.ParamPtr("y"), b.ParamPtr("x")
	alpha := b.ParamF32("alpha")
	n := b.ParamU32("n")
	gridStride(b, n, func(i ptx.U32) {
		off := b.MulWideU32(i, ptx.ImmU32(4))
		ya := b.AddU64(py, off)
		x := b.LdGlobalF32(b.AddU64(px, off), 0)
		y := b.LdGlobalF32(ya, 0)
		b.StGlobalF32(ya, 0, b.FmaF32(alpha, x, y))
	})
	return b.Build()
}
