package autograd

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// The functions in this file are compositions of the primitive ops, so
// their derivatives of every order come for free — except log_softmax,
// silu and batch_norm, primitives with one-pass kernels whose backward
// functions are again written with differentiable ops.

var (
	opLogSoftmax = register("log_softmax")
	opBatchNorm  = register("batch_norm")
	opSiLU       = register("silu")
)

// SiLU returns x·sigmoid(x). It is a primitive (one pass each way); its
// backward g·(s + x·s·(1 − s)), s = sigmoid(x), is one fused kernel when
// no graph is recorded and the same formula in differentiable ops when one
// is.
func SiLU(x *Value) *Value {
	return record(opSiLU, tensor.SiLU(x.t), []*Value{x}, func(g *Value) []*Value {
		if !GradEnabled() {
			return []*Value{Const(tensor.SiLUBackward(g.t, x.t))}
		}
		s := Sigmoid(x)
		return []*Value{Mul(g, Mul(s, AddScalar(Mul(x, RsubScalar(s, 1)), 1)))}
	})
}

// Hardsigmoid returns relu6(x+3)/6.
func Hardsigmoid(x *Value) *Value { return MulScalar(Relu6(AddScalar(x, 3)), 1.0/6) }

// Hardswish returns x·relu6(x+3)/6.
func Hardswish(x *Value) *Value { return Mul(x, Hardsigmoid(x)) }

// LogSumExp returns log Σ exp(x) along axis, stabilised by the (constant)
// maximum.
func LogSumExp(x *Value, axis int, keepdim bool) *Value {
	m := Const(tensor.Max(x.t, []int{axis}, true))
	s := Add(Log(Sum(Exp(Sub(x, m)), []int{axis}, true)), m)
	if keepdim {
		return s
	}
	return Reshape(s, tensor.Max(x.t, []int{axis}, false).Shape()...)
}

// LogSoftmax returns x − logsumexp(x) along axis. It is a primitive (one
// pass per slice); its backward g − exp(y)·Σg is written with the
// differentiable ops, y being its own output.
func LogSoftmax(x *Value, axis int) *Value {
	var out *Value
	out = record(opLogSoftmax, tensor.LogSoftmax(x.t, axis), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Sub(g, Mul(Exp(out), Sum(g, []int{axis}, true)))}
	})
	return out
}

// Softmax returns exp(x)/Σexp(x) along axis.
func Softmax(x *Value, axis int) *Value {
	m := Const(tensor.Max(x.t, []int{axis}, true))
	e := Exp(Sub(x, m))
	return Div(e, Sum(e, []int{axis}, true))
}

// CrossEntropyOptions are PyTorch's cross_entropy options (mean reduction).
type CrossEntropyOptions struct {
	// Weight, when set, weighs each class (length K).
	Weight []float32
	// LabelSmoothing mixes the targets with the uniform distribution.
	LabelSmoothing float32
}

// CrossEntropy is the mean cross-entropy of logits [B, K] against labels.
func CrossEntropy(logits *Value, labels []int) *Value {
	return CrossEntropyWith(logits, labels, CrossEntropyOptions{})
}

// CrossEntropyWith is CrossEntropy with class weights and label smoothing,
// normalised as PyTorch does (by the summed weights of the labels).
func CrossEntropyWith(logits *Value, labels []int, o CrossEntropyOptions) *Value {
	s := logits.Shape()
	if len(s) != 2 || s[0] != len(labels) {
		panic(fmt.Sprintf("autograd.CrossEntropy: logits %v for %d labels", s, len(labels)))
	}
	k := s[1]
	for _, l := range labels {
		if l < 0 || l >= k {
			panic(fmt.Sprintf("autograd.CrossEntropy: label %d out of range [0, %d)", l, k))
		}
	}
	if o.Weight != nil && len(o.Weight) != k {
		panic(fmt.Sprintf("autograd.CrossEntropy: %d class weights for %d classes", len(o.Weight), k))
	}
	logp := LogSoftmax(logits, 1)
	// Per-sample weights of the true class.
	wy := make([]float32, len(labels))
	var wsum float32
	for i, l := range labels {
		wy[i] = 1
		if o.Weight != nil {
			wy[i] = o.Weight[l]
		}
		wsum += wy[i]
	}
	picked := PickLabels(logp, labels)
	dev := logits.t.Device()
	nll := MulScalar(Sum(Mul(picked, Const(sampleWeights(dev, wy, o.Weight == nil))), nil, false), -1/wsum)
	if o.LabelSmoothing == 0 {
		return nll
	}
	all := logp
	if o.Weight != nil {
		all = Mul(logp, Const(tensor.New(append([]float32(nil), o.Weight...), k).To(dev)))
	}
	smooth := MulScalar(SumAll(all), -1/wsum)
	eps := o.LabelSmoothing
	return Add(MulScalar(nll, 1-eps), MulScalar(smooth, eps/float32(k)))
}

