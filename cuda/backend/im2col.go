package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// convGeom is the launch-time geometry the convolution kernels share, in
// the order they take it as parameters.
type convGeom struct {
	n, c, h, w, kh, kw, ho, wo, sh, sw, ph, pw, dh, dw uint32
}

// convParams declares the geometry parameters.
func convParams(b *ptx.Builder) (g struct{ n, c, h, w, kh, kw, ho, wo, sh, sw, ph, pw, dh, dw ptx.U32 }) {
	for _, p := range []struct {
		r    *ptx.U32
		name string
	}{{&g.n, "n"}, {&g.c, "c"}, {&g.h, "h"}, {&g.w, "w"}, {&g.kh, "kh"}, {&g.kw, "kw"}, {&g.ho, "ho"}, {&g.wo, "wo"},
		{&g.sh, "sh"}, {&g.sw, "sw"}, {&g.ph, "ph"}, {&g.pw, "pw"}, {&g.dh, "dh"}, {&g.dw, "dw"}} {
		*p.r = b.ParamU32(p.name)
	}
	return g
}

func (g convGeom) args() []any {
	return []any{g.n, g.c, g.h, g.w, g.kh, g.kw, g.ho, g.wo, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw}
}

// im2col builds the patch matrices of a whole batch, one per group:
// element (row r = (ci·kh + ki)·kw + kj, column q = n·ho·wo + oy·wo + ox)
// of group grp is x[n, grp·cg+ci, oy·sh − ph + ki·dh, ox·sw − pw + kj·dw],
// 0 in the padding, stored at grp·gs + r·rs + q·qs — (rs, qs) = (N·ho·wo,
// 1) for the matrix, (1, cg·kh·kw) for its transpose. Folding the batch
// into the columns lets one GEMM per group serve every image. A thread
// owns one output position of one channel-in-group ci and writes its taps
// for every group and image, so nothing is divided. Params (col, x,
// geometry…, groups, cg, gs, rs, qs).
func im2col() *ptx.Kernel {
	b := ptx.New("im2col_f32")
	col, x := b.ParamPtr("col"), b.ParamPtr("x")
	g := convParams(b)
	groups, cg := b.ParamU32("groups"), b.ParamU32("cg")
	gs, rs, qs := b.ParamU32("gs"), b.ParamU32("rs"), b.ParamU32("qs")
	hw := b.MulU32(g.ho, g.wo)
	one, zero := ptx.ImmU32(1), ptx.ImmU32(0)
	grid3(b, g.wo, g.ho, cg, func(ox, oy, ci ptx.U32) {
		pix := b.MadU32(oy, g.wo, ox)
		loop(b, groups, zero, one, func(grp ptx.U32) {
			c := b.MadU32(grp, cg, ci)
			loop(b, g.n, zero, one, func(n ptx.U32) {
				plane := b.MulU32(b.MadU32(n, g.c, c), g.h)
				dst0 := b.MadU32(b.MadU32(n, hw, pix), qs, b.MulU32(grp, gs))
				loop(b, g.kh, zero, one, func(ki ptx.U32) {
					iy := b.SubU32(b.MadU32(ki, g.dh, b.MulU32(oy, g.sh)), g.ph)
					inY := b.SetpU32(ptx.LT, iy, g.h)
					row := b.MulU32(b.MadU32(ci, g.kh, ki), g.kw)
					loop(b, g.kw, zero, one, func(kj ptx.U32) {
						ix := b.SubU32(b.MadU32(kj, g.dw, b.MulU32(ox, g.sw)), g.pw)
						v := b.NewF32()
						b.MovF32To(v, ptx.ImmF32(0))
						b.If(b.AndPred(inY, b.SetpU32(ptx.LT, ix, g.w)), func() {
							b.LdGlobalF32To(v, b.Index4(x, b.MadU32(b.AddU32(plane, iy), g.w, ix)), 0)
						})
						b.StGlobalF32(b.Index4(col, b.MadU32(b.AddU32(row, kj), rs, dst0)), 0, v)
					})
				})
			})
		})
	})
	return b.Build()
}
