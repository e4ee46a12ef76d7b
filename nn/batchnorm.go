package nn

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// BatchNorm normalises channels of [N,C] (BatchNorm1d) or [N,C,H,W]
// (BatchNorm2d) inputs; the two share this type since the math is one.
type BatchNorm struct {
	Base
	Weight, Bias *autograd.Value
	State        autograd.BatchNormState
	Tracked      *Buffer // num_batches_tracked
}

// BatchNormOptions: zero values mean PyTorch's defaults (momentum 0.1,
// eps 1e-5, affine).
type BatchNormOptions struct {
	Momentum, Eps float32
	NoAffine      bool
}

// NewBatchNorm2d builds a batch norm over c channels.
func NewBatchNorm2d(c int, o BatchNormOptions) *BatchNorm {
	if o.Momentum == 0 {
		o.Momentum = 0.1
	}
	if o.Eps == 0 {
		o.Eps = 1e-5
	}
	b := &BatchNorm{}
	if !o.NoAffine {
		b.Weight = b.Param("weight", tensor.Ones(c))
		b.Bias = b.Param("bias", tensor.Zeros(c))
	}
	b.State = autograd.BatchNormState{Momentum: o.Momentum, Eps: o.Eps}
	b.State.RunningMean = b.Buf("running_mean", tensor.Zeros(c), false).T
	b.State.RunningVar = b.Buf("running_var", tensor.Ones(c), false).T
	b.Tracked = b.Buf("num_batches_tracked", tensor.Zeros(), true)
	return b
}

// NewBatchNorm1d is NewBatchNorm2d for [N,C] inputs.
func NewBatchNorm1d(c int, o BatchNormOptions) *BatchNorm { return NewBatchNorm2d(c, o) }

// Forward implements Module.
func (b *BatchNorm) Forward(x *autograd.Value) *autograd.Value {
	if b.Training() {
		b.Tracked.T.Data()[0]++
	}
	return autograd.BatchNorm(x, b.Weight, b.Bias, &b.State, b.Training())
}