// sampleWeights is the per-sample weights wy as a tensor on dev. Without
// class weights they are all 1 and a device fills them itself; with them
// they depend on the labels and are uploaded, per call (counted).
func sampleWeights(dev tensor.Device, wy []float32, ones bool) *tensor.Tensor {
	if dev != tensor.Host && ones {
		return tensor.FullOn(dev, 1, len(wy))
	}
	return tensor.New(wy, len(wy)).To(dev)
}

// NLLLoss is the mean negative log-likelihood of log-probabilities [B, K].
func NLLLoss(logp *Value, labels []int) *Value {
	return MulScalar(SumAll(PickLabels(logp, labels)), -1/float32(len(labels)))
}

// MSELoss is the mean squared error.
func MSELoss(x, target *Value) *Value { return Mean(Square(Sub(x, target)), nil, false) }

// BCEWithLogits is the mean binary cross-entropy of logits x against
// targets in [0, 1], computed stably as relu(x) − x·t + log(1 + e^−|x|).
func BCEWithLogits(x, target *Value) *Value {
	l := Add(Sub(Relu(x), Mul(x, target)), Log(AddScalar(Exp(Neg(Abs(x))), 1)))
	return Mean(l, nil, false)
}

// BatchNormState holds a batch norm's running statistics; Update says
// whether a training pass should update them.
type BatchNormState struct {
	RunningMean, RunningVar *tensor.Tensor
	Momentum, Eps           float32
}

// BatchNorm normalises x [N,C] or [N,C,H,W] per channel. In training it
// uses the batch statistics (biased variance) and updates the running ones
// with the unbiased variance, as PyTorch does; in evaluation it uses the
// running statistics. gamma and beta may be nil (no affine transform).
//
// Training mode is the primitive batch_norm: one pass for the statistics
// and one for y = x·scale + shift (scale = γ·σ⁻¹, shift = β − μ·scale, as
// PyTorch's CPU kernel folds them). Its backward, without a graph to
// record, is one fused kernel; with one (createGraph) it is the same
// formula written with differentiable ops, the statistics recomputed from
// x, so that derivatives of every order stay exact.
func BatchNorm(x, gamma, beta *Value, st *BatchNormState, training bool) *Value {
	s := x.Shape()
	if len(s) != 2 && len(s) != 4 {
		panic(fmt.Sprintf("autograd.BatchNorm: want [N,C] or [N,C,H,W], got %v", s))
	}
	c := s[1]
	bshape := []int{1, c}
	if len(s) == 4 {
		bshape = []int{1, c, 1, 1}
	}
	if !training {
		// y = x·scale + shift with scale = γ/√(running var + eps) and
		// shift = β − running mean·scale.
		inv := tensor.Recip(tensor.Sqrt(tensor.AddScalar(st.RunningVar, st.Eps)))
		scale := Const(inv)
		if gamma != nil {
			scale = Mul(gamma, scale)
		}
		shift := Neg(Mul(Const(st.RunningMean), scale))
		if beta != nil {
			shift = Add(beta, shift)
		}
		return Add(Mul(x, Reshape(scale, bshape...)), Reshape(shift, bshape...))
	}
	mean, variance := tensor.BatchNormStats(x.t)
	if st.RunningMean != nil && x.t.OnDevice() {
		updateRunningStats(st, mean, variance, float32(x.t.Len()/c))
	} else if st.RunningMean != nil {
		n := float32(x.t.Len() / c)
		m := st.Momentum
		rm, rv := st.RunningMean.Data(), st.RunningVar.Data()
		mv, vv := mean.Data(), variance.Data()
		for i := 0; i < c; i++ {
			rm[i] = (1-m)*rm[i] + m*mv[i]
			rv[i] = (1-m)*rv[i] + m*vv[i]*n/max(n-1, 1)
		}
	}
	invstd := tensor.Recip(tensor.Sqrt(tensor.AddScalar(variance, st.Eps)))
	scale := invstd
	if gamma != nil {
		scale = tensor.Mul(invstd, gamma.t)
	}
	shift := tensor.Neg(tensor.Mul(mean, scale))
	if beta != nil {
		shift = tensor.Add(beta.t, shift)
	}
	inputs := []*Value{x}
	if gamma != nil {
		inputs = append(inputs, gamma)
	}
	if beta != nil {
		inputs = append(inputs, beta)
	}
	eps := st.Eps
	return record(opBatchNorm, tensor.ChannelAffine(x.t, scale, shift), inputs, func(g *Value) []*Value {
		var gx, ggamma, gbeta *Value
		if !GradEnabled() {
			var gt *tensor.Tensor
			if gamma != nil {
				gt = gamma.t
			}
			a, b, c := tensor.BatchNormBackward(x.t, g.t, mean, invstd, gt)
			gx, ggamma, gbeta = Const(a), Const(b), Const(c)
		} else {
			gx, ggamma, gbeta = batchNormBackward(x, g, gamma, eps, bshape)
		}
		out := []*Value{gx}
		if gamma != nil {
			out = append(out, ggamma)
		}
		if beta != nil {
			out = append(out, gbeta)
		}
		return out
	})
}

