package tensor_test

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// BenchmarkVecSGDStep times optim.SGD's update (momentum 0.9, weight decay
// 5e-4, after the first step) over 1M parameters: 16 bytes read and 8
// written per parameter.
func BenchmarkVecSGDStep(b *testing.B) {
	r := tensor.NewRNG(1)
	w := autograd.Var(tensor.Normal(r, 0, 1, 1<<20))
	w.Grad = autograd.Const(tensor.Normal(r, 0, 1, 1<<20))
	opt := optim.NewSGD([]*autograd.Value{w}, optim.SGDOptions{Momentum: 0.9, WeightDecay: 5e-4})
	opt.Step(1e-6)
	b.SetBytes(24 << 20)
	for b.Loop() {
		opt.Step(1e-6)
	}
}
