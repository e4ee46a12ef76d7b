package optim

import (
	"fmt"
	"math"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// AdamOptions are torch.optim.Adam/AdamW's options. Zero values mean
// PyTorch's defaults: betas (0.9, 0.999), eps 1e-8.
type AdamOptions struct {
	Beta1, Beta2, Eps, WeightDecay float64
	// Decoupled selects AdamW: p ← p·(1 − lr·wd) instead of adding wd·p to
	// the gradient.
	Decoupled bool
}

// Adam is Adam (or AdamW) with PyTorch's bias corrections.
type Adam struct {
	Params     []*autograd.Value
	Opt        AdamOptions
	step       int
	avg, avgSq []*tensor.Tensor
}

// NewAdam builds Adam over params.
func NewAdam(params []*autograd.Value, o AdamOptions) *Adam {
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.999
	}
	if o.Eps == 0 {
		o.Eps = 1e-8
	}
	return &Adam{Params: params, Opt: o, avg: make([]*tensor.Tensor, len(params)), avgSq: make([]*tensor.Tensor, len(params))}
}

// NewAdamW builds AdamW (decoupled weight decay; PyTorch's default 1e-2
// when wd is 0 is not assumed: pass it).
func NewAdamW(params []*autograd.Value, o AdamOptions) *Adam {
	o.Decoupled = true
	return NewAdam(params, o)
}

// Step implements Optimizer. A parameter on a device is updated by the
// same operations as tensor ops there (adam_device.go).
func (a *Adam) Step(lr float64) {
	o := a.Opt
	a.step++
	bc1 := 1 - math.Pow(o.Beta1, float64(a.step))
	bc2 := 1 - math.Pow(o.Beta2, float64(a.step))
	stepSize := float32(lr / bc1)
	bc2Sqrt := float32(math.Sqrt(bc2))
	b1, b2, eps := float32(o.Beta1), float32(o.Beta2), float32(o.Eps)
	// 1−β in float64 first: 1 − float32(0.999) is off by 1e-5 relative.
	omb1, omb2 := float32(1-o.Beta1), float32(1-o.Beta2)
	for i, p := range a.Params {
		if onDevice(p) {
			a.stepOnDevice(i, p, lr, adamScalars{stepSize, bc2Sqrt, b1, b2, eps, omb1, omb2})
			continue
		}
		g := grad(p)
		if g == nil {
			continue
		}
		w := p.Data()
		if a.avg[i] == nil {
			a.avg[i] = tensor.ZerosLike(p.Tensor())
			a.avgSq[i] = tensor.ZerosLike(p.Tensor())
		}
		// Back from a device with its parameter.
		a.avg[i], a.avgSq[i] = follow(a.avg[i], tensor.Host), follow(a.avgSq[i], tensor.Host)
		m, v := a.avg[i].Data(), a.avgSq[i].Data()
		if o.Decoupled {
			f := float32(1 - lr*o.WeightDecay)
			for j := range w {
				w[j] *= f
			}
		}
		for j := range w {
			gj := g[j]
			if !o.Decoupled && o.WeightDecay != 0 {
				gj += float32(o.WeightDecay) * w[j]
			}
			m[j] = b1*m[j] + omb1*gj // as torch 1.13 (mul_ then add_)
			v[j] = b2*v[j] + omb2*gj*gj
			denom := float32(math.Sqrt(float64(v[j])))/bc2Sqrt + eps
			w[j] -= stepSize * m[j] / denom
		}
	}
}

// ZeroGrad implements Optimizer.
func (a *Adam) ZeroGrad() { zeroGrad(a.Params) }

// State implements Optimizer.
func (a *Adam) State() map[string]*tensor.Tensor {
	st := map[string]*tensor.Tensor{"step": tensor.Scalar(float32(a.step))}
	saveBuffers(st, "exp_avg", a.avg)
	saveBuffers(st, "exp_avg_sq", a.avgSq)
	return st
}

// LoadState implements Optimizer.
func (a *Adam) LoadState(st map[string]*tensor.Tensor) error {
	s, ok := st["step"]
	if !ok {
		return fmt.Errorf("adam state has no step counter")
	}
	a.step = int(s.Item())
	if err := loadBuffers(st, "exp_avg", a.Params, a.avg); err != nil {
		return err
	}
	return loadBuffers(st, "exp_avg_sq", a.Params, a.avgSq)
}
