package optim

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/devicetest"
)

// Parameters on the fake device (no kernels: every op runs tensor's host
// code on counted copies) are updated by the host path's operations in
// the host path's order, so they must end with the host's bits.

// tolerance is 0 (bit for bit) where the host loops round a·b + c twice,
// as the device path's separate tensor ops do (devicetest.HostLoopsUnfused).
func tolerance() float64 {
	if devicetest.HostLoopsUnfused() {
		return 0
	}
	return 1e-6
}

// runOptimizer takes four steps of the optimizer mk builds over two
// parameters on dev, with gradients that change per step, and returns the
// parameters and the optimizer's state on the host.
func runOptimizer(dev tensor.Device, mk func([]*autograd.Value) Optimizer) ([]*tensor.Tensor, map[string]*tensor.Tensor) {
	r := tensor.NewRNG(5)
	ps := []*autograd.Value{autograd.Var(tensor.Uniform(r, -1, 1, 3, 4).To(dev)), autograd.Var(tensor.Uniform(r, -1, 1, 5).To(dev))}
	opt := mk(ps)
	for step := range 4 {
		for i, p := range ps {
			g := tensor.Uniform(tensor.NewRNG(uint64(10*step+i)), -2, 2, p.Shape()...)
			p.Grad = autograd.Const(g.To(dev))
		}
		opt.Step(0.1)
		opt.ZeroGrad()
	}
	out := make([]*tensor.Tensor, len(ps))
	for i, p := range ps {
		out[i] = p.Tensor().To(tensor.Host)
	}
	return out, opt.State()
}

func requireClose(t *testing.T, what string, got, want *tensor.Tensor, tol float64) {
	t.Helper()
	if got.OnDevice() {
		t.Fatalf("%s is on %s", what, got.Device())
	}
	g, w := got.Data(), want.Data()
	for i := range w {
		if tol == 0 && math.Float32bits(g[i]) != math.Float32bits(w[i]) ||
			math.Abs(float64(g[i]-w[i])) > tol*math.Abs(float64(w[i])) {
			t.Fatalf("%s[%d] = %v on the device, %v on the host", what, i, g[i], w[i])
		}
	}
}

func TestOptimizersOnDeviceMatchHost(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	tol := tolerance()
	cases := map[string]func([]*autograd.Value) Optimizer{
		"sgd": func(p []*autograd.Value) Optimizer { return NewSGD(p, SGDOptions{WeightDecay: 1e-2}) },
		"momentum": func(p []*autograd.Value) Optimizer {
			return NewSGD(p, SGDOptions{Momentum: 0.9, Dampening: 0.1, WeightDecay: 1e-2})
		},
		"nesterov": func(p []*autograd.Value) Optimizer {
			return NewSGD(p, SGDOptions{Momentum: 0.9, Nesterov: true, WeightDecay: 1e-2})
		},
		"adam":         func(p []*autograd.Value) Optimizer { return NewAdam(p, AdamOptions{WeightDecay: 1e-2}) },
		"adamw":        func(p []*autograd.Value) Optimizer { return NewAdamW(p, AdamOptions{WeightDecay: 1e-2}) },
		"adam_no_wd":   func(p []*autograd.Value) Optimizer { return NewAdam(p, AdamOptions{}) },
		"sgd_momentum": func(p []*autograd.Value) Optimizer { return NewSGD(p, SGDOptions{Momentum: 0.5}) },
	}
	for name, mk := range cases {
		hp, hs := runOptimizer(tensor.Host, mk)
		dp, ds := runOptimizer(dev, mk)
		for i := range hp {
			requireClose(t, name+" parameter", dp[i], hp[i], tol)
		}
		if len(ds) != len(hs) {
			t.Fatalf("%s: state has %d entries on the device, %d on the host", name, len(ds), len(hs))
		}
		for k, v := range hs {
			requireClose(t, name+" state "+k, ds[k], v, tol)
		}
	}
}

// TestStateFollowsParameters: state saved on the host loads onto the
// parameters' device, and state made on a device comes back with them.
func TestStateFollowsParameters(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	p := autograd.Var(tensor.New([]float32{1, 2}, 2).To(dev))
	opt := NewSGD([]*autograd.Value{p}, SGDOptions{Momentum: 0.9})
	if err := opt.LoadState(map[string]*tensor.Tensor{"momentum_buffer.0": tensor.New([]float32{0.5, -0.5}, 2)}); err != nil {
		t.Fatal(err)
	}
	if d := opt.bufs[0].Device(); d != dev {
		t.Fatalf("loaded state is on %s", d)
	}
	p.Grad = autograd.Const(tensor.New([]float32{1, 1}, 2).To(dev))
	opt.Step(0.1)
	p.MoveTo(tensor.Host)
	p.Grad = autograd.Const(tensor.New([]float32{1, 1}, 2))
	opt.Step(0.1) // the buffer follows the parameter back
	if d := opt.bufs[0].Device(); d != tensor.Host {
		t.Fatalf("state stayed on %s", d)
	}
}

func TestClipGradNormOnDevice(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	mk := func(d tensor.Device) []*autograd.Value {
		ps := []*autograd.Value{autograd.Var(tensor.Zeros(2).To(d)), autograd.Var(tensor.Zeros(1).To(d))}
		ps[0].Grad = autograd.Const(tensor.New([]float32{3, 0}, 2).To(d))
		ps[1].Grad = autograd.Const(tensor.New([]float32{4}, 1).To(d))
		return ps
	}
	host, onDev := mk(tensor.Host), mk(dev)
	hn, dn := ClipGradNorm(host, 1), ClipGradNorm(onDev, 1)
	if hn != 5 || dn != 5 {
		t.Fatalf("norms %v on the host, %v on the device; want 5", hn, dn)
	}
	for i := range host {
		requireClose(t, "clipped gradient", onDev[i].Grad.Tensor().To(tensor.Host), host[i].Grad.Tensor(), 0)
	}
}
