package backend

import (
	"math"
	"math/bits"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// maxPool builds the window maxima and their flat in-plane indices
// iy·w + ix, one thread an output, scanning the window in the reference's
// order with its rule: a value replaces the best if greater or NaN (so the
// first maximum wins a tie, the last NaN wins), starting from −Inf at the
// window's first element. The builder can store only f32, so the index is
// written as an exact float (planes up to 2²⁴ elements, nbits its bit
// length) for the host to convert. Params (out, idx, x, geometry…,
// nbits).
func maxPool() *ptx.Kernel {
	b := ptx.New("max_pool2d_f32")
	out, idx, x := b.ParamPtr("out"), b.ParamPtr("idx"), b.ParamPtr("x")
	g := poolParams(b)
	nbits := b.ParamU32("nbits")
	inf := ptx.ImmF32(float32(math.Inf(1)))
	grid3(b, g.wo, g.ho, g.planes, func(ox, oy, pl ptx.U32) {
		y0, y1, _ := span(b, oy, g.kh, g.sh, g.ph, g.h)
		x0, x1, _ := span(b, ox, g.kw, g.sw, g.pw, g.w)
		base := b.MulU32(b.MulU32(pl, g.h), g.w)
		best, bi := b.NewF32(), b.NewU32()
		b.MovF32To(best, ptx.ImmF32(float32(math.Inf(-1))))
		b.MovU32To(bi, b.MadU32(y0, g.w, x0))
		loop(b, y1, y0, ptx.ImmU32(1), func(iy ptx.U32) {
			loop(b, x1, x0, ptx.ImmU32(1), func(ix ptx.U32) {
				i := b.MadU32(iy, g.w, ix)
				v := b.LdGlobalF32(b.Index4(x, b.AddU32(base, i)), 0)
				take, skip := b.NewLabel(), b.NewLabel()
				b.BraIf(b.SetpF32(ptx.GT, v, best), take)
				b.BraIf(b.SetpF32(ptx.LE, v, inf), skip) // ordered: false only for NaN
				b.Place(take)
				b.MovF32To(best, v)
				b.MovU32To(bi, i)
				b.Place(skip)
			})
		})
		o := b.MadU32(b.MadU32(pl, g.ho, oy), g.wo, ox)
		b.StGlobalF32(b.Index4(out, o), 0, best)
		b.StGlobalF32(b.Index4(idx, o), 0, u32ToF32(b, bi, nbits))
	})
	return b.Build()
}

// planPool is a pooling's geometry from its input and output shapes; ok
// is false for empty or oversized tensors.
func planPool(xs, ys []int, p tensor.PoolParams) (g poolGeom, ok bool) {
	u := func(v int) uint32 { return uint32(v) }
	g = poolGeom{u(xs[0] * xs[1]), u(xs[2]), u(xs[3]), u(ys[2]), u(ys[3]),
		u(p.KH), u(p.KW), u(p.StrideH), u(p.StrideW), u(p.PadH), u(p.PadW)}
	n, m := xs[0]*xs[1]*xs[2]*xs[3], ys[0]*ys[1]*ys[2]*ys[3]
	return g, n > 0 && m > 0 && n <= maxElems && m <= maxElems
}

// maxPoolOK reports whether maxPool2DAt runs: planPool's ok, and planes
// of at most 2²⁴ elements, whose indices a float holds exactly.
func maxPoolOK(xs, ys []int, p tensor.PoolParams) bool {
	g, ok := planPool(xs, ys, p)
	return ok && g.h*g.w <= 1<<24
}

// maxPool2DAt writes the window maxima of x (NCHW, shape xs) into out
// (shape ys) and their flat in-plane indices iy·w + ix into idx, a float32
// buffer of out's length: the builder stores only f32, so each index is
// an exact float the caller converts with int32(v). It returns false,
// launching nothing, where maxPoolOK does.
func (be *Backend) maxPool2DAt(m machine, out, idx, x ptx.Ptr, xs, ys []int, p tensor.PoolParams) bool {
	if !maxPoolOK(xs, ys, p) {
		return false
	}
	g, _ := planPool(xs, ys, p)
	hw := int(g.h * g.w)
	grid, block := launch3(int(g.wo), int(g.ho), int(g.planes))
	args := append([]any{out, idx, x}, g.args()...)
	be.run("MaxPool2D", be.pool.max, m, grid, block, append(args, uint32(bits.Len(uint(hw-1))))...)
	return true
}

// MaxPool2D implements tensor.Backend.
func (be *Backend) MaxPool2D(x *tensor.Tensor, p tensor.PoolParams, out *tensor.Tensor, idx []int32) {
	if !maxPoolOK(x.Shape(), out.Shape(), p) {
		be.CPU.MaxPool2D(x, p, out, idx)
		return
	}
	m := interp{new(ptx.Memory)}
	po, pi := m.Alloc(out.Len()), m.Alloc(out.Len())
	be.maxPool2DAt(m, po, pi, m.AllocF32(x.Borrow()), x.Shape(), out.Shape(), p)
	m.ReadF32Into(out.Borrow(), po)
	for i, v := range m.ReadF32(pi) {
		idx[i] = int32(v)
	}
}
