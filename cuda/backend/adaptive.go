package backend

import (
	"math/bits"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// adaptiveSpan is PyTorch's adaptive window [⌊o·n/m⌋, ⌈(o+1)·n/m⌉) of
// output o of m over an axis of n; its numerators stay below 2^nbits.
// The same formula with n and m swapped gives the outputs whose windows
// hold input i.
func adaptiveSpan(b *ptx.Builder, o, m, n, nbits ptx.U32) (lo, hi ptx.U32) {
	lo = divU32(b, b.MulU32(o, n), m, nbits)
	end := b.MadU32(b.AddU32(o, ptx.ImmU32(1)), n, b.SubU32(m, ptx.ImmU32(1)))
	return lo, divU32(b, end, m, nbits)
}

// adaptiveParams declares (planes, h, w, ho, wo, nbits).
func adaptiveParams(b *ptx.Builder) (planes, h, w, ho, wo, nbits ptx.U32) {
	return b.ParamU32("planes"), b.ParamU32("h"), b.ParamU32("w"), b.ParamU32("ho"), b.ParamU32("wo"), b.ParamU32("nbits")
}

// adaptiveAvg builds the adaptive averages, one thread an output, summed
// in the reference's order and divided exactly (see divide). Params (out,
// x, tab, planes, h, w, ho, wo, nbits).
func adaptiveAvg() *ptx.Kernel {
	b := ptx.New("adaptive_avg_pool2d_f32")
	out, x, tab := b.ParamPtr("out"), b.ParamPtr("x"), b.ParamPtr("tab")
	planes, h, w, ho, wo, nbits := adaptiveParams(b)
	grid3(b, wo, ho, planes, func(ox, oy, pl ptx.U32) {
		y0, y1 := adaptiveSpan(b, oy, ho, h, nbits)
		x0, x1 := adaptiveSpan(b, ox, wo, w, nbits)
		base := b.MulU32(b.MulU32(pl, h), w)
		s := b.NewF32()
		b.MovF32To(s, ptx.ImmF32(0))
		loop(b, y1, y0, ptx.ImmU32(1), func(iy ptx.U32) {
			row := b.MadU32(iy, w, base)
			loop(b, x1, x0, ptx.ImmU32(1), func(ix ptx.U32) {
				b.AddF32To(s, s, b.LdGlobalF32(b.Index4(x, b.AddU32(row, ix)), 0))
			})
		})
		count := b.MulU32(b.SubU32(y1, y0), b.SubU32(x1, x0))
		b.StGlobalF32(b.Index4(out, b.MadU32(b.MadU32(pl, ho, oy), wo, ox)), 0, divide(b, s, count, tab))
	})
	return b.Build()
}

// adaptiveAvgT builds the adjoint as a gather: each input pixel adds
// gy/count of every window holding it to its current value, in ascending
// output order, as the reference's scatter reaches it. Params (gx, gy,
// tab, planes, h, w, ho, wo, nbits).
func adaptiveAvgT() *ptx.Kernel {
	b := ptx.New("adaptive_avg_pool2d_transpose_f32")
	gx, gy, tab := b.ParamPtr("gx"), b.ParamPtr("gy"), b.ParamPtr("tab")
	planes, h, w, ho, wo, nbits := adaptiveParams(b)
	grid3(b, w, h, planes, func(ix, iy, pl ptx.U32) {
		oy0, oy1 := adaptiveSpan(b, iy, h, ho, nbits)
		ox0, ox1 := adaptiveSpan(b, ix, w, wo, nbits)
		at := b.Index4(gx, b.MadU32(b.MadU32(pl, h, iy), w, ix))
		acc := b.LdGlobalF32(at, 0)
		gyPlane := b.MulU32(b.MulU32(pl, ho), wo)
		loop(b, oy1, oy0, ptx.ImmU32(1), func(oy ptx.U32) {
			y0, y1 := adaptiveSpan(b, oy, ho, h, nbits)
			loop(b, ox1, ox0, ptx.ImmU32(1), func(ox ptx.U32) {
				x0, x1 := adaptiveSpan(b, ox, wo, w, nbits)
				count := b.MulU32(b.SubU32(y1, y0), b.SubU32(x1, x0))
				v := b.LdGlobalF32(b.Index4(gy, b.MadU32(oy, wo, b.AddU32(gyPlane, ox))), 0)
				b.AddF32To(acc, acc, divide(b, v, count, tab))
			})
		})
		b.StGlobalF32(at, 0, acc)
	})
	return b.Build()
}

// adaptivePlan is the launch arguments after the pointers, the largest
// window's count (the division table's size) and whether the kernels can
// run: numerators must fit 32 bits.
func adaptivePlan(xs, ys []int) (args []any, maxCount int, ok bool) {
	h, w, ho, wo := xs[2], xs[3], ys[2], ys[3]
	n, m := xs[0]*xs[1]*h*w, ys[0]*ys[1]*ho*wo
	big := max((ho+1)*h+ho, (wo+1)*w+wo, (h+1)*ho+h, (w+1)*wo+w)
	if n == 0 || m == 0 || n > maxElems || m > maxElems || big > maxElems {
		return nil, 0, false
	}
	widest := func(in, out int) int {
		k := 0
		for o := range out {
			k = max(k, ((o+1)*in+out-1)/out-o*in/out)
		}
		return k
	}
	u := func(v int) uint32 { return uint32(v) }
	return []any{u(xs[0] * xs[1]), u(h), u(w), u(ho), u(wo), u(bits.Len(uint(big)))}, widest(h, ho) * widest(w, wo), true
}

// adaptiveOK reports whether the adaptive cores run for input and output
// shapes xs, ys: adaptivePlan's ok.
func adaptiveOK(xs, ys []int) bool {
	_, _, ok := adaptivePlan(xs, ys)
	return ok
}

// adaptiveAvgPool2DAt writes the adaptive averages of x (NCHW, shape xs)
// into out (shape ys); the division table is a temporary. It returns
// false, launching nothing, where adaptiveOK does.
func (be *Backend) adaptiveAvgPool2DAt(m machine, out, x ptx.Ptr, xs, ys []int) bool {
	args, maxCount, ok := adaptivePlan(xs, ys)
	if !ok {
		return false
	}
	tab := m.AllocF32(divTable(maxCount))
	grid, block := launch3(ys[3], ys[2], ys[0]*ys[1])
	be.run("AdaptiveAvgPool2D", be.pool.adaptive, m, grid, block, append([]any{out, x, tab}, args...)...)
	m.Free(tab)
	return true
}

// AdaptiveAvgPool2D implements tensor.Backend.
func (be *Backend) AdaptiveAvgPool2D(x *tensor.Tensor, out *tensor.Tensor) {
	if !adaptiveOK(x.Shape(), out.Shape()) {
		be.CPU.AdaptiveAvgPool2D(x, out)
		return
	}
	m := interp{new(ptx.Memory)}
	po := m.Alloc(out.Len())
	be.adaptiveAvgPool2DAt(m, po, m.AllocF32(x.Borrow()), x.Shape(), out.Shape())
	m.ReadF32Into(out.Borrow(), po)
}

// adaptiveAvgPool2DTransposeAt adds the adjoint of adaptive average
// pooling of gy (shape gys) into gx (shape gxs), as the reference does;
// the division table is a temporary. It returns false, launching nothing,
// where adaptiveOK(gxs, gys) does.
func (be *Backend) adaptiveAvgPool2DTransposeAt(m machine, gx, gy ptx.Ptr, gxs, gys []int) bool {
	args, maxCount, ok := adaptivePlan(gxs, gys)
	if !ok {
		return false
	}
	tab := m.AllocF32(divTable(maxCount))
	grid, block := launch3(gxs[3], gxs[2], gxs[0]*gxs[1])
	be.run("AdaptiveAvgPool2DTranspose", be.pool.adaptiveT, m, grid, block, append([]any{gx, gy, tab}, args...)...)
	m.Free(tab)
	return true
}

// AdaptiveAvgPool2DTranspose implements tensor.Backend: adds into gx, as
// the reference does.
func (be *Backend) AdaptiveAvgPool2DTranspose(gy *tensor.Tensor, gx *tensor.Tensor) {
	if !adaptiveOK(gx.Shape(), gy.Shape()) {
		be.CPU.AdaptiveAvgPool2DTranspose(gy, gx)
		return
	}
	m := interp{new(ptx.Memory)}
	pgx := m.AllocF32(gx.Borrow())
	be.adaptiveAvgPool2DTransposeAt(m, pgx, m.AllocF32(gy.Borrow()), gx.Shape(), gy.Shape())
	m.ReadF32Into(gx.Borrow(), pgx)
}
