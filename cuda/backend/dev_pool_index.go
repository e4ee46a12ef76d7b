package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// PoolGather and PoolScatter on the simulated device. The indices are max
// pooling's device form: exact flat in-plane indices iy·w + ix stored as
// float32 (maxPool2DAt), which the kernels truncate back to u32 (exact
// below 2²⁴, the limit maxPoolOK enforces).
//
// PoolScatter is a gather, one thread an input pixel, so it needs no
// atomics and is deterministic: the thread walks the outputs of its plane
// in output order and adds those whose index names it, starting from +0 —
// the additions the host makes into that position, in the host's order,
// so the sum is the host's bit for bit. PoolIndexArgs carries only the
// shapes, not the window geometry, so the walk scans every output of the
// plane (ohw loads per pixel): fine for the small planes the simulator
// runs. A GPU version should bound the walk to the outputs whose window
// covers the pixel — oy in [⌈(iy+ph−kh+1)/sh⌉, ⌊(iy+ph)/sh⌋] and likewise
// for ox, visited row-major, which is output order — given the pooling's
// parameters, or else build an inverse index once per backward (a stable
// counting sort of outputs by target, a CSR of output lists per pixel)
// and gather over each pixel's list in order.

var poolIndexKernels struct {
	once            sync.Once
	gather, scatter *ptx.Kernel
}

func poolIndexK() (gather, scatter *ptx.Kernel) {
	k := &poolIndexKernels
	k.once.Do(func() {
		// out[i] = x[(i / ohw)·hw + idx[i]]; params (out, x, idx, hw, ohw, n).
		b := ptx.New("pool_gather_f32")
		out, x, idx := b.ParamPtr("out"), b.ParamPtr("x"), b.ParamPtr("idx")
		hw, ohw, n := b.ParamU32("hw"), b.ParamU32("ohw"), b.ParamU32("n")
		grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
			src := b.CvtRziU32F32(b.LdGlobalF32(b.Index4(idx, i), 0))
			j := b.MadU32(b.DivU32(i, ohw), hw, src)
			b.StGlobalF32(b.Index4(out, i), 0, b.LdGlobalF32(b.Index4(x, j), 0))
		})
		k.gather = b.Build()

		// gx[pl·hw + p] = Σ over o < ohw in order with idx[pl·ohw + o] = p of
		// g[pl·ohw + o], from +0; params (gx, g, idx, hw, ohw, planes).
		b = ptx.New("pool_scatter_gather_f32")
		gx, g, idx := b.ParamPtr("gx"), b.ParamPtr("g"), b.ParamPtr("idx")
		hw, ohw = b.ParamU32("hw"), b.ParamU32("ohw")
		planes := b.ParamU32("planes")
		grid3(b, hw, planes, ptx.ImmU32(1), func(p, pl, _ ptx.U32) {
			acc := b.NewF32()
			b.MovF32To(acc, ptx.ImmF32(0))
			o0 := b.MulU32(pl, ohw)
			loop(b, b.AddU32(o0, ohw), o0, ptx.ImmU32(1), func(o ptx.U32) {
				src := b.CvtRziU32F32(b.LdGlobalF32(b.Index4(idx, o), 0))
				b.If(b.SetpU32(ptx.EQ, src, p), func() {
					b.AddF32To(acc, acc, b.LdGlobalF32(b.Index4(g, o), 0))
				})
			})
			b.StGlobalF32(b.Index4(gx, b.MadU32(pl, hw, p)), 0, acc)
		})
		k.scatter = b.Build()
	})
	return k.gather, k.scatter
}

// poolIndexPlan checks the shapes: nothing empty, past 32-bit indexing,
// or with planes whose indices a float cannot hold exactly.
func poolIndexPlan(a tensor.PoolIndexArgs) (planes, hw, ohw int, ok bool) {
	planes, hw, ohw = a.In[0]*a.In[1], a.In[2]*a.In[3], a.Out[2]*a.Out[3]
	n, m := planes*hw, planes*ohw
	return planes, hw, ohw, n > 0 && m > 0 && n <= maxElems && m <= maxElems && hw <= 1<<24
}

func init() {
	deviceOps["PoolGather"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		planes, hw, ohw, ok := poolIndexPlan(op.Args.(tensor.PoolIndexArgs))
		if !ok {
			return false
		}
		gather, _ := poolIndexK()
		n := planes * ohw
		grid, block := launch3(n, 1, 1)
		s.be.run("PoolGather", gather, s.m, grid, block, ptr(out[0]), ptr(in[0]), ptr(in[1]), uint32(hw), uint32(ohw), uint32(n))
		return true
	}
	deviceOps["PoolScatter"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		planes, hw, ohw, ok := poolIndexPlan(op.Args.(tensor.PoolIndexArgs))
		if !ok {
			return false
		}
		_, scatter := poolIndexK()
		grid, block := launch3(hw, planes, 1)
		s.be.run("PoolScatter", scatter, s.m, grid, block, ptr(out[0]), ptr(in[0]), ptr(in[1]), uint32(hw), uint32(ohw), uint32(planes))
		return true
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		g, sc := poolIndexK()
		return []*ptx.Kernel{g, sc}
	})
}
