package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// AddBiasInPlace on the simulated device: y[i] += b[(i / inner) mod c],
// one thread an element, the same single f32 addition y + b the host
// makes (asm.AddTo, asm.BiasRows), so the result is the host's bit for
// bit.

// addBiasK builds the kernel once; params (y, b, c, inner, n).
var addBiasK = sync.OnceValue(func() *ptx.Kernel {
	b := ptx.New("add_bias_inplace_f32")
	y, bias := b.ParamPtr("y"), b.ParamPtr("b")
	c, inner, n := b.ParamU32("c"), b.ParamU32("inner"), b.ParamU32("n")
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		ch := b.RemU32(b.DivU32(i, inner), c)
		v := b.LdGlobalF32(b.Index4(y, i), 0)
		b.StGlobalF32(b.Index4(y, i), 0, b.AddF32(v, b.LdGlobalF32(b.Index4(bias, ch), 0)))
	})
	return b.Build()
})

func init() {
	deviceOps["AddBiasInPlace"] = func(s *Device, op tensor.Op, in, _ []*tensor.Tensor) bool {
		y, bias := in[0], in[1]
		a := op.Args.(tensor.AxisArgs).Axis
		shape := y.Shape()
		n, c, inner := y.Len(), shape[a], tensor.Numel(shape[a+1:])
		if n == 0 || n > maxElems {
			return false
		}
		grid, block := launch3(n, 1, 1)
		s.be.run("AddBiasInPlace", addBiasK(), s.m, grid, block, ptr(y), ptr(bias), uint32(c), uint32(inner), uint32(n))
		return true
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel { return []*ptx.Kernel{addBiasK()} })
}
