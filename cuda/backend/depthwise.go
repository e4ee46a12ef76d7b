package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// Direct depthwise convolution: groups == input channels > 1, one input
// channel per group (cg == 1), o = c·og outputs with og ≥ 1 kernels per
// input plane (a channel multiplier). im2col + one SGEMM per group would
// be one tiny product per channel; these kernels instead give each thread
// one output element and sum its taps directly, in the host reference's
// order (tensor.CPU: im2col + gemmSerial, col2im), with separate rounded
// multiplies and adds (mul.rn, add.rn: no contraction into fma), so the
// results are the reference's bits but for the sign of an exact zero:
//
//	forward       y[n,oc,oy,ox] = Σ over (ki, kj) ascending of
//	              w[oc,ki,kj]·x[n,c,iy,ix] from 0, padding taps adding
//	              w·0 as the reference's zero-filled patch does.
//	input grad    gx[n,c,iy,ix] = Σ over (ki, kj) ascending of the tap's
//	              t = Σ over j < og of w[c·og+j,ki,kj]·gy[n,c·og+j,oy,ox]
//	              (the reference's Wᵀ·gy entry), for the taps with
//	              iy + ph − ki·dh = oy·sh, 0 ≤ oy < ho (and likewise x).
//	weight grad   gw[oc,ki,kj] = Σ over n of (Σ over (oy, ox) in order of
//	              gy[n,oc,oy,ox]·x[n,c,iy,ix], 0 in the padding): the
//	              reference's per-image product added image by image.
//
// c = oc / og throughout. No atomics: every element is one thread's sum.
type dwKernels struct {
	fwd, inGrad, wGrad *ptx.Kernel
}

func newDwKernels() dwKernels {
	return dwKernels{fwd: dwForward(), inGrad: dwInputGrad(), wGrad: dwWeightGrad()}
}

func (k dwKernels) list() []*ptx.Kernel { return []*ptx.Kernel{k.fwd, k.inGrad, k.wGrad} }

// depthwise reports whether c's geometry takes the direct kernels: one
// input channel per group and several groups. A single-channel input
// (groups == channels == 1) keeps im2col: its one SGEMM has no launches
// to save, and the direct weight gradient's o·kh·kw threads would each
// sum the whole batch.
func (c convPlan) depthwise() bool {
	return c.cg == 1 && c.groups > 1 && c.groups == int(c.geom.c) && c.og >= 1 && c.o == c.groups*c.og
}

// dwForward: params (y, x, w, geometry…, og). A thread per output element
// (ox, oy, n·o + oc).
func dwForward() *ptx.Kernel {
	b := ptx.New("depthwise_fwd_f32")
	y, x, w := b.ParamPtr("y"), b.ParamPtr("src"), b.ParamPtr("wt")
	g := convParams(b)
	og := b.ParamU32("og")
	one, zero := ptx.ImmU32(1), ptx.ImmU32(0)
	o := b.MulU32(g.c, og)
	grid3(b, g.wo, g.ho, b.MulU32(g.n, o), func(ox, oy, z ptx.U32) {
		n, oc := b.DivU32(z, o), b.RemU32(z, o)
		c := b.DivU32(oc, og)
		plane := b.MulU32(b.MadU32(n, g.c, c), g.h)
		wRow := b.MulU32(oc, b.MulU32(g.kh, g.kw))
		acc := b.NewF32()
		b.MovF32To(acc, ptx.ImmF32(0))
		loop(b, g.kh, zero, one, func(ki ptx.U32) {
			iy := b.SubU32(b.MadU32(ki, g.dh, b.MulU32(oy, g.sh)), g.ph)
			inY := b.SetpU32(ptx.LT, iy, g.h)
			wk := b.MadU32(ki, g.kw, wRow)
			loop(b, g.kw, zero, one, func(kj ptx.U32) {
				ix := b.SubU32(b.MadU32(kj, g.dw, b.MulU32(ox, g.sw)), g.pw)
				v := b.NewF32()
				b.MovF32To(v, ptx.ImmF32(0))
				b.If(b.AndPred(inY, b.SetpU32(ptx.LT, ix, g.w)), func() {
					b.LdGlobalF32To(v, b.Index4(x, b.MadU32(b.AddU32(plane, iy), g.w, ix)), 0)
				})
				wv := b.LdGlobalF32(b.Index4(w, b.AddU32(wk, kj)), 0)
				b.AddF32To(acc, acc, b.MulF32(wv, v))
			})
		})
		at := b.MadU32(b.MadU32(z, g.ho, oy), g.wo, ox)
		b.StGlobalF32(b.Index4(y, at), 0, acc)
	})
	return b.Build()
}

