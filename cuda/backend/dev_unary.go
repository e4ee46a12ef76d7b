package backend

import (
	"github.com/modeldoctor/modeldoctor/cuda/kernels"
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Unary ops beyond the backend's own (unaryKernels), for the device. The
// exact ones match tensor's unaryScalar bit for bit, NaN conventions
// included:
//
//   - Abs clears the sign bit (of a NaN too), as the host's bit loop;
//   - Sign is 1, −1 or +0 (NaN and −0 give +0);
//   - GtScalar, LtScalar: 1 or 0, a NaN on either side giving 0;
//   - ClampMin is p where x < p else x, ClampMax p where x > p else x (so
//     a NaN x stays, and a NaN p never replaces x);
//   - Recip is div.rn.f32 1/x, IEEE division as the host's float32 1/v.
//
// Sqrt is correctly rounded, bit for bit as the host's. Exp, Log,
// Sigmoid and Tanh are sim_math.go's software functions,
// within a few float32 ulp of the host's float64-rounded results.
var moreUnaryKernels = map[tensor.UnaryOp]*ptx.Kernel{
	tensor.OpAbs: absKernel(),
	tensor.OpSign: unaryOf("sign_f32", func(b *ptx.Builder, x, _ ptx.F32) ptx.F32 {
		neg := b.SelpF32(b.SetpF32(ptx.LT, x, fimm(0)), fimm(-1), fimm(0))
		return b.SelpF32(b.SetpF32(ptx.GT, x, fimm(0)), fimm(1), neg)
	}),
	tensor.OpGtScalar: unaryOf("gt_scalar_f32", func(b *ptx.Builder, x, p ptx.F32) ptx.F32 {
		return b.SelpF32(b.SetpF32(ptx.GT, x, p), fimm(1), fimm(0))
	}),
	tensor.OpLtScalar: unaryOf("lt_scalar_f32", func(b *ptx.Builder, x, p ptx.F32) ptx.F32 {
		return b.SelpF32(b.SetpF32(ptx.LT, x, p), fimm(1), fimm(0))
	}),
	tensor.OpClampMin: unaryOf("clamp_min_f32", func(b *ptx.Builder, x, p ptx.F32) ptx.F32 {
		return b.SelpF32(b.SetpF32(ptx.LT, x, p), p, x)
	}),
	tensor.OpClampMax: unaryOf("clamp_max_f32", func(b *ptx.Builder, x, p ptx.F32) ptx.F32 {
		return b.SelpF32(b.SetpF32(ptx.GT, x, p), p, x)
	}),
	tensor.OpRecip: unaryOf("recip_f32", func(b *ptx.Builder, x, _ ptx.F32) ptx.F32 {
		return b.DivF32(fimm(1), x)
	}),
	tensor.OpExp:     unaryOf("exp_sw_f32", func(b *ptx.Builder, x, _ ptx.F32) ptx.F32 { return expF32(b, x) }),
	tensor.OpLog:     unaryOf("log_sw_f32", func(b *ptx.Builder, x, _ ptx.F32) ptx.F32 { return logF32(b, x) }),
	tensor.OpSqrt:    unaryOf("sqrt_sw_f32", func(b *ptx.Builder, x, _ ptx.F32) ptx.F32 { return sqrtF32(b, x) }),
	tensor.OpSigmoid: unaryOf("sigmoid_sw_f32", func(b *ptx.Builder, x, _ ptx.F32) ptx.F32 { return sigmoidF32(b, x) }),
	tensor.OpTanh:    unaryOf("tanh_sw_f32", func(b *ptx.Builder, x, _ ptx.F32) ptx.F32 { return tanhF32(b, x) }),
}

// absKernel clears each word's sign bit; params (out, x, p, n) as
// unaryOf's, p unused.
func absKernel() *ptx.Kernel {
	b := ptx.New("abs_bits_f32")
	out, px := b.ParamPtr("out"), b.ParamPtr("x")
	_, n := b.ParamF32("p"), b.ParamU32("n")
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		v := b.LdGlobalU32(b.Index4(px, i), 0)
		b.StGlobalU32(b.Index4(out, i), 0, b.AndU32(v, ptx.ImmU32(0x7fffffff)))
	})
	return b.Build()
}

func init() {
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		ks := make([]*ptx.Kernel, 0, len(moreUnaryKernels))
		for _, op := range []tensor.UnaryOp{tensor.OpAbs, tensor.OpSign, tensor.OpGtScalar, tensor.OpLtScalar,
			tensor.OpClampMin, tensor.OpClampMax, tensor.OpRecip, tensor.OpExp, tensor.OpLog, tensor.OpSqrt,
			tensor.OpSigmoid, tensor.OpTanh} {
			ks = append(ks, moreUnaryKernels[op])
		}
		return ks
	})
}

// unaryMore runs the unary ops above on x into out (n words each) with
// s.mu held; false, launching nothing, for other ops, empty tensors and
// sizes past 32-bit indexing.
func (s *Device) unaryMore(a tensor.UnaryArgs, x, out *tensor.Tensor) bool {
	k, ok := moreUnaryKernels[a.Op]
	n := out.Len()
	if !ok || n == 0 || n > maxElems || x.Len() != n {
		return false
	}
	s.be.run("Unary", k, s.m, ptx.D1(kernels.ElementwiseGrid(n)), ptx.D1(kernels.ElementwiseBlock), ptr(out), ptr(x), a.P, uint32(n))
	return true
}