// updateRunningStats is the running-statistics update of BatchNorm's host
// loop written with tensor ops, for statistics on a device: the same
// float32 operations in the same order (n elements per channel),
//
//	rm = (1−m)·rm + m·mean,  rv = (1−m)·rv + m·var·n/max(n−1, 1).
func updateRunningStats(st *BatchNormState, mean, variance *tensor.Tensor, n float32) {
	m := st.Momentum
	dev := mean.Device()
	keep := func(old *tensor.Tensor, scaledNew *tensor.Tensor) {
		kept := tensor.MulScalar(old, 1-m)
		sum := tensor.Add(kept, scaledNew)
		old.CopyFrom(sum)
		for _, t := range []*tensor.Tensor{kept, scaledNew, sum} {
			tensor.Release(t)
		}
	}
	keep(st.RunningMean, tensor.MulScalar(mean, m))
	mv := tensor.MulScalar(variance, m)
	mvn := tensor.MulScalar(mv, n)
	den := tensor.FullOn(dev, max(n-1, 1))
	keep(st.RunningVar, tensor.Div(mvn, den))
	for _, t := range []*tensor.Tensor{mv, mvn, den} {
		tensor.Release(t)
	}
}

// batchNormBackward is batch norm's gradient written with differentiable
// ops (m elements per channel, sums per channel):
//
//	x̂ = (x − μ)·σ⁻¹,  gβ = Σ g,  gγ = Σ g·x̂,  gx = γ·σ⁻¹·(g − gβ/m − x̂·gγ/m).
func batchNormBackward(x, g, gamma *Value, eps float32, bshape []int) (gx, ggamma, gbeta *Value) {
	axes := []int{0}
	if len(bshape) == 4 {
		axes = []int{0, 2, 3}
	}
	m := float32(x.t.Len() / bshape[1])
	mean := Mean(x, axes, true)
	xc := Sub(x, mean)
	invstd := PowScalar(AddScalar(Mean(Square(xc), axes, true), eps), -0.5)
	xhat := Mul(xc, invstd)
	gb := Sum(g, axes, true)
	gg := Sum(Mul(g, xhat), axes, true)
	k := invstd
	if gamma != nil {
		k = Mul(k, Reshape(gamma, bshape...))
	}
	gx = Mul(k, Sub(Sub(g, MulScalar(gb, 1/m)), Mul(xhat, MulScalar(gg, 1/m))))
	c := bshape[1]
	return gx, Reshape(gg, c), Reshape(gb, c)
}

// Dropout zeroes each element with probability p and scales the rest by
// 1/(1−p) in training; it is the identity otherwise. The mask is drawn
// where x is (tensor.BernoulliOn: on a device, the host's stream drawn
// there, no upload). Dropout2d likewise.
func Dropout(x *Value, p float64, rng *tensor.RNG, training bool) *Value {
	if !training || p == 0 {
		return x
	}
	mask := tensor.MulScalar(tensor.BernoulliOn(x.t.Device(), rng, 1-p, x.Shape()...), float32(1/(1-p)))
	return Mul(x, Const(mask))
}

// Dropout2d zeroes whole channels of [N,C,H,W] with probability p.
func Dropout2d(x *Value, p float64, rng *tensor.RNG, training bool) *Value {
	if !training || p == 0 {
		return x
	}
	s := x.Shape()
	mask := tensor.MulScalar(tensor.BernoulliOn(x.t.Device(), rng, 1-p, s[0], s[1], 1, 1), float32(1/(1-p)))
	return Mul(x, Const(mask))
}
