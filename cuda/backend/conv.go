package backend

import (
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// convKernels are the convolution's own kernels; the products run on the
// backend's SGEMM.
type convKernels struct {
	im2col, col2im, gather3 *ptx.Kernel
}

// convPlan is one convolution's sizes: batch folded into the GEMMs'
// column axis (cols = N·ho·wo), one GEMM per group.
type convPlan struct {
	geom                     convGeom
	o, groups, cg, og, kk    int
	hw, cols                 int
	xLen, wLen, yLen, colLen int
}

// planConv reads the sizes off x's, w's and y's shapes; ok is false when
// some buffer is empty or past the kernels' 32-bit indexing.
func planConv(xs, ws, ys []int, p tensor.ConvParams) (c convPlan, ok bool) {
	n, ch, h, w := xs[0], xs[1], xs[2], xs[3]
	o, cg, kh, kw := ws[0], ws[1], ws[2], ws[3]
	ho, wo := ys[2], ys[3]
	u := func(v int) uint32 { return uint32(v) }
	c = convPlan{
		geom: convGeom{u(n), u(ch), u(h), u(w), u(kh), u(kw), u(ho), u(wo),
			u(p.StrideH), u(p.StrideW), u(p.PadH), u(p.PadW), u(p.DilationH), u(p.DilationW)},
		o: o, groups: p.Groups, cg: cg, og: o / p.Groups, kk: cg * kh * kw,
		hw: ho * wo, cols: n * ho * wo,
		xLen: n * ch * h * w, wLen: o * cg * kh * kw, yLen: n * o * ho * wo,
	}
	c.colLen = c.groups * c.kk * c.cols
	for _, v := range []int{c.xLen, c.wLen, c.yLen, c.colLen, (h + p.PadH) * (w + p.PadW) * ch * n} {
		if v == 0 || v > maxElems {
			return c, false
		}
	}
	return c, true
}

// convOK reports whether the convolution cores run for input, weight and
// output shapes xs, ws, ys: planConv's ok, false when some buffer is empty
// or past 32-bit indexing.
func convOK(xs, ws, ys []int, p tensor.ConvParams) bool {
	_, ok := planConv(xs, ws, ys, p)
	return ok
}

// im2col launches the patch kernel into a fresh buffer the caller frees:
// the matrices [G][kk][cols], or with trans their transposes
// [G][cols][kk].
func (be *Backend) im2col(op string, m machine, c convPlan, x ptx.Ptr, trans bool) ptx.Ptr {
	col := m.Alloc(c.colLen)
	rs, qs := c.cols, 1
	if trans {
		rs, qs = 1, c.kk
	}
	grid, block := launch3(int(c.geom.wo), int(c.geom.ho), c.cg)
	args := append([]any{col, x}, c.geom.args()...)
	args = append(args, uint32(c.groups), uint32(c.cg), uint32(c.kk*c.cols), uint32(rs), uint32(qs))
	be.run(op, be.conv.im2col, m, grid, block, args...)
	return col
}

// byChannel is gy [N,O,hw] as [O,N,hw], the GEMMs' row-per-channel
// layout: gy itself for one image (temp false), else a permuted copy the
// caller frees.
func (be *Backend) byChannel(op string, m machine, c convPlan, gy ptx.Ptr) (p ptx.Ptr, temp bool) {
	if c.geom.n == 1 {
		return gy, false
	}
	return be.permute(op, m, gy, c.hw, int(c.geom.n), c.o, 1, c.o*c.hw, c.hw), true
}

// The convolution cores take NCHW device buffers of the shapes planConv
// reads (x [N,C,H,W], w [O,C/G,kh,kw], y [N,O,ho,wo], as tensor checks
// them), write every element of their output, which must not overlap an
// input, and free their temporaries (patch matrices, permuted copies,
// products) before returning. They return false, launching nothing,
// where convOK does.

// A depthwise geometry (one input channel per group, groups == channels,
// any channel multiplier) takes depthwise.go's direct kernels instead, one
// launch per face; every other one the im2col/col2im path below.

// conv2DAt writes y = conv(x, w): im2col over the batch, one SGEMM per
// group (W_g · col_g), and for several images a permutation from [O,N,hw]
// to NCHW (one image's product is already y).
func (be *Backend) conv2DAt(m machine, y, x, w ptx.Ptr, xs, ws, ys []int, p tensor.ConvParams) bool {
	c, ok := planConv(xs, ws, ys, p)
	if !ok {
		return false
	}
	if c.depthwise() {
		be.dwForwardAt(m, c, y, x, w)
		return true
	}
	col := be.im2col("Conv2D", m, c, x, false)
	t := y
	if c.geom.n > 1 {
		t = m.Alloc(c.o * c.cols)
	}
	for g := range c.groups {
		be.sgemm("Conv2D", m, at(t, g*c.og*c.cols), at(w, g*c.og*c.kk), at(col, g*c.kk*c.cols), c.og, c.cols, c.kk)
	}
	m.Free(col)
	if c.geom.n > 1 {
		be.permuteInto("Conv2D", m, y, t, c.hw, c.o, int(c.geom.n), 1, c.cols, c.hw)
		m.Free(t)
	}
	return true
}

// Conv2D implements tensor.Backend: see conv2DAt.
func (be *Backend) Conv2D(x, w *tensor.Tensor, p tensor.ConvParams, out *tensor.Tensor) {
	if !convOK(x.Shape(), w.Shape(), out.Shape(), p) {
		be.CPU.Conv2D(x, w, p, out)
		return
	}
	m := interp{new(ptx.Memory)}
	px, pw, py := m.AllocF32(x.Borrow()), m.AllocF32(w.Borrow()), m.Alloc(out.Len())
	be.conv2DAt(m, py, px, pw, x.Shape(), w.Shape(), out.Shape(), p)
	m.ReadF32Into(out.Borrow(), py)
}

// conv2DInputGradAt writes gx, the input gradient of shape xs, from gy
// and w: per group col_g = W_gᵀ · gy_g (W transposed per group by a
// permutation), then col2im's gather, which overwrites every pixel.
func (be *Backend) conv2DInputGradAt(m machine, gx, gy, w ptx.Ptr, xs, ws, ys []int, p tensor.ConvParams) bool {
	c, ok := planConv(xs, ws, ys, p)
	if !ok {
		return false
	}
	if c.depthwise() {
		be.dwInputGradAt(m, c, gx, gy, w)
		return true
	}
	gyc, tempGy := be.byChannel("Conv2DInputGrad", m, c, gy)
	wt := be.permute("Conv2DInputGrad", m, w, c.og, c.kk, c.groups, c.kk, 1, c.og*c.kk)
	col := m.Alloc(c.colLen)
	for g := range c.groups {
		be.sgemm("Conv2DInputGrad", m, at(col, g*c.kk*c.cols), at(wt, g*c.kk*c.og), at(gyc, g*c.og*c.cols), c.kk, c.cols, c.og)
	}
	if tempGy {
		m.Free(gyc)
	}
	m.Free(wt)
	sh, sw := int(c.geom.sh), int(c.geom.sw)
	nqx, nqy := (int(c.geom.w+c.geom.pw)+sw-1)/sw, (int(c.geom.h+c.geom.ph)+sh-1)/sh
	dh, dw := int(c.geom.dh), int(c.geom.dw)
	grid, block := launch3(nqx, nqy, int(c.geom.c))
	args := append([]any{gx, col}, c.geom.args()...)
	args = append(args, uint32(dh/sh), uint32(dh%sh), uint32(dw/sw), uint32(dw%sw), uint32(nqx), uint32(nqy))
	be.run("Conv2DInputGrad", be.conv.col2im, m, grid, block, args...)
	m.Free(col)
	return true
}

// Conv2DInputGrad implements tensor.Backend: see conv2DInputGradAt.
func (be *Backend) Conv2DInputGrad(gy, w *tensor.Tensor, p tensor.ConvParams, gx *tensor.Tensor) {
	if !convOK(gx.Shape(), w.Shape(), gy.Shape(), p) {
		be.CPU.Conv2DInputGrad(gy, w, p, gx)
		return
	}
	m := interp{new(ptx.Memory)}
	pgy, pw, pgx := m.AllocF32(gy.Borrow()), m.AllocF32(w.Borrow()), m.Alloc(gx.Len())
	be.conv2DInputGradAt(m, pgx, pgy, pw, gx.Shape(), w.Shape(), gy.Shape(), p)
	m.ReadF32Into(gx.Borrow(), pgx)
}

// conv2DWeightGradAt writes gw, the weight gradient of shape ws, from x
// and gy: per group gw_g = gy_g · col_gᵀ, the batch folded into the
// product's inner axis, so each weight is one fma chain over images and
// positions in order.
func (be *Backend) conv2DWeightGradAt(m machine, gw, x, gy ptx.Ptr, xs, ws, ys []int, p tensor.ConvParams) bool {
	c, ok := planConv(xs, ws, ys, p)
	if !ok {
		return false
	}
	if c.depthwise() {
		be.dwWeightGradAt(m, c, gw, x, gy)
		return true
	}
	gyc, tempGy := be.byChannel("Conv2DWeightGrad", m, c, gy)
	colT := be.im2col("Conv2DWeightGrad", m, c, x, true)
	for g := range c.groups {
		be.sgemm("Conv2DWeightGrad", m, at(gw, g*c.og*c.kk), at(gyc, g*c.og*c.cols), at(colT, g*c.cols*c.kk), c.og, c.kk, c.cols)
	}
	if tempGy {
		m.Free(gyc)
	}
	m.Free(colT)
	return true
}

// Conv2DWeightGrad implements tensor.Backend: see conv2DWeightGradAt.
func (be *Backend) Conv2DWeightGrad(x, gy *tensor.Tensor, p tensor.ConvParams, gw *tensor.Tensor) {
	if !convOK(x.Shape(), gw.Shape(), gy.Shape(), p) {
		be.CPU.Conv2DWeightGrad(x, gy, p, gw)
		return
	}
	m := interp{new(ptx.Memory)}
	px, pgy, pgw := m.AllocF32(x.Borrow()), m.AllocF32(gy.Borrow()), m.Alloc(gw.Len())
	be.conv2DWeightGradAt(m, pgw, px, pgy, x.Shape(), gw.Shape(), gy.Shape(), p)
	m.ReadF32Into(gw.Borrow(), pgw)
}