// dwInputGrad: params (gx, gy, w, geometry…, og). A thread per input
// pixel (ix, iy, n·c + c) gathers the output gradients of the taps that
// read it. A tap's ty = iy + ph − ki·dh is a real row only below h + ph
// (a "negative" one wraps past 2³¹), and then names output row ty/sh
// when sh divides it and the quotient is below ho.
func dwInputGrad() *ptx.Kernel {
	b := ptx.New("depthwise_input_grad_f32")
	gx, gy, w := b.ParamPtr("gx"), b.ParamPtr("gy"), b.ParamPtr("wt")
	g := convParams(b)
	og := b.ParamU32("og")
	one, zero := ptx.ImmU32(1), ptx.ImmU32(0)
	kk := b.MulU32(g.kh, g.kw)
	hw := b.MulU32(g.ho, g.wo)
	limY, limX := b.AddU32(g.h, g.ph), b.AddU32(g.w, g.pw)
	grid3(b, g.w, g.h, b.MulU32(g.n, g.c), func(ix, iy, z ptx.U32) {
		n, c := b.DivU32(z, g.c), b.RemU32(z, g.c)
		oc0 := b.MulU32(c, og)
		// gy's first plane of this input channel: [n, c·og].
		gyBase := b.MulU32(b.MadU32(n, b.MulU32(g.c, og), oc0), hw)
		acc := b.NewF32()
		b.MovF32To(acc, ptx.ImmF32(0))
		loop(b, g.kh, zero, one, func(ki ptx.U32) {
			ty := b.SubU32(b.AddU32(iy, g.ph), b.MulU32(ki, g.dh))
			b.If(b.SetpU32(ptx.LT, ty, limY), func() {
				oy := b.DivU32(ty, g.sh)
				okY := b.AndPred(b.SetpU32(ptx.EQ, b.MulU32(oy, g.sh), ty), b.SetpU32(ptx.LT, oy, g.ho))
				b.If(okY, func() {
					loop(b, g.kw, zero, one, func(kj ptx.U32) {
						tx := b.SubU32(b.AddU32(ix, g.pw), b.MulU32(kj, g.dw))
						b.If(b.SetpU32(ptx.LT, tx, limX), func() {
							ox := b.DivU32(tx, g.sw)
							okX := b.AndPred(b.SetpU32(ptx.EQ, b.MulU32(ox, g.sw), tx), b.SetpU32(ptx.LT, ox, g.wo))
							b.If(okX, func() {
								pix := b.MadU32(oy, g.wo, ox)
								tap := b.MadU32(ki, g.kw, kj)
								t := b.NewF32()
								b.MovF32To(t, ptx.ImmF32(0))
								loop(b, og, zero, one, func(j ptx.U32) {
									oc := b.AddU32(oc0, j)
									wv := b.LdGlobalF32(b.Index4(w, b.MadU32(oc, kk, tap)), 0)
									gv := b.LdGlobalF32(b.Index4(gy, b.MadU32(j, hw, b.AddU32(gyBase, pix))), 0)
									b.AddF32To(t, t, b.MulF32(wv, gv))
								})
								b.AddF32To(acc, acc, t)
							})
						})
					})
				})
			})
		})
		at := b.MadU32(b.MadU32(z, g.h, iy), g.w, ix)
		b.StGlobalF32(b.Index4(gx, at), 0, acc)
	})
	return b.Build()
}

