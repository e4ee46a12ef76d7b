package tensor

import (
	"fmt"
	"math"
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
	return bandMask(g, y, 0x7f800000) // y in (0, +Inf]
}

// Relu6Backward returns g where 0 < y < 6 and 0 elsewhere (y is relu6's
// output, or its input).
func Relu6Backward(g, y *Tensor) *Tensor {
	mustSameShape("Relu6Backward", g, y)
	return bandMask(g, y, six32-1) // y in (0, 6)
}

// six32 is the bit pattern of float32(6).
const six32 = 0x40c00000

// bandMask keeps g where y's bit pattern b lies in [1, limit] — for
// limit ≤ +Inf's pattern, where y is positive and at most the float with
// pattern limit (negative values, zeros and NaNs fall outside) — without
// a branch: b−1 wraps below limit exactly then, and the sign of the
// difference becomes the mask.
func bandMask(g, y *Tensor, limit uint32) *Tensor {
	out := newTensorLike(g)
	gs, ys, os := u32(g.data), u32(y.data), u32(out.data)
	parallelFor(len(os), 1, func(lo, hi int) {
		yb, gb, ob := ys[lo:hi], gs[lo:hi], os[lo:hi]
		gb, ob = gb[:len(yb)], ob[:len(yb)]
		for i, b := range yb {
			u := int64(b - 1)
			ob[i] = gb[i] & uint32((u-int64(limit))>>63)
		}
	})
	return out
}

// Relu6 returns min(max(x, 0), 6) elementwise, without branches: negative
// values (and −0, and negative NaNs) become +0 by their sign bit, and
// patterns above 6's but not NaN become 6. Positive NaNs pass through, as
// in torch.nn.functional.relu6.
func Relu6(x *Tensor) *Tensor {
	out := newTensorLike(x)
	xs, os := u32(x.data), u32(out.data)
	parallelFor(len(os), 1, func(lo, hi int) {
		xb, ob := xs[lo:hi], os[lo:hi]
		ob = ob[:len(xb)]
		for i, v := range xb {
			r := v &^ uint32(int32(v)>>31)
			big := ^((int64(r) - six32) >> 63)          // −1 if r ≥ 6's pattern
			nan := (int64(0x7f800000) - int64(r)) >> 63 // −1 if r is a NaN
			ob[i] = r ^ (r^six32)&uint32(big&^nan)
		}
	})
	return out
}

// AddBiasInPlace adds b[c] to every element of y whose index along axis is
// c (a layer's bias: axis 1 of [N,C,H,W] or of [B,K]). y is modified.
func AddBiasInPlace(y, b *Tensor, axis int) {
	a := normAxis("AddBiasInPlace", axis, len(y.shape))
	c := y.shape[a]
	if len(b.data) != c {
		panic(fmt.Sprintf("tensor.AddBiasInPlace: bias %v for axis %d of %v", b.shape, axis, y.shape))
	}
	outer, inner := Numel(y.shape[:a]), Numel(y.shape[a+1:])
	if inner == 1 {
		// [B, K] + [K]: rows.
		parallelFor(outer, c, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				row := y.data[r*c : (r+1)*c]
				bs := b.data[:len(row)]
				for k := range row {
					row[k] += bs[k]
				}
			}
		})
		return
	}
	parallelFor(outer*c, inner, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			bv := b.data[p%c]
			run := y.data[p*inner : (p+1)*inner]
			for k := range run {
				run[k] += bv
			}
		}
	})
}

