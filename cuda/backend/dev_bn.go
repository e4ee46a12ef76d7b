package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Batch norm on the simulated device: BatchNormStats, ChannelAffine and
// BatchNormBackward for x [N,C] or [N,C,H,W], viewed as N·C runs of inner
// elements (channel c's runs are c·inner + r·C·inner, r < N).
//
//   - The per-channel sums (the mean and biased variance, batch norm's
//     backward Σg and Σg·(x−μ)) run one thread a channel, in a fixed
//     order (run by run, element by element), in float32 with Kahan
//     compensation; products add their exact rounding error (fma) to the
//     compensation. The host sums in float64, so these agree with it to
//     a few float32 ulp, not bitwise. No atomics: every result is a
//     function of the input alone.
//   - ChannelAffine is x·scale[c] rounded, then + shift[c] rounded
//     (mul.rn, add.rn: asm.AffineRows multiplies then adds, no fma), so
//     it is the host's bit for bit.
//   - The input gradient is asm.BNGradRows' k·((g − mean(g)) −
//     ((x − μ)·σ⁻¹)·mean(g·x̂)), each operation rounded to float32, with
//     k = σ⁻¹·γ as the host rounds it; mean(g) and mean(g·x̂) come from
//     the float32 sums, so gx agrees with the host to within their error.

var bnKernels struct {
	once                      sync.Once
	stats, affine, sums, grad *ptx.Kernel
}

func bnK() (stats, affine, sums, grad *ptx.Kernel) {
	bnKernels.once.Do(func() {
		bnKernels.stats = buildBNStats()
		bnKernels.affine = buildChannelAffine()
		bnKernels.sums = buildBNSums()
		bnKernels.grad = buildBNGrad()
	})
	return bnKernels.stats, bnKernels.affine, bnKernels.sums, bnKernels.grad
}

// kahan is a compensated float32 running sum.
type kahan struct{ acc, comp ptx.F32 }

func newKahan(b *ptx.Builder) kahan {
	k := kahan{b.NewF32(), b.NewF32()}
	b.MovF32To(k.acc, fimm(0))
	b.MovF32To(k.comp, fimm(0))
	return k
}

// add adds v + lo, lo a small correction to v (its rounding error), in
// Kahan's way. Past an infinity the compensation is NaN: it is dropped,
// so the sum stays ±Inf (or NaN) as the host's.
func (k kahan) add(b *ptx.Builder, v, lo ptx.F32) {
	y := b.SubF32(v, b.SubF32(k.comp, lo))
	t := b.AddF32(k.acc, y)
	c := b.SubF32(b.SubF32(t, k.acc), y)
	fin := b.SetpF32(ptx.EQ, b.SubF32(t, t), fimm(0))
	b.MovF32To(k.comp, b.SelpF32(fin, c, fimm(0)))
	b.MovF32To(k.acc, t)
}

// channelRuns emits, for channel ch, body(i) for the flat index i of each
// of its elements in the host's order: runs r < n, then k < inner.
func channelRuns(b *ptx.Builder, ch, c, n, inner ptx.U32, body func(i ptx.U32)) {
	loop(b, n, ptx.ImmU32(0), ptx.ImmU32(1), func(r ptx.U32) {
		base := b.MulU32(b.MadU32(r, c, ch), inner)
		loop(b, inner, ptx.ImmU32(0), ptx.ImmU32(1), func(k ptx.U32) {
			body(b.AddU32(base, k))
		})
	})
}

// perChannel is a grid-stride walk over channels ch < c.
func perChannel(b *ptx.Builder, c ptx.U32, body func(ch ptx.U32)) {
	grid3(b, c, ptx.ImmU32(1), ptx.ImmU32(1), func(ch, _, _ ptx.U32) { body(ch) })
}

