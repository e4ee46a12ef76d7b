package tensor

import (
	"fmt"
	"math"

	"github.com/modeldoctor/modeldoctor/asm"
)

// Fused kernels: single passes that package autograd uses where its graph
// would otherwise run several elementwise ops over the same data (relu's
// and relu6's masks, a layer's bias, log-softmax, SiLU, batch norm). Each
// has a plain definition in its comment; the tests compare against
// compositions of the package's own ops or loops written out.

// ReluBackward returns g where y > 0 and 0 elsewhere (y is relu's output,
// or its input: both are positive at the same places). NaN in y counts as
// not positive.
func ReluBackward(g, y *Tensor) *Tensor {
	mustSameShape("ReluBackward", g, y)
	if be := deviceOf("ReluBackward", g, y); be != nil {
		return dev2(be, "ReluBackward", nil, g, y, g.shape, ReluBackward)
	}
	return bandMask(g, y, 0x7f800000) // y in (0, +Inf]
}

// Relu6Backward returns g where 0 < y < 6 and 0 elsewhere (y is relu6's
// output, or its input).
func Relu6Backward(g, y *Tensor) *Tensor {
	mustSameShape("Relu6Backward", g, y)
	if be := deviceOf("Relu6Backward", g, y); be != nil {
		return dev2(be, "Relu6Backward", nil, g, y, g.shape, Relu6Backward)
	}
	return bandMask(g, y, six32-1) // y in (0, 6)
}

// six32 is the bit pattern of float32(6).
const six32 = 0x40c00000

// bandMask keeps g where y's bit pattern b lies in [1, limit] — for
// limit ≤ +Inf's pattern, where y is positive and at most the float with
// pattern limit (negative values, zeros and NaNs fall outside) — and
// writes +0 elsewhere (asm.BandMask, vectorised and without branches).
func bandMask(g, y *Tensor, limit uint32) *Tensor {
	out := newTensorLike(g)
	gs, ys, os := g.data, y.data, out.data
	parallelFor(len(os), 1, func(lo, hi int) {
		asm.BandMask(os[lo:hi], gs[lo:hi], ys[lo:hi], limit)
	})
	return out
}

// Relu6 returns min(max(x, 0), 6) elementwise, by bits (asm.Relu6):
// negative values (and −0, and negative NaNs) become +0 by their sign bit,
// and patterns above 6's but not NaN become 6. Positive NaNs pass
// through, as in torch.nn.functional.relu6.
func Relu6(x *Tensor) *Tensor {
	if be := deviceOf("Relu6", x); be != nil {
		return dev1(be, "Relu6", nil, x, x.shape, Relu6)
	}
	out := newTensorLike(x)
	xs, os := x.data, out.data
	parallelFor(len(os), 1, func(lo, hi int) {
		asm.Relu6(os[lo:hi], xs[lo:hi])
	})
	return out
}

// AddBiasInPlace adds b[c] to every element of y whose index along axis is
// c (a layer's bias: axis 1 of [N,C,H,W] or of [B,K]). y is modified.
func AddBiasInPlace(y, b *Tensor, axis int) {
	a := normAxis("AddBiasInPlace", axis, len(y.shape))
	c := y.shape[a]
	if b.Len() != c {
		panic(fmt.Sprintf("tensor.AddBiasInPlace: bias %v for axis %d of %v", b.shape, axis, y.shape))
	}
	if be := deviceOf("AddBiasInPlace", y, b); be != nil {
		onDevice(be, Op{Name: "AddBiasInPlace", Args: AxisArgs{a}}, []*Tensor{y, b}, []*Tensor{y}, func(in, out []*Tensor) {
			copy(out[0].data, in[0].data)
			AddBiasInPlace(out[0], in[1], a)
		})
		return
	}
	outer, inner := Numel(y.shape[:a]), Numel(y.shape[a+1:])
	if inner == 1 {
		// [B, K] + [K]: rows.
		parallelFor(outer, c, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				asm.AddTo(y.data[r*c:(r+1)*c], b.data)
			}
		})
		return
	}
	if c == 0 {
		return
	}
	parallelFor(outer*c, inner, func(lo, hi int) {
		asm.BiasRows(y.data[lo*inner:hi*inner], hi-lo, inner, b.data, lo%c)
	})
}