// dwWeightGrad: params (gw, x, gy, geometry…, og). A thread per weight
// (kj, ki, oc) sums over images in order, each image's positions in order
// into a partial sum from 0 that is then added to the total.
func dwWeightGrad() *ptx.Kernel {
	b := ptx.New("depthwise_weight_grad_f32")
	gw, x, gy := b.ParamPtr("gw"), b.ParamPtr("src"), b.ParamPtr("gy")
	g := convParams(b)
	og := b.ParamU32("og")
	one, zero := ptx.ImmU32(1), ptx.ImmU32(0)
	o := b.MulU32(g.c, og)
	grid3(b, g.kw, g.kh, o, func(kj, ki, oc ptx.U32) {
		c := b.DivU32(oc, og)
		acc := b.NewF32()
		b.MovF32To(acc, ptx.ImmF32(0))
		loop(b, g.n, zero, one, func(n ptx.U32) {
			plane := b.MulU32(b.MadU32(n, g.c, c), g.h)
			gyPlane := b.MulU32(b.MadU32(n, o, oc), g.ho)
			part := b.NewF32()
			b.MovF32To(part, ptx.ImmF32(0))
			loop(b, g.ho, zero, one, func(oy ptx.U32) {
				iy := b.SubU32(b.MadU32(ki, g.dh, b.MulU32(oy, g.sh)), g.ph)
				inY := b.SetpU32(ptx.LT, iy, g.h)
				gyRow := b.MulU32(b.AddU32(gyPlane, oy), g.wo)
				loop(b, g.wo, zero, one, func(ox ptx.U32) {
					ix := b.SubU32(b.MadU32(kj, g.dw, b.MulU32(ox, g.sw)), g.pw)
					v := b.NewF32()
					b.MovF32To(v, ptx.ImmF32(0))
					b.If(b.AndPred(inY, b.SetpU32(ptx.LT, ix, g.w)), func() {
						b.LdGlobalF32To(v, b.Index4(x, b.MadU32(b.AddU32(plane, iy), g.w, ix)), 0)
					})
					gv := b.LdGlobalF32(b.Index4(gy, b.AddU32(gyRow, ox)), 0)
					b.AddF32To(part, part, b.MulF32(gv, v))
				})
			})
			b.AddF32To(acc, acc, part)
		})
		at := b.MadU32(b.MadU32(oc, g.kh, ki), g.kw, kj)
		b.StGlobalF32(b.Index4(gw, at), 0, acc)
	})
	return b.Build()
}

// The direct cores: c is planConv's plan of a depthwise geometry; each
// writes every element of its output with one launch and allocates
// nothing.

func (be *Backend) dwForwardAt(m machine, c convPlan, y, x, w ptx.Ptr) {
	grid, block := launch3(int(c.geom.wo), int(c.geom.ho), int(c.geom.n)*c.o)
	args := append([]any{y, x, w}, c.geom.args()...)
	be.run("Conv2D", be.dw.fwd, m, grid, block, append(args, uint32(c.og))...)
}

func (be *Backend) dwInputGradAt(m machine, c convPlan, gx, gy, w ptx.Ptr) {
	grid, block := launch3(int(c.geom.w), int(c.geom.h), int(c.geom.n*c.geom.c))
	args := append([]any{gx, gy, w}, c.geom.args()...)
	be.run("Conv2DInputGrad", be.dw.inGrad, m, grid, block, append(args, uint32(c.og))...)
}

func (be *Backend) dwWeightGradAt(m machine, c convPlan, gw, x, gy ptx.Ptr) {
	grid, block := launch3(int(c.geom.kw), int(c.geom.kh), c.o)
	args := append([]any{gw, x, gy}, c.geom.args()...)
	be.run("Conv2DWeightGrad", be.dw.wGrad, m, grid, block, append(args, uint32(c.og))...)
}
