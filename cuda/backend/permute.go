package backend

import (
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// gather3D builds out[(z·ny+y)·nx+x] = in[x·sx + y·sy + z·sz]: an axis
// permutation of a three-axis array, such as [N,O,hw] ↔ [O,N,hw] or a
// weight's per-group transpose. Params (out, in, nx, ny, nz, sx, sy, sz).
func gather3D() *ptx.Kernel {
	b := ptx.New("gather3d_f32")
	out, in := b.ParamPtr("out"), b.ParamPtr("in")
	nx, ny, nz := b.ParamU32("nx"), b.ParamU32("ny"), b.ParamU32("nz")
	sx, sy, sz := b.ParamU32("sx"), b.ParamU32("sy"), b.ParamU32("sz")
	grid3(b, nx, ny, nz, func(x, y, z ptx.U32) {
		v := b.LdGlobalF32(b.Index4(in, b.MadU32(x, sx, b.MadU32(y, sy, b.MulU32(z, sz)))), 0)
		b.StGlobalF32(b.Index4(out, b.MadU32(b.MadU32(z, ny, y), nx, x)), 0, v)
	})
	return b.Build()
}

// permute launches gather3D over an nz×ny×nx box into a fresh buffer the
// caller frees.
func (be *Backend) permute(op string, m machine, in ptx.Ptr, nx, ny, nz, sx, sy, sz int) ptx.Ptr {
	out := m.Alloc(nx * ny * nz)
	be.permuteInto(op, m, out, in, nx, ny, nz, sx, sy, sz)
	return out
}

// permuteInto launches gather3D over an nz×ny×nx box into out.
func (be *Backend) permuteInto(op string, m machine, out, in ptx.Ptr, nx, ny, nz, sx, sy, sz int) {
	grid, block := launch3(nx, ny, nz)
	u := func(v int) uint32 { return uint32(v) }
	be.run(op, be.conv.gather3, m, grid, block, out, in, u(nx), u(ny), u(nz), u(sx), u(sy), u(sz))
}

// at is p advanced by i words: kernels address inside one buffer.
func at(p ptx.Ptr, i int) ptx.Ptr { return p + ptx.Ptr(4*i) }

// sgemm launches C = A·B on dense row-major operands: the small tiling
// below smallGemm outputs, the default above.
func (be *Backend) sgemm(op string, mem machine, c, a, bp ptx.Ptr, m, n, k int) {
	cfg, kern := be.gemmKernel(m, n, k, c, a, bp) // vectorised where it is legal
	be.run(op, kern, mem, cfg.Grid(m, n), ptx.D1(uint32(cfg.Threads())), c, a, bp, uint32(m), uint32(n), uint32(k))
}