// LogSoftmax returns x − log Σ exp(x) along axis, computed per slice in
// float64 after subtracting the slice's maximum.
func LogSoftmax(x *Tensor, axis int) *Tensor {
	a := normAxis("LogSoftmax", axis, len(x.shape))
	if be := deviceOf("LogSoftmax", x); be != nil {
		return dev1(be, "LogSoftmax", AxisArgs{a}, x, x.shape, func(x *Tensor) *Tensor { return LogSoftmax(x, a) })
	}
	out := newTensorLike(x)
	outer, n, inner := Numel(x.shape[:a]), x.shape[a], Numel(x.shape[a+1:])
	if n == 0 || len(x.data) == 0 {
		return out
	}
	parallelFor(outer*inner, n*16, func(lo, hi int) {
		for s := lo; s < hi; s++ {
			o, j := s/inner, s%inner
			base := o*n*inner + j
			m := float32(math.Inf(-1))
			for k := 0; k < n; k++ {
				if v := x.data[base+k*inner]; v > m || v != v {
					m = v
				}
			}
			var sum float64
			for k := 0; k < n; k++ {
				sum += math.Exp(float64(x.data[base+k*inner] - m))
			}
			lse := float32(math.Log(sum))
			for k := 0; k < n; k++ {
				i := base + k*inner
				out.data[i] = (x.data[i] - m) - lse
			}
		}
	})
	return out
}

// SiLU returns x·sigmoid(x) (asm.SiLU: on AVX-512 with a vectorised exp,
// within a few float32 ulp of the float64 reference used elsewhere).
func SiLU(x *Tensor) *Tensor {
	if be := deviceOf("SiLU", x); be != nil {
		return dev1(be, "SiLU", nil, x, x.shape, SiLU)
	}
	out := newTensorLike(x)
	parallelFor(len(out.data), 16, func(lo, hi int) {
		asm.SiLU(out.data[lo:hi], x.data[lo:hi])
	})
	return out
}

// SiLUBackward returns g·(s + x·s·(1 − s)) with s = sigmoid(x): the
// derivative of x·sigmoid(x), in one pass (asm.SiLUBackward).
func SiLUBackward(g, x *Tensor) *Tensor {
	mustSameShape("SiLUBackward", g, x)
	if be := deviceOf("SiLUBackward", g, x); be != nil {
		return dev2(be, "SiLUBackward", nil, g, x, x.shape, SiLUBackward)
	}
	out := newTensorLike(x)
	parallelFor(len(out.data), 16, func(lo, hi int) {
		asm.SiLUBackward(out.data[lo:hi], g.data[lo:hi], x.data[lo:hi])
	})
	return out
}

// channelGeom views x [N,C] or [N,C,H,W] as N×C runs of inner elements.
func channelGeom(op string, x *Tensor) (n, c, inner int) {
	if len(x.shape) != 2 && len(x.shape) != 4 {
		panic(fmt.Sprintf("tensor.%s: want [N,C] or [N,C,H,W], got %v", op, x.shape))
	}
	n, c, inner = x.shape[0], x.shape[1], 1
	if len(x.shape) == 4 {
		inner = x.shape[2] * x.shape[3]
	}
	return n, c, inner
}

// BatchNormStats returns the per-channel mean and biased variance of x
// [N,C] or [N,C,H,W] over every axis but 1, in float64 and in a fixed
// order (two passes, the mean, then the squared deviations, each summed
// in asm's 16 lanes over the channel's N runs in turn).
func BatchNormStats(x *Tensor) (mean, variance *Tensor) {
	n, c, inner := channelGeom("BatchNormStats", x)
	if be := deviceOf("BatchNormStats", x); be != nil {
		out := devOut(be, []int{c}, []int{c})
		onDevice(be, Op{Name: "BatchNormStats"}, []*Tensor{x}, out, func(in, out []*Tensor) {
			m, v := BatchNormStats(in[0])
			out[0].CopyFrom(m)
			out[1].CopyFrom(v)
		})
		return out[0], out[1]
	}
	mean, variance = Zeros(c), Zeros(c)
	cnt := float64(n * inner)
	parallelFor(c, n*inner*2, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			var s, q asm.Lanes
			var xs []float32
			if cnt > 0 {
				xs = x.data[ch*inner:]
			}
			asm.SumLanes(&s, xs, n, inner, c*inner)
			mu := asm.FoldLanes(&s) / cnt
			asm.SqDevLanes(&q, xs, n, inner, c*inner, mu)
			mean.data[ch] = float32(mu)
			variance.data[ch] = float32(asm.FoldLanes(&q) / cnt)
		}
	})
	return mean, variance
}

