package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// stridedBinary builds out[(z·ny+y)·nx+x] = f(a[z·az+y·ay+x·ax],
// b[z·bz+y·by+x·bx]): a binary op with broadcasting, where a broadcast
// axis has stride 0. Params (out, a, b, nx, ny, nz, ax, ay, az, bx, by, bz).
func stridedBinary(name string, f func(b *ptx.Builder, x, y ptx.F32) ptx.F32) *ptx.Kernel {
	b := ptx.New(name)
	out, pa, pb := b.ParamPtr("out"), b.ParamPtr("a"), b.ParamPtr("b")
	nx, ny, nz := b.ParamU32("nx"), b.ParamU32("ny"), b.ParamU32("nz")
	ax, ay, az := b.ParamU32("ax"), b.ParamU32("ay"), b.ParamU32("az")
	bx, by, bz := b.ParamU32("bx"), b.ParamU32("by"), b.ParamU32("bz")
	grid3(b, nx, ny, nz, func(x, y, z ptx.U32) {
		ia := b.MadU32(x, ax, b.MadU32(y, ay, b.MulU32(z, az)))
		ib := b.MadU32(x, bx, b.MadU32(y, by, b.MulU32(z, bz)))
		io := b.MadU32(b.MadU32(z, ny, y), nx, x)
		va := b.LdGlobalF32(b.Index4(pa, ia), 0)
		vb := b.LdGlobalF32(b.Index4(pb, ib), 0)
		b.StGlobalF32(b.Index4(out, io), 0, f(b, va, vb))
	})
	return b.Build()
}

// gather2D builds out[y·nx+x] = in[y·sy+x·sx]: packs a strided or
// transposed matrix into a dense row-major one. Params (out, in, nx, ny,
// sx, sy).
func gather2D() *ptx.Kernel {
	b := ptx.New("gather2d_f32")
	out, in := b.ParamPtr("out"), b.ParamPtr("in")
	nx, ny := b.ParamU32("nx"), b.ParamU32("ny")
	sx, sy := b.ParamU32("sx"), b.ParamU32("sy")
	grid3(b, nx, ny, ptx.ImmU32(1), func(x, y, _ ptx.U32) {
		v := b.LdGlobalF32(b.Index4(in, b.MadU32(y, sy, b.MulU32(x, sx))), 0)
		b.StGlobalF32(b.Index4(out, b.MadU32(y, nx, x)), 0, v)
	})
	return b.Build()
}

// gemmEpilogue builds c[y·ldc+x] = alpha·t[y·nx+x] + beta·c[y·ldc+x], or
// with withBeta false c = alpha·t, which never reads c (BLAS: beta = 0
// overwrites, NaN included). Params (c, t, nx, ny, ldc, alpha, beta).
func gemmEpilogue(withBeta bool) *ptx.Kernel {
	name := "gemm_epilogue_f32"
	if withBeta {
		name = "gemm_epilogue_beta_f32"
	}
	b := ptx.New(name)
	pc, pt := b.ParamPtr("c"), b.ParamPtr("t")
	nx, ny, ldc := b.ParamU32("nx"), b.ParamU32("ny"), b.ParamU32("ldc")
	alpha, beta := b.ParamF32("alpha"), b.ParamF32("beta")
	grid3(b, nx, ny, ptx.ImmU32(1), func(x, y, _ ptx.U32) {
		ca := b.Index4(pc, b.MadU32(y, ldc, x))
		v := b.MulF32(alpha, b.LdGlobalF32(b.Index4(pt, b.MadU32(y, nx, x)), 0))
		if withBeta {
			v = b.FmaF32(beta, b.LdGlobalF32(ca, 0), v)
		}
		b.StGlobalF32(ca, 0, v)
	})
	return b.Build()
}
