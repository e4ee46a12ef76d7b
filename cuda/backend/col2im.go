package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// col2im folds the patch matrices (im2col's layout, rows (c·kh + ki)·kw +
// kj across groups, N·ho·wo columns) back into an input gradient by
// gathering: each input pixel sums the entries that name it, taps in the
// reference's order (ki, then kj, ascending), from 0 — no scatter, no
// atomics. Pixel iy is hit by tap ki when iy + ph − ki·dh = oy·sh with 0 ≤
// oy < ho; a thread takes iy + ph = qy·sh + ry for one qy and every ry <
// sh, so walking ki down by dh = dqh·sh + drh keeps the quotient and
// remainder without dividing (the same across columns). Params (gx, col,
// geometry…, dqh, drh, dqw, drw, nqx,
// nqy).
func col2im() *ptx.Kernel {
	b := ptx.New("col2im_gather_f32")
	gx, col := b.ParamPtr("gx"), b.ParamPtr("col")
	g := convParams(b)
	dqh, drh, dqw, drw := b.ParamU32("dqh"), b.ParamU32("drh"), b.ParamU32("dqw"), b.ParamU32("drw")
	nqx, nqy := b.ParamU32("nqx"), b.ParamU32("nqy") // ⌈(w+pw)/sw⌉, ⌈(h+ph)/sh⌉
	one, zero := ptx.ImmU32(1), ptx.ImmU32(0)
	hw := b.MulU32(g.ho, g.wo)
	cols := b.MulU32(g.n, hw)
	grid3(b, nqx, nqy, g.c, func(qx, qy, c ptx.U32) {
		loop(b, g.sh, zero, one, func(ry ptx.U32) {
			iy := b.SubU32(b.MadU32(qy, g.sh, ry), g.ph)
			b.If(b.SetpU32(ptx.LT, iy, g.h), func() {
				loop(b, g.sw, zero, one, func(rx ptx.U32) {
					ix := b.SubU32(b.MadU32(qx, g.sw, rx), g.pw)
					b.If(b.SetpU32(ptx.LT, ix, g.w), func() {
						loop(b, g.n, zero, one, func(n ptx.U32) {
							acc := b.NewF32()
							b.MovF32To(acc, ptx.ImmF32(0))
							base := b.MulU32(n, hw)
							ty := newQR(b, qy, ry)
							loop(b, g.kh, zero, one, func(ki ptx.U32) {
								b.If(ty.hits(b, g.ho), func() {
									rowBase := b.MulU32(b.MadU32(c, g.kh, ki), g.kw)
									colBase := b.MadU32(ty.q, g.wo, base)
									tx := newQR(b, qx, rx)
									loop(b, g.kw, zero, one, func(kj ptx.U32) {
										b.If(tx.hits(b, g.wo), func() {
											at := b.MadU32(b.AddU32(rowBase, kj), cols, b.AddU32(colBase, tx.q))
											b.AddF32To(acc, acc, b.LdGlobalF32(b.Index4(col, at), 0))
										})
										tx.down(b, dqw, drw, g.sw)
									})
								})
								ty.down(b, dqh, drh, g.sh)
							})
							at := b.MadU32(b.MadU32(b.MadU32(n, g.c, c), g.h, iy), g.w, ix)
							b.StGlobalF32(b.Index4(gx, at), 0, acc)
						})
					})
				})
			})
		})
	})
	return b.Build()
}