// ChannelAffine returns x·scale[c] + shift[c] for x [N,C] or [N,C,H,W]
// (batch norm's normalisation and affine transform folded into one pass).
func ChannelAffine(x, scale, shift *Tensor) *Tensor {
	n, c, inner := channelGeom("ChannelAffine", x)
	if scale.Len() != c || shift.Len() != c {
		panic(fmt.Sprintf("tensor.ChannelAffine: scale %v and shift %v for %v", scale.shape, shift.shape, x.shape))
	}
	if be := deviceOf("ChannelAffine", x, scale, shift); be != nil {
		out := devOut(be, x.shape)
		onDevice(be, Op{Name: "ChannelAffine"}, []*Tensor{x, scale, shift}, out, func(in, out []*Tensor) {
			out[0].CopyFrom(ChannelAffine(in[0], in[1], in[2]))
		})
		return out[0]
	}
	out := newTensorLike(x)
	if c == 0 {
		return out
	}
	parallelFor(n*c, inner, func(lo, hi int) {
		asm.AffineRows(out.data[lo*inner:hi*inner], x.data[lo*inner:hi*inner], hi-lo, inner, scale.data, shift.data, lo%c)
	})
	return out
}

// BatchNormBackward is the first-order gradient of training-mode batch
// norm y = γ·(x − μ)·σ⁻¹ + β with respect to x, γ and β, given g = ∂L/∂y,
// the batch mean μ and invstd = σ⁻¹ = 1/√(var + eps) (γ nil means 1):
//
//	x̂ = (x − μ)·σ⁻¹,  gβ = Σ g,  gγ = Σ g·x̂,
//	gx = γ·σ⁻¹·(g − gβ/m − x̂·gγ/m)   (m = N·H·W, sums per channel).
//
// The sums run in float64 in a fixed order (asm.BNGradLanes), and gx is
// k·((g − gβ/m) − x̂·(gγ/m)) with k = γ·σ⁻¹, each operation in float32
// (asm.BNGradRows).
func BatchNormBackward(x, g, mean, invstd, gamma *Tensor) (gx, ggamma, gbeta *Tensor) {
	mustSameShape("BatchNormBackward", x, g)
	n, c, inner := channelGeom("BatchNormBackward", x)
	if be := deviceOf("BatchNormBackward", x, g, mean, invstd, gamma); be != nil {
		out := devOut(be, x.shape, []int{c}, []int{c})
		onDevice(be, Op{Name: "BatchNormBackward"}, []*Tensor{x, g, mean, invstd, gamma}, out, func(in, out []*Tensor) {
			a, b, d := BatchNormBackward(in[0], in[1], in[2], in[3], in[4])
			out[0].CopyFrom(a)
			out[1].CopyFrom(b)
			out[2].CopyFrom(d)
		})
		return out[0], out[1], out[2]
	}
	ggamma, gbeta = Zeros(c), Zeros(c)
	sg := make([]float64, c)
	sgx := make([]float64, c)
	parallelFor(c, n*inner*2, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			var acc [32]float64 // asm's lanes of Σ g, then of Σ g·(x − μ)
			if n*inner > 0 {
				asm.BNGradLanes(&acc, x.data[ch*inner:], g.data[ch*inner:], n, inner, c*inner, mean.data[ch])
			}
			a := asm.FoldLanes((*asm.Lanes)(acc[:16]))
			b := asm.FoldLanes((*asm.Lanes)(acc[16:]))
			sg[ch] = a
			sgx[ch] = b * float64(invstd.data[ch]) // Σ g·x̂
			gbeta.data[ch] = float32(a)
			ggamma.data[ch] = float32(sgx[ch])
		}
	})
	gx = newTensorLike(x)
	if c == 0 {
		return gx, ggamma, gbeta
	}
	m := float64(n * inner)
	params := make([]float32, asm.BNGradParams*c)
	for ch := range c {
		is := invstd.data[ch]
		k := is
		if gamma != nil {
			k *= gamma.data[ch]
		}
		p := params[ch*asm.BNGradParams:]
		p[0], p[1], p[2] = mean.data[ch], is, k
		p[3], p[4] = float32(sg[ch]/m), float32(sgx[ch]/m)
	}
	parallelFor(n*c, inner, func(lo, hi int) {
		asm.BNGradRows(gx.data[lo*inner:hi*inner], x.data[lo*inner:hi*inner], g.data[lo*inner:hi*inner], hi-lo, inner, params, lo%c)
	})
	return gx, ggamma, gbeta
}