// LogSoftmax returns x − log Σ exp(x) along axis, computed per slice in
// float64 after subtracting the slice's maximum.
func LogSoftmax(x *Tensor, axis int) *Tensor {
	a := normAxis("LogSoftmax", axis, len(x.shape))
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

// SiLU returns x·sigmoid(x), the sigmoid rounded to float32 first (as
// Mul(x, Sigmoid(x)) computes it).
func SiLU(x *Tensor) *Tensor {
	out := newTensorLike(x)
	parallelFor(len(out.data), 16, func(lo, hi int) {
		xs, os := x.data[lo:hi], out.data[lo:hi]
		os = os[:len(xs)]
		for i, v := range xs {
			os[i] = v * float32(1/(1+math.Exp(-float64(v))))
		}
	})
	return out
}

// SiLUBackward returns g·(s + x·s·(1 − s)) with s = sigmoid(x): the
// derivative of x·sigmoid(x), in one pass.
func SiLUBackward(g, x *Tensor) *Tensor {
	mustSameShape("SiLUBackward", g, x)
	out := newTensorLike(x)
	parallelFor(len(out.data), 16, func(lo, hi int) {
		xs, gs, os := x.data[lo:hi], g.data[lo:hi], out.data[lo:hi]
		gs, os = gs[:len(xs)], os[:len(xs)]
		for i, v := range xs {
			s := float32(1 / (1 + math.Exp(-float64(v))))
			os[i] = gs[i] * (s + v*s*(1-s))
		}
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
// order (two passes: the mean, then the squared deviations).
func BatchNormStats(x *Tensor) (mean, variance *Tensor) {
	n, c, inner := channelGeom("BatchNormStats", x)
	mean, variance = Zeros(c), Zeros(c)
	cnt := float64(n * inner)
	parallelFor(c, n*inner*2, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			var s float64
			for i := 0; i < n; i++ {
				s += sumRun(x.data[(i*c+ch)*inner : (i*c+ch+1)*inner])
			}
			mu := s / cnt
			var q float64
			for i := 0; i < n; i++ {
				q += sqDevRun(x.data[(i*c+ch)*inner:(i*c+ch+1)*inner], mu)
			}
			mean.data[ch] = float32(mu)
			variance.data[ch] = float32(q / cnt)
		}
	})
	return mean, variance
}

// sqDevRun is Σ (d_i − mu)² in float64 with four partial sums.
func sqDevRun(d []float32, mu float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(d); i += 4 {
		q := d[i : i+4 : i+4]
		a, b, c, e := float64(q[0])-mu, float64(q[1])-mu, float64(q[2])-mu, float64(q[3])-mu
		s0 += a * a
		s1 += b * b
		s2 += c * c
		s3 += e * e
	}
	for ; i < len(d); i++ {
		a := float64(d[i]) - mu
		s0 += a * a
	}
	return (s0 + s1) + (s2 + s3)
}

// ChannelAffine returns x·scale[c] + shift[c] for x [N,C] or [N,C,H,W]
// (batch norm's normalisation and affine transform folded into one pass).
func ChannelAffine(x, scale, shift *Tensor) *Tensor {
	n, c, inner := channelGeom("ChannelAffine", x)
	if len(scale.data) != c || len(shift.data) != c {
		panic(fmt.Sprintf("tensor.ChannelAffine: scale %v and shift %v for %v", scale.shape, shift.shape, x.shape))
	}
	out := newTensorLike(x)
	parallelFor(n*c, inner, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			a, b := scale.data[p%c], shift.data[p%c]
			xs := x.data[p*inner : (p+1)*inner]
			os := out.data[p*inner : (p+1)*inner]
			os = os[:len(xs)]
			for k, v := range xs {
				os[k] = v*a + b
			}
		}
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
// The sums run in float64 in a fixed order.
func BatchNormBackward(x, g, mean, invstd, gamma *Tensor) (gx, ggamma, gbeta *Tensor) {
	mustSameShape("BatchNormBackward", x, g)
	n, c, inner := channelGeom("BatchNormBackward", x)
	ggamma, gbeta = Zeros(c), Zeros(c)
	sg := make([]float64, c)
	sgx := make([]float64, c)
	parallelFor(c, n*inner*2, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			mu := mean.data[ch]
			var a, b float64
			for i := 0; i < n; i++ {
				xs := x.data[(i*c+ch)*inner : (i*c+ch+1)*inner]
				gs := g.data[(i*c+ch)*inner : (i*c+ch+1)*inner]
				gs = gs[:len(xs)]
				var a0, a1, b0, b1 float64
				k := 0
				for ; k+2 <= len(xs); k += 2 {
					a0 += float64(gs[k])
					a1 += float64(gs[k+1])
					b0 += float64(gs[k]) * float64(xs[k]-mu)
					b1 += float64(gs[k+1]) * float64(xs[k+1]-mu)
				}
				for ; k < len(xs); k++ {
					a0 += float64(gs[k])
					b0 += float64(gs[k]) * float64(xs[k]-mu)
				}
				a += a0 + a1
				b += b0 + b1
			}
			sg[ch] = a
			sgx[ch] = b * float64(invstd.data[ch]) // Σ g·x̂
			gbeta.data[ch] = float32(a)
			ggamma.data[ch] = float32(sgx[ch])
		}
	})
	gx = newTensorLike(x)
	m := float64(n * inner)
	parallelFor(n*c, inner, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			ch := p % c
			is := invstd.data[ch]
			k := is
			if gamma != nil {
				k *= gamma.data[ch]
			}
			mu := mean.data[ch]
			mg := float32(sg[ch] / m)
			mgx := float32(sgx[ch] / m)
			xs := x.data[p*inner : (p+1)*inner]
			gs := g.data[p*inner : (p+1)*inner]
			os := gx.data[p*inner : (p+1)*inner]
			gs, os = gs[:len(xs)], os[:len(xs)]
			for i, v := range xs {
				xh := (v - mu) * is
				os[i] = k * (gs[i] - mg - xh*mgx)
			}
		}
	})
	return gx, ggamma, gbeta
}
