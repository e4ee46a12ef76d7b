package optim

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// SGDOptions are torch.optim.SGD's options.
type SGDOptions struct {
	Momentum, Dampening, WeightDecay float32
	Nesterov                         bool
}

// SGD is stochastic gradient descent with PyTorch's momentum and coupled
// weight decay: d = g + wd·p; b = μ·b + (1−τ)·d (b = d at the first step);
// d = d + μ·b (Nesterov) or b; p −= lr·d.
type SGD struct {
	Params []*autograd.Value
	Opt    SGDOptions
	bufs   []*tensor.Tensor
}

// NewSGD builds an SGD optimizer over params.
func NewSGD(params []*autograd.Value, o SGDOptions) *SGD {
	return &SGD{Params: params, Opt: o, bufs: make([]*tensor.Tensor, len(params))}
}

// Step implements Optimizer.
func (s *SGD) Step(lr float64) {
	o := s.Opt
	for i, p := range s.Params {
		g := grad(p)
		if g == nil {
			continue
		}
		w := p.Data()
		d := make([]float32, len(w))
		for j := range d {
			d[j] = g[j] + o.WeightDecay*w[j]
		}
		if o.Momentum != 0 {
			if s.bufs[i] == nil {
				s.bufs[i] = tensor.New(append([]float32(nil), d...), p.Shape()...)
			} else {
				b := s.bufs[i].Data()
				for j := range b {
					b[j] = o.Momentum*b[j] + (1-o.Dampening)*d[j]
				}
			}
			b := s.bufs[i].Data()
			for j := range d {
				if o.Nesterov {
					d[j] += o.Momentum * b[j]
				} else {
					d[j] = b[j]
				}
			}
		}
		l := float32(lr)
		for j := range w {
			w[j] -= l * d[j]
		}
	}
}

// ZeroGrad implements Optimizer.
func (s *SGD) ZeroGrad() { zeroGrad(s.Params) }

// State implements Optimizer.
func (s *SGD) State() map[string]*tensor.Tensor {
	st := map[string]*tensor.Tensor{}
	saveBuffers(st, "momentum_buffer", s.bufs)
	return st
}

// LoadState implements Optimizer.
func (s *SGD) LoadState(st map[string]*tensor.Tensor) error {
	return loadBuffers(st, "momentum_buffer", s.Params, s.bufs)
}
