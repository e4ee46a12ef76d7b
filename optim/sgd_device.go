package optim

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// stepOnDevice is Step's update of parameter i on its device, in the
// host loops' order (see sgd.go):
//
//	d = g + wd·w;  b = d (first step) or μ·b + (1−τ)·d;
//	w = w − lr·(d + μ·b) (Nesterov) or w − lr·b; w − lr·d without momentum.
func (s *SGD) stepOnDevice(i int, p *autograd.Value, lr float32) {
	if p.Grad == nil {
		return
	}
	o := s.Opt
	w, g := p.BorrowTensor(), p.Grad.BorrowTensor() // unpinned: the gradient goes back after the step
	d, wdw := decayed(g, w, o.WeightDecay)
	release(wdw)
	if o.Momentum == 0 {
		stepTo(w, d, lr)
		release(d)
		return
	}
	mu := o.Momentum
	b := follow(s.bufs[i], w.Device())
	s.bufs[i] = b
	nb := d // the first step starts the buffer at d itself
	if b != nil {
		kept := tensor.MulScalar(b, mu)
		dd := tensor.MulScalar(d, 1-o.Dampening)
		nb = tensor.Add(kept, dd)
		release(kept, dd)
	}
	replace(&s.bufs[i], nb)
	if o.Nesterov {
		mb := tensor.MulScalar(nb, mu)
		dn := tensor.Add(d, mb)
		stepTo(w, dn, lr)
		release(mb, dn)
	} else {
		stepTo(w, nb, lr)
	}
	if nb != d {
		release(d)
	}
}