// buildBNStats: params (mean, variance, x, c, n, inner, cnt); two passes a
// channel, Σx then Σ(x − μ)², each divided by cnt = n·inner.
func buildBNStats() *ptx.Kernel {
	b := ptx.New("bn_stats_f32")
	mean, variance, x := b.ParamPtr("mean"), b.ParamPtr("variance"), b.ParamPtr("x")
	c, n, inner := b.ParamU32("c"), b.ParamU32("n"), b.ParamU32("inner")
	cnt := b.ParamF32("cnt")
	perChannel(b, c, func(ch ptx.U32) {
		s := newKahan(b)
		channelRuns(b, ch, c, n, inner, func(i ptx.U32) {
			s.add(b, b.LdGlobalF32(b.Index4(x, i), 0), fimm(0))
		})
		mu := b.DivF32(s.acc, cnt)
		q := newKahan(b)
		channelRuns(b, ch, c, n, inner, func(i ptx.U32) {
			d := b.SubF32(b.LdGlobalF32(b.Index4(x, i), 0), mu)
			p := b.MulF32(d, d)
			q.add(b, p, b.FmaF32(d, d, b.MulF32(p, fimm(-1))))
		})
		b.StGlobalF32(b.Index4(mean, ch), 0, mu)
		b.StGlobalF32(b.Index4(variance, ch), 0, b.DivF32(q.acc, cnt))
	})
	return b.Build()
}

// buildChannelAffine: params (y, x, scale, shift, c, inner, n);
// y[i] = x[i]·scale[ch] + shift[ch], ch = (i / inner) mod c.
func buildChannelAffine() *ptx.Kernel {
	b := ptx.New("channel_affine_f32")
	y, x, scale, shift := b.ParamPtr("y"), b.ParamPtr("x"), b.ParamPtr("scale"), b.ParamPtr("shift")
	c, inner, n := b.ParamU32("c"), b.ParamU32("inner"), b.ParamU32("n")
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		ch := b.RemU32(b.DivU32(i, inner), c)
		v := b.MulF32(b.LdGlobalF32(b.Index4(x, i), 0), b.LdGlobalF32(b.Index4(scale, ch), 0))
		b.StGlobalF32(b.Index4(y, i), 0, b.AddF32(v, b.LdGlobalF32(b.Index4(shift, ch), 0)))
	})
	return b.Build()
}

// buildBNSums: params (ggamma, gbeta, x, g, mean, invstd, c, n, inner);
// per channel gβ = Σg and gγ = (Σg·(x − μ))·σ⁻¹, x − μ rounded to
// float32 as the host's.
func buildBNSums() *ptx.Kernel {
	b := ptx.New("bn_backward_sums_f32")
	ggamma, gbeta := b.ParamPtr("ggamma"), b.ParamPtr("gbeta")
	x, g, mean, invstd := b.ParamPtr("x"), b.ParamPtr("g"), b.ParamPtr("mean"), b.ParamPtr("invstd")
	c, n, inner := b.ParamU32("c"), b.ParamU32("n"), b.ParamU32("inner")
	perChannel(b, c, func(ch ptx.U32) {
		mu := b.LdGlobalF32(b.Index4(mean, ch), 0)
		sg, sgx := newKahan(b), newKahan(b)
		channelRuns(b, ch, c, n, inner, func(i ptx.U32) {
			gv := b.LdGlobalF32(b.Index4(g, i), 0)
			d := b.SubF32(b.LdGlobalF32(b.Index4(x, i), 0), mu)
			p := b.MulF32(gv, d)
			sg.add(b, gv, fimm(0))
			sgx.add(b, p, b.FmaF32(gv, d, b.MulF32(p, fimm(-1))))
		})
		b.StGlobalF32(b.Index4(gbeta, ch), 0, sg.acc)
		b.StGlobalF32(b.Index4(ggamma, ch), 0, b.MulF32(sgx.acc, b.LdGlobalF32(b.Index4(invstd, ch), 0)))
	})
	return b.Build()
}

