package backend

import (
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// avgPool builds the window averages, one thread an output: the window
// summed in the reference's order from 0, divided by its count (see
// divide), so the result is the reference's to the bit. Params (out, x,
// tab, geometry…, includePad).
func avgPool() *ptx.Kernel {
	b := ptx.New("avg_pool2d_f32")
	out, x, tab := b.ParamPtr("out"), b.ParamPtr("x"), b.ParamPtr("tab")
	g := poolParams(b)
	includePad := b.ParamU32("include_pad")
	grid3(b, g.wo, g.ho, g.planes, func(ox, oy, pl ptx.U32) {
		y0, y1, x0, x1, count := avgCount(b, g, includePad, oy, ox)
		base := b.MulU32(b.MulU32(pl, g.h), g.w)
		s := b.NewF32()
		b.MovF32To(s, ptx.ImmF32(0))
		loop(b, y1, y0, ptx.ImmU32(1), func(iy ptx.U32) {
			row := b.MadU32(iy, g.w, base)
			loop(b, x1, x0, ptx.ImmU32(1), func(ix ptx.U32) {
				b.AddF32To(s, s, b.LdGlobalF32(b.Index4(x, b.AddU32(row, ix)), 0))
			})
		})
		o := b.MadU32(b.MadU32(pl, g.ho, oy), g.wo, ox)
		b.StGlobalF32(b.Index4(out, o), 0, divide(b, s, count, tab))
	})
	return b.Build()
}

// avgPoolT builds the adjoint as a gather: each input pixel adds gy/count
// of every window holding it to its current value, windows in ascending
// output order — the order in which the reference's scatter reaches it,
// so the bits match. Pixel iy is in window oy when iy + ph − ki = oy·sh
// for a tap ki < kh; a thread takes iy + ph = qy·sh + ry for one qy and
// every ry < sh and walks ki down from kh−1 (oy up) in quotient and
// remainder, dividing nothing. Params (gx, gy, tab, geometry…,
// includePad, dqh, drh, dqw, drw, nqx, nqy) with (dq, dr) = divmod(k−1, s)
// and nq = ⌈(n + p)/s⌉.
func avgPoolT() *ptx.Kernel {
	b := ptx.New("avg_pool2d_transpose_f32")
	gx, gy, tab := b.ParamPtr("gx"), b.ParamPtr("gy"), b.ParamPtr("tab")
	g := poolParams(b)
	includePad := b.ParamU32("include_pad")
	dqh, drh, dqw, drw := b.ParamU32("dqh"), b.ParamU32("drh"), b.ParamU32("dqw"), b.ParamU32("drw")
	nqx, nqy := b.ParamU32("nqx"), b.ParamU32("nqy")
	one, zero := ptx.ImmU32(1), ptx.ImmU32(0)
	grid3(b, nqx, nqy, g.planes, func(qx, qy, pl ptx.U32) {
		gyPlane := b.MulU32(b.MulU32(pl, g.ho), g.wo)
		loop(b, g.sh, zero, one, func(ry ptx.U32) {
			iy := b.SubU32(b.MadU32(qy, g.sh, ry), g.ph)
			b.If(b.SetpU32(ptx.LT, iy, g.h), func() {
				loop(b, g.sw, zero, one, func(rx ptx.U32) {
					ix := b.SubU32(b.MadU32(qx, g.sw, rx), g.pw)
					b.If(b.SetpU32(ptx.LT, ix, g.w), func() {
						at := b.Index4(gx, b.MadU32(b.MadU32(pl, g.h, iy), g.w, ix))
						acc := b.LdGlobalF32(at, 0)
						ty := newQR(b, qy, ry)
						ty.down(b, dqh, drh, g.sh)
						loop(b, g.kh, zero, one, func(ptx.U32) {
							b.If(ty.hits(b, g.ho), func() {
								tx := newQR(b, qx, rx)
								tx.down(b, dqw, drw, g.sw)
								loop(b, g.kw, zero, one, func(ptx.U32) {
									b.If(tx.hits(b, g.wo), func() {
										_, _, _, _, count := avgCount(b, g, includePad, ty.q, tx.q)
										v := b.LdGlobalF32(b.Index4(gy, b.MadU32(ty.q, g.wo, b.AddU32(gyPlane, tx.q))), 0)
										b.AddF32To(acc, acc, divide(b, v, count, tab))
									})
									tx.up(b, g.sw)
								})
							})
							ty.up(b, g.sh)
						})
						b.StGlobalF32(at, 0, acc)
					})
				})
			})
		})
	})
	return b.Build()
}

func b2u(v bool) uint32 {
	if v {
		return 1
	}
	return 0
}

// poolOK reports whether avgPool2DAt and avgPool2DTransposeAt run for
// input and output shapes xs, ys: planPool's ok, false for empty or
// oversized tensors.
func poolOK(xs, ys []int, p tensor.PoolParams) bool {
	_, ok := planPool(xs, ys, p)
	return ok
}

// avgPool2DAt writes the window averages of x (NCHW, shape xs) into out
// (shape ys); the division table is a temporary. It returns false,
// launching nothing, where poolOK does.
func (be *Backend) avgPool2DAt(m machine, out, x ptx.Ptr, xs, ys []int, p tensor.PoolParams) bool {
	g, ok := planPool(xs, ys, p)
	if !ok {
		return false
	}
	tab := m.AllocF32(divTable(p.KH * p.KW))
	grid, block := launch3(int(g.wo), int(g.ho), int(g.planes))
	args := append([]any{out, x, tab}, g.args()...)
	be.run("AvgPool2D", be.pool.avg, m, grid, block, append(args, b2u(p.CountIncludePad))...)
	m.Free(tab)
	return true
}

// AvgPool2D implements tensor.Backend.
func (be *Backend) AvgPool2D(x *tensor.Tensor, p tensor.PoolParams, out *tensor.Tensor) {
	if !poolOK(x.Shape(), out.Shape(), p) {
		be.CPU.AvgPool2D(x, p, out)
		return
	}
	m := interp{new(ptx.Memory)}
	po := m.Alloc(out.Len())
	be.avgPool2DAt(m, po, m.AllocF32(x.Borrow()), x.Shape(), out.Shape(), p)
	m.ReadF32Into(out.Borrow(), po)
}

// avgPool2DTransposeAt adds the adjoint of average pooling of gy (shape
// gys) into gx (shape gxs), as the reference does; the division table is
// a temporary. It returns false, launching nothing, where poolOK(gxs, gys,
// p) does.
func (be *Backend) avgPool2DTransposeAt(m machine, gx, gy ptx.Ptr, gxs, gys []int, p tensor.PoolParams) bool {
	g, ok := planPool(gxs, gys, p)
	if !ok {
		return false
	}
	tab := m.AllocF32(divTable(p.KH * p.KW))
	nqx, nqy := (int(g.w)+p.PadW+p.StrideW-1)/p.StrideW, (int(g.h)+p.PadH+p.StrideH-1)/p.StrideH
	grid, block := launch3(nqx, nqy, int(g.planes))
	args := append([]any{gx, gy, tab}, g.args()...)
	args = append(args, b2u(p.CountIncludePad),
		uint32((p.KH-1)/p.StrideH), uint32((p.KH-1)%p.StrideH), uint32((p.KW-1)/p.StrideW), uint32((p.KW-1)%p.StrideW),
		uint32(nqx), uint32(nqy))
	be.run("AvgPool2DTranspose", be.pool.avgT, m, grid, block, args...)
	m.Free(tab)
	return true
}

// AvgPool2DTranspose implements tensor.Backend: adds into gx, as the
// reference does.
func (be *Backend) AvgPool2DTranspose(gy *tensor.Tensor, p tensor.PoolParams, gx *tensor.Tensor) {
	if !poolOK(gx.Shape(), gy.Shape(), p) {
		be.CPU.AvgPool2DTranspose(gy, p, gx)
		return
	}
	m := interp{new(ptx.Memory)}
	pgx := m.AllocF32(gx.Borrow())
	be.avgPool2DTransposeAt(m, pgx, m.AllocF32(gy.Borrow()), gx.Shape(), gy.Shape(), p)
	m.ReadF32Into(gx.Borrow(), pgx)
}
