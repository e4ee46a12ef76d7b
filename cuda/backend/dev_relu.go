package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// The backward masks of relu and relu6 on the simulated device: gx = g
// where y's bit pattern b lies in [1, limit], +0 elsewhere, as tensor's
// bandMask (asm.BandMask) computes on the host. Working on bit patterns
// as u32 keeps every value exact: NaNs in y (either sign) and zeros fall
// outside the band, and g passes through bit for bit (NaN payloads and −0
// included).

// Limits of the band: +Inf's pattern for relu (y in (0, +Inf]) and the
// pattern below 6's for relu6 (y in (0, 6)).
const (
	reluLimit  = 0x7f800000
	relu6Limit = 0x40c00000 - 1
)

// bandMaskK builds, once, gx[i] = (y[i]'s bits − 1 < limit) ? g[i] : +0
// on u32 words (b − 1 wraps for b = 0, so one unsigned compare tests
// 1 ≤ b ≤ limit); params (gx, g, y, limit, n).
var bandMaskK = sync.OnceValue(func() *ptx.Kernel {
	b := ptx.New("band_mask_u32")
	gx, g, y := b.ParamPtr("gx"), b.ParamPtr("g"), b.ParamPtr("y")
	limit, n := b.ParamU32("limit"), b.ParamU32("n")
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		yb := b.LdGlobalU32(b.Index4(y, i), 0)
		gb := b.LdGlobalU32(b.Index4(g, i), 0)
		in := b.SetpU32(ptx.LT, b.SubU32(yb, ptx.ImmU32(1)), limit)
		b.StGlobalU32(b.Index4(gx, i), 0, b.SelpU32(in, gb, b.MovU32(ptx.ImmU32(0))))
	})
	return b.Build()
})

// bandMaskAt runs the mask on n-word buffers; false (nothing launched)
// for empty or oversized tensors.
func (s *Device) bandMaskAt(op string, limit uint32, gx, g, y *tensor.Tensor) bool {
	n := gx.Len()
	if n == 0 || n > maxElems {
		return false
	}
	grid, block := launch3(n, 1, 1)
	s.be.run(op, bandMaskK(), s.m, grid, block, ptr(gx), ptr(g), ptr(y), uint32(limit), uint32(n))
	return true
}

func init() {
	deviceOps["ReluBackward"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		return s.bandMaskAt("ReluBackward", reluLimit, out[0], in[0], in[1])
	}
	deviceOps["Relu6Backward"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		return s.bandMaskAt("Relu6Backward", relu6Limit, out[0], in[0], in[1])
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel { return []*ptx.Kernel{bandMaskK()} })
}
