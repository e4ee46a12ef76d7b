package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Relu6, SiLU and SiLUBackward on the simulated device.
//
// Relu6 works on bit patterns as u32, bit for bit as the host's
// asm.Relu6: a set sign bit (negative values, −0, negative NaNs) gives
// +0, and a pattern r with 6's ≤ r ≤ +Inf's gives 6; positive NaNs (and
// everything in [+0, 6)) pass through unchanged, payload included.
//
// SiLU and SiLUBackward follow the host's formulas (asm.SiLU's Go twin):
// s = sigmoid(x) rounded to float32, then y = x·s and gx = g·(s + x·s·(1 −
// s)) in float32 steps. sigmoid is built from sim_math.go's software exp
// on e = e^(−|x|) (never overflowing): 1/(1+e) for x ≥ 0 and e/(1+e) for
// x < 0, so that s keeps its relative accuracy down to the subnormals
// (where the host's s rounds to a few 2⁻¹⁴⁹ too); s = 0 below −104,
// where the host's rounds to 0. The results are within a few float32 ulp
// of the host's (which itself differs from its float64 twin by about 2
// ulp on AVX), and the specials are the host's: NaN stays NaN, SiLU(+Inf)
// = +Inf, SiLU(−Inf) = −Inf·0 = NaN, ±0 stay, and SiLUBackward at ±Inf
// is NaN (Inf·0), as on the host.

const (
	six32Bits = 0x40c00000 // float32(6)
	inf32Bits = 0x7f800000 // +Inf
)

var activationKernels struct {
	once                  sync.Once
	relu6, silu, siluGrad *ptx.Kernel
}

// siluSigmoid is sigmoid(x) as described above.
func siluSigmoid(b *ptx.Builder, x ptx.F32) ptx.F32 {
	neg := b.SetpF32(ptx.LT, x, fimm(0))
	na := b.SelpF32(neg, x, b.MulF32(x, fimm(-1))) // −|x| (NaN stays NaN)
	e := expF32(b, na)
	d := b.AddF32(fimm(1), e)
	s := b.SelpF32(neg, b.DivF32(e, d), b.DivF32(fimm(1), d))
	return b.SelpF32(b.SetpF32(ptx.LT, x, fimm(-104)), fimm(0), s)
}

func activationK() (relu6, silu, siluGrad *ptx.Kernel) {
	k := &activationKernels
	k.once.Do(func() {
		// relu6_bits_u32: params (out, x, n).
		b := ptx.New("relu6_bits_u32")
		out, px, n := b.ParamPtr("out"), b.ParamPtr("x"), b.ParamU32("n")
		grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
			v := b.LdGlobalU32(b.Index4(px, i), 0)
			zero := b.MovU32(ptx.ImmU32(0))
			r := b.SelpU32(b.SetpU32(ptx.GE, v, ptx.ImmU32(0x80000000)), zero, v)
			// six ≤ r ≤ inf as one unsigned compare: r − six wraps for r < six.
			big := b.SetpU32(ptx.LE, b.SubU32(r, ptx.ImmU32(six32Bits)), ptx.ImmU32(inf32Bits-six32Bits))
			b.StGlobalU32(b.Index4(out, i), 0, b.SelpU32(big, b.MovU32(ptx.ImmU32(six32Bits)), r))
		})
		k.relu6 = b.Build()

		// silu_sw_f32: params (out, x, n).
		b = ptx.New("silu_sw_f32")
		out, px, n = b.ParamPtr("out"), b.ParamPtr("x"), b.ParamU32("n")
		grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
			x := b.LdGlobalF32(b.Index4(px, i), 0)
			b.StGlobalF32(b.Index4(out, i), 0, b.MulF32(x, siluSigmoid(b, x)))
		})
		k.silu = b.Build()

		// silu_backward_sw_f32: params (gx, g, x, n).
		b = ptx.New("silu_backward_sw_f32")
		out, pg, px, n := b.ParamPtr("gx"), b.ParamPtr("g"), b.ParamPtr("x"), b.ParamU32("n")
		grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
			x := b.LdGlobalF32(b.Index4(px, i), 0)
			g := b.LdGlobalF32(b.Index4(pg, i), 0)
			s := siluSigmoid(b, x)
			t := b.AddF32(s, b.MulF32(b.MulF32(x, s), b.SubF32(fimm(1), s)))
			b.StGlobalF32(b.Index4(out, i), 0, b.MulF32(g, t))
		})
		k.siluGrad = b.Build()
	})
	return k.relu6, k.silu, k.siluGrad
}

// elementwiseAt launches k over out's n words with params (out, ins…, n);
// false, launching nothing, for empty tensors, sizes past 32-bit indexing
// and operands of another length.
func (s *Device) elementwiseAt(op string, k *ptx.Kernel, out *tensor.Tensor, in ...*tensor.Tensor) bool {
	n := out.Len()
	if n == 0 || n > maxElems {
		return false
	}
	args := []any{ptr(out)}
	for _, t := range in {
		if t.Len() != n {
			return false
		}
		args = append(args, ptr(t))
	}
	args = append(args, uint32(n))
	grid, block := launch3(n, 1, 1)
	s.be.run(op, k, s.m, grid, block, args...)
	return true
}

func init() {
	deviceOps["Relu6"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		k, _, _ := activationK()
		return s.elementwiseAt("Relu6", k, out[0], in[0])
	}
	deviceOps["SiLU"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		_, k, _ := activationK()
		return s.elementwiseAt("SiLU", k, out[0], in[0])
	}
	deviceOps["SiLUBackward"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		_, _, k := activationK()
		return s.elementwiseAt("SiLUBackward", k, out[0], in[0], in[1])
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		r, si, sg := activationK()
		return []*ptx.Kernel{r, si, sg}
	})
}
