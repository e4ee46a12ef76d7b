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
	// Tracked is num_batches_tracked. It stays on the host when the module
	// moves to a device (ToDevice): an integer counter no op reads, so
	// Forward counts it up in host memory.
	Tracked *Buffer
	// mean and variance are the buffers whose tensors State points to.
	mean, variance *Buffer
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
	b.mean = b.Buf("running_mean", tensor.Zeros(c), false)
	b.variance = b.Buf("running_var", tensor.Ones(c), false)
	b.buffersMoved()
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

// buffersMoved points State at the running statistics' tensors (again,
// after ToDevice replaced them).
func (b *BatchNorm) buffersMoved() {
	b.State.RunningMean, b.State.RunningVar = b.mean.T, b.variance.T
}
