package optim

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// adamScalars are one step's constants, computed once on the host.
type adamScalars struct {
	stepSize, bc2Sqrt, b1, b2, eps, omb1, omb2 float32
}

// stepOnDevice is Step's update of parameter i on its device, in the host
// loop's order (see adam.go):
//
//	w = w·(1 − lr·wd) (AdamW);  g = g + wd·w (Adam with weight decay);
//	m = β₁·m + (1−β₁)·g;  v = β₂·v + (1−β₂)·g·g;
//	w = w − stepSize·m / (√v/√bc₂ + ε).
func (a *Adam) stepOnDevice(i int, p *autograd.Value, lr float64, k adamScalars) {
	if p.Grad == nil {
		return
	}
	o := a.Opt
	w, g := p.BorrowTensor(), p.Grad.BorrowTensor() // unpinned: the gradient goes back after the step
	dev := w.Device()
	if a.avg[i] == nil {
		a.avg[i], a.avgSq[i] = tensor.ZerosLike(w), tensor.ZerosLike(w)
	}
	a.avg[i], a.avgSq[i] = follow(a.avg[i], dev), follow(a.avgSq[i], dev)
	var tmp []*tensor.Tensor
	keep := func(t *tensor.Tensor) *tensor.Tensor { tmp = append(tmp, t); return t }
	cur := w
	if o.Decoupled {
		cur = keep(tensor.MulScalar(w, float32(1-lr*o.WeightDecay)))
	}
	if !o.Decoupled && o.WeightDecay != 0 {
		g = keep(tensor.Add(g, keep(tensor.MulScalar(w, float32(o.WeightDecay)))))
	}
	m := tensor.Add(keep(tensor.MulScalar(a.avg[i], k.b1)), keep(tensor.MulScalar(g, k.omb1)))
	v := tensor.Add(keep(tensor.MulScalar(a.avgSq[i], k.b2)), keep(tensor.Mul(keep(tensor.MulScalar(g, k.omb2)), g)))
	replace(&a.avg[i], m)
	replace(&a.avgSq[i], v)
	sqrtBc2 := keep(tensor.FullOn(dev, k.bc2Sqrt))
	denom := keep(tensor.AddScalar(keep(tensor.Div(keep(tensor.Sqrt(v)), sqrtBc2)), k.eps))
	upd := keep(tensor.Div(keep(tensor.MulScalar(m, k.stepSize)), denom))
	next := keep(tensor.Sub(cur, upd))
	w.CopyFrom(next)
	release(tmp...)
}
