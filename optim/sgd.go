package optim

import (
	"github.com/modeldoctor/modeldoctor/asm"
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

// Step implements Optimizer. Each parameter is updated in one pass with no
// temporary, the operations per element in PyTorch's order (the common
// cases on the asm package's vector kernels, asm.SGD and asm.SGDMomentum);
// a parameter on a device by the same operations as tensor ops there
// (sgd_device.go).
func (s *SGD) Step(lr float64) {
	o := s.Opt
	l := float32(lr)
	for i, p := range s.Params {
		if onDevice(p) {
			s.stepOnDevice(i, p, l)
			continue
		}
		g := grad(p)
		if g == nil {
			continue
		}
		w := p.Data()
		g = g[:len(w)]
		wd := o.WeightDecay
		if o.Momentum == 0 {
			asm.SGD(w, g, l, wd) // w −= l·(g + wd·w)
			continue
		}
		mu, damp := o.Momentum, 1-o.Dampening
		s.bufs[i] = follow(s.bufs[i], tensor.Host) // back from a device with its parameter
		if s.bufs[i] == nil {
			// The first step starts the buffer at d itself.
			s.bufs[i] = tensor.Zeros(p.Shape()...)
			b := s.bufs[i].Data()[:len(w)]
			for j, v := range w {
				d := g[j] + wd*v
				b[j] = d
				if o.Nesterov {
					d += mu * b[j]
				} else {
					d = b[j]
				}
				w[j] = v - l*d
			}
			continue
		}
		b := s.bufs[i].Data()[:len(w)]
		if o.Nesterov {
			for j, v := range w {
				d := g[j] + wd*v
				b[j] = mu*b[j] + damp*d
				w[j] = v - l*(d+mu*b[j])
			}
		} else {
			asm.SGDMomentum(w, g, b, l, wd, mu, damp) // b = mu·b + damp·(g + wd·w); w −= l·b
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
