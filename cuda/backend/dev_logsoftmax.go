package backend

import (
	"math"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// LogSoftmax on the device: one thread per row (n elements inner apart), as
// tensor.LogSoftmax — the row's maximum m (a NaN wins, as the host's),
// Σ exp(x−m) in float32 with Kahan compensation in element order (the
// host sums in float64), lse = ln Σ, out = (x−m) − lse; exp and ln are
// sim_math.go's.
var logSoftmaxKernel = buildLogSoftmax()

func init() {
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel { return []*ptx.Kernel{logSoftmaxKernel} })
	deviceOps["LogSoftmax"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		return s.logSoftmax(op.Args.(tensor.AxisArgs), in[0], out[0])
	}
}

func buildLogSoftmax() *ptx.Kernel {
	b := ptx.New("log_softmax_f32")
	out, x := b.ParamPtr("out"), b.ParamPtr("x")
	rows, n, inner := b.ParamU32("rows"), b.ParamU32("n"), b.ParamU32("inner")
	x0 := b.MadU32(b.Ctaid(ptx.X), b.Ntid(ptx.X), b.Tid(ptx.X))
	loop(b, rows, x0, b.MulU32(b.Nctaid(ptx.X), b.Ntid(ptx.X)), func(o ptx.U32) {
		i, j := b.DivU32(o, inner), b.RemU32(o, inner)
		base := b.MadU32(b.MulU32(i, n), inner, j)
		m := b.MovF32(fimm(float32(math.Inf(-1))))
		loop(b, n, ptx.ImmU32(0), ptx.ImmU32(1), func(k ptx.U32) {
			v := b.LdGlobalF32(b.Index4(x, b.MadU32(k, inner, base)), 0)
			b.MovF32To(m, b.SelpF32(b.SetpF32(ptx.GT, v, m), v, m))
			b.MovF32To(m, b.SelpF32(b.SetpF32(ptx.EQ, v, v), m, v))
		})
		sum, comp := b.MovF32(fimm(0)), b.MovF32(fimm(0))
		loop(b, n, ptx.ImmU32(0), ptx.ImmU32(1), func(k ptx.U32) {
			v := b.LdGlobalF32(b.Index4(x, b.MadU32(k, inner, base)), 0)
			y := b.SubF32(expF32(b, b.SubF32(v, m)), comp)
			t := b.AddF32(sum, y)
			c := b.SubF32(b.SubF32(t, sum), y)
			fin := b.SetpF32(ptx.EQ, b.SubF32(t, t), fimm(0))
			b.MovF32To(comp, b.SelpF32(fin, c, fimm(0)))
			b.MovF32To(sum, t)
		})
		lse := logF32(b, sum)
		loop(b, n, ptx.ImmU32(0), ptx.ImmU32(1), func(k ptx.U32) {
			idx := b.MadU32(k, inner, base)
			v := b.LdGlobalF32(b.Index4(x, idx), 0)
			b.StGlobalF32(b.Index4(out, idx), 0, b.SubF32(b.SubF32(v, m), lse))
		})
	})
	return b.Build()
}

// logSoftmax runs LogSoftmax along a.Axis with s.mu held; an empty tensor
// needs no launch (the zeroed output is the host's answer), sizes past
// 32-bit indexing report false.
func (s *Device) logSoftmax(a tensor.AxisArgs, x, out *tensor.Tensor) bool {
	shape := x.Shape()
	if a.Axis < 0 || a.Axis >= len(shape) || x.Len() > maxElems || out.Len() != x.Len() {
		return false
	}
	outer, n, inner := tensor.Numel(shape[:a.Axis]), shape[a.Axis], tensor.Numel(shape[a.Axis+1:])
	if x.Len() == 0 {
		return true
	}
	grid, block := launch3(outer*inner, 1, 1)
	s.be.run("LogSoftmax", logSoftmaxKernel, s.m, grid, block, ptr(out), ptr(x), uint32(outer*inner), uint32(n), uint32(inner))
	return true
}
