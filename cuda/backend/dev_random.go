package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Bernoulli (tensor.BernoulliOn) on the simulated device. splitmix64 is a
// counter: draw i of a stream at state s mixes s + (i+1)·γ alone, so one
// thread an element computes it with 64-bit integer arithmetic and the
// result is the host loop's bit for bit:
//
//	z = s + (i+1)·γ (mod 2⁶⁴)
//	z = (z ^ z>>30)·0xBF58476D1CE4E5B9; z = (z ^ z>>27)·0x94D049BB133111EB
//	z ^= z>>31
//	y[i] = 1 if z>>11 < Threshold else 0
//
// Threshold is tensor's integer form of Float64() < p, so no float compare
// is involved. The state and threshold travel as u32 halves (kernel
// parameters are pointers, u32 or f32). The tensor package advances the
// host RNG by n draws itself.

const splitmixGamma = 0x9E3779B97F4A7C15

// bernoulliK builds, once, the kernel with params (y, stateLo, stateHi,
// thresholdLo, thresholdHi, n).
var bernoulliK = sync.OnceValue(func() *ptx.Kernel {
	b := ptx.New("bernoulli_splitmix64_f32")
	y := b.ParamPtr("y")
	s := b.JoinU64(b.ParamU32("state_lo"), b.ParamU32("state_hi"))
	thr := b.JoinU64(b.ParamU32("threshold_lo"), b.ParamU32("threshold_hi"))
	n := b.ParamU32("n")
	s1 := b.AddU64(s, ptx.ImmU64(splitmixGamma)) // the state of draw 0
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		z := b.AddU64(s1, b.MulU64(b.CvtU64(i), ptx.ImmU64(splitmixGamma)))
		z = b.MulU64(b.XorU64(z, b.ShrU64(z, ptx.ImmU32(30))), ptx.ImmU64(0xBF58476D1CE4E5B9))
		z = b.MulU64(b.XorU64(z, b.ShrU64(z, ptx.ImmU32(27))), ptx.ImmU64(0x94D049BB133111EB))
		z = b.XorU64(z, b.ShrU64(z, ptx.ImmU32(31)))
		one := b.SetpU64(ptx.LT, b.ShrU64(z, ptx.ImmU32(11)), thr)
		b.StGlobalF32(b.Index4(y, i), 0, b.SelpF32(one, ptx.ImmF32(1), ptx.ImmF32(0)))
	})
	return b.Build()
})

func init() {
	deviceOps["Bernoulli"] = func(s *Device, op tensor.Op, _, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.BernoulliArgs)
		n := out[0].Len()
		if n == 0 || n > maxElems {
			return false
		}
		grid, block := launch3(n, 1, 1)
		s.be.run("Bernoulli", bernoulliK(), s.m, grid, block, ptr(out[0]),
			uint32(a.State), uint32(a.State>>32), uint32(a.Threshold), uint32(a.Threshold>>32), uint32(n))
		return true
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel { return []*ptx.Kernel{bernoulliK()} })
}