// buildBNGrad: params (gx, x, g, mean, invstd, gamma, ggamma, gbeta,
// has_gamma, c, inner, n, m); per element, with ch = (i / inner) mod c,
// k = σ⁻¹·γ (σ⁻¹ without γ), mean(g) = gβ/m and mean(g·x̂) = gγ/m:
// gx = k·((g − mean(g)) − ((x − μ)·σ⁻¹)·mean(g·x̂)).
func buildBNGrad() *ptx.Kernel {
	b := ptx.New("bn_backward_gx_f32")
	gx, x, g := b.ParamPtr("gx"), b.ParamPtr("x"), b.ParamPtr("g")
	mean, invstd, gamma := b.ParamPtr("mean"), b.ParamPtr("invstd"), b.ParamPtr("gamma")
	ggamma, gbeta := b.ParamPtr("ggamma"), b.ParamPtr("gbeta")
	hasGamma, c, inner, n := b.ParamU32("has_gamma"), b.ParamU32("c"), b.ParamU32("inner"), b.ParamU32("n")
	m := b.ParamF32("m")
	withGamma := b.SetpU32(ptx.NE, hasGamma, ptx.ImmU32(0))
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		ch := b.RemU32(b.DivU32(i, inner), c)
		mu := b.LdGlobalF32(b.Index4(mean, ch), 0)
		is := b.LdGlobalF32(b.Index4(invstd, ch), 0)
		k := b.SelpF32(withGamma, b.MulF32(is, b.LdGlobalF32(b.Index4(gamma, ch), 0)), is)
		mg := b.DivF32(b.LdGlobalF32(b.Index4(gbeta, ch), 0), m)
		mgx := b.DivF32(b.LdGlobalF32(b.Index4(ggamma, ch), 0), m)
		xh := b.MulF32(b.SubF32(b.LdGlobalF32(b.Index4(x, i), 0), mu), is)
		d := b.SubF32(b.SubF32(b.LdGlobalF32(b.Index4(g, i), 0), mg), b.MulF32(xh, mgx))
		b.StGlobalF32(b.Index4(gx, i), 0, b.MulF32(k, d))
	})
	return b.Build()
}

// bnGeom is x's [N,C] or [N,C,H,W] view as n·c runs of inner, ok false
// for other ranks, empty tensors and sizes past 32-bit indexing.
func bnGeom(x *tensor.Tensor) (n, c, inner int, ok bool) {
	s := x.Shape()
	if len(s) != 2 && len(s) != 4 {
		return 0, 0, 0, false
	}
	n, c, inner = s[0], s[1], 1
	if len(s) == 4 {
		inner = s[2] * s[3]
	}
	total := x.Len()
	return n, c, inner, total > 0 && total <= maxElems && n*inner <= maxElems
}

func init() {
	deviceOps["BatchNormStats"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		x := in[0]
		n, c, inner, ok := bnGeom(x)
		if !ok {
			return false
		}
		k, _, _, _ := bnK()
		grid, block := launch3(c, 1, 1)
		s.be.run("BatchNormStats", k, s.m, grid, block, ptr(out[0]), ptr(out[1]), ptr(x),
			uint32(c), uint32(n), uint32(inner), float32(n*inner))
		return true
	}
	deviceOps["ChannelAffine"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		x, scale, shift := in[0], in[1], in[2]
		_, c, inner, ok := bnGeom(x)
		if !ok || scale.Len() != c || shift.Len() != c {
			return false
		}
		_, k, _, _ := bnK()
		nt := x.Len()
		grid, block := launch3(nt, 1, 1)
		s.be.run("ChannelAffine", k, s.m, grid, block, ptr(out[0]), ptr(x), ptr(scale), ptr(shift),
			uint32(c), uint32(inner), uint32(nt))
		return true
	}
	deviceOps["BatchNormBackward"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		x, g, mean, invstd := in[0], in[1], in[2], in[3]
		var gamma *tensor.Tensor
		if len(in) > 4 {
			gamma = in[4]
		}
		n, c, inner, ok := bnGeom(x)
		if !ok || g.Len() != x.Len() || mean.Len() != c || invstd.Len() != c || (gamma != nil && gamma.Len() != c) {
			return false
		}
		_, _, sums, grad := bnK()
		gp, has := ptr(invstd), uint32(0) // a valid buffer, never read without γ
		if gamma != nil {
			gp, has = ptr(gamma), 1
		}
		gx, ggamma, gbeta := out[0], out[1], out[2]
		grid, block := launch3(c, 1, 1)
		s.be.run("BatchNormBackward", sums, s.m, grid, block, ptr(ggamma), ptr(gbeta),
			ptr(x), ptr(g), ptr(mean), ptr(invstd), uint32(c), uint32(n), uint32(inner))
		nt := x.Len()
		grid, block = launch3(nt, 1, 1)
		s.be.run("BatchNormBackward", grad, s.m, grid, block, ptr(gx), ptr(x), ptr(g),
			ptr(mean), ptr(invstd), gp, ptr(ggamma), ptr(gbeta), has, uint32(c), uint32(inner), uint32(nt), float32(n*inner))
		return true
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		a, b, c, d := bnK()
		return []*ptx.Kernel{a, b, c, d}
	})
}
