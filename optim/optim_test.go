package optim

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

type optimFixture struct {
	Steps          int
	LR             float64
	P0, P1         []float64
	C0, C1, D0, D1 []float64
	Cases          map[string]struct {
		Options map[string]any
		P0, P1  []float64
	}
	Schedules map[string]map[string]any
}

func loadOptimFixture(t *testing.T) optimFixture {
	raw, err := os.ReadFile("testdata/optim_fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var f optimFixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func f32(xs []float64) []float32 {
	out := make([]float32, len(xs))
	for i, v := range xs {
		out[i] = float32(v)
	}
	return out
}

// TestMatchesPyTorch runs each optimizer for the fixture's steps with the
// gradient g = c·p² + d and compares the parameters with PyTorch's.
func TestMatchesPyTorch(t *testing.T) {
	f := loadOptimFixture(t)
	for name, c := range f.Cases {
		t.Run(name, func(t *testing.T) {
			ps := []*autograd.Value{autograd.Var(tensor.New(f32(f.P0), 3, 4)), autograd.Var(tensor.New(f32(f.P1), 5))}
			cs := [][]float32{f32(f.C0), f32(f.C1)}
			ds := [][]float32{f32(f.D0), f32(f.D1)}
			o := c.Options
			num := func(k string) float64 { v, _ := o[k].(float64); return v }
			var opt Optimizer
			switch o["kind"] {
			case "sgd":
				opt = NewSGD(ps, SGDOptions{Momentum: float32(num("momentum")), Dampening: float32(num("dampening")), WeightDecay: float32(num("weight_decay")), Nesterov: o["nesterov"].(bool)})
			case "adam", "adamw":
				betas := o["betas"].([]any)
				ao := AdamOptions{Beta1: betas[0].(float64), Beta2: betas[1].(float64), Eps: num("eps"), WeightDecay: num("weight_decay")}
				if o["kind"] == "adamw" {
					opt = NewAdamW(ps, ao)
				} else {
					opt = NewAdam(ps, ao)
				}
			}
			for s := 0; s < f.Steps; s++ {
				opt.ZeroGrad()
				for i, p := range ps {
					g := tensor.ZerosLike(p.Tensor())
					for j, w := range p.Data() {
						g.Data()[j] = cs[i][j]*w*w + ds[i][j]
					}
					p.Grad = autograd.Const(g)
				}
				opt.Step(f.LR)
			}
			for i, want := range [][]float64{c.P0, c.P1} {
				for j, w := range want {
					if d := math.Abs(float64(ps[i].Data()[j]) - w); d > 2e-6 {
						t.Errorf("p%d[%d] = %.8f, PyTorch %.8f", i, j, ps[i].Data()[j], w)
					}
				}
			}
		})
	}
}

func TestSchedulesMatchPyTorch(t *testing.T) {
	f := loadOptimFixture(t)
	floats := func(v any) []float64 {
		var out []float64
		for _, x := range v.([]any) {
			out = append(out, x.(float64))
		}
		return out
	}
	ints := func(v any) []int {
		var out []int
		for _, x := range floats(v) {
			out = append(out, int(x))
		}
		return out
	}
	s := f.Schedules
	scheds := map[string]Schedule{
		"step_lr":       StepLR{Base: 0.1, Gamma: s["step_lr"]["gamma"].(float64), Step: int(s["step_lr"]["step"].(float64))},
		"multistep_lr":  MultiStepLR{Base: 0.1, Gamma: s["multistep_lr"]["gamma"].(float64), Milestones: ints(s["multistep_lr"]["milestones"])},
		"cosine":        CosineAnnealingLR{Base: 0.1, Min: s["cosine"]["eta_min"].(float64), TMax: int(s["cosine"]["t_max"].(float64))},
		"linear_warmup": Warmup{Epochs: int(s["linear_warmup"]["total_iters"].(float64)), StartFactor: s["linear_warmup"]["start_factor"].(float64), Then: Constant{0.1}},
	}
	for name, sc := range scheds {
		for e, want := range floats(s[name]["lrs"]) {
			if got := sc.LR(e); math.Abs(got-want) > 1e-9 {
				t.Errorf("%s epoch %d: lr %.10g, PyTorch %.10g", name, e, got, want)
			}
		}
	}
}

// TestStateRoundTrip: an optimizer restored from State continues exactly
// like the original.
func TestStateRoundTrip(t *testing.T) {
	mk := func() []*autograd.Value {
		return []*autograd.Value{autograd.Var(tensor.New([]float32{1, -2, 0.5}, 3))}
	}
	step := func(o Optimizer, ps []*autograd.Value) {
		for _, p := range ps {
			p.Grad = autograd.Const(tensor.AddScalar(tensor.MulScalar(p.Tensor(), 0.3), 0.1))
		}
		o.Step(0.1)
	}
	for _, name := range []string{"sgd", "adam"} {
		build := func(ps []*autograd.Value) Optimizer {
			if name == "sgd" {
				return NewSGD(ps, SGDOptions{Momentum: 0.9, WeightDecay: 1e-3})
			}
			return NewAdam(ps, AdamOptions{WeightDecay: 1e-3})
		}
		a, b := mk(), mk()
		oa := build(a)
		for i := 0; i < 3; i++ {
			step(oa, a)
		}
		b[0].Tensor().CopyFrom(a[0].Tensor())
		ob := build(b)
		if err := ob.LoadState(oa.State()); err != nil {
			t.Fatal(err)
		}
		step(oa, a)
		step(ob, b)
		for i, v := range a[0].Data() {
			if b[0].Data()[i] != v {
				t.Errorf("%s: restored optimizer diverged: %v vs %v", name, b[0].Data(), a[0].Data())
				break
			}
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	p := autograd.Var(tensor.Zeros(2))
	p.Grad = autograd.Const(tensor.New([]float32{3, 4}, 2))
	if n := ClipGradNorm([]*autograd.Value{p}, 1); math.Abs(n-5) > 1e-6 {
		t.Errorf("norm %v, want 5", n)
	}
	g := p.Grad.Data()
	if math.Abs(float64(g[0])-0.6) > 1e-5 || math.Abs(float64(g[1])-0.8) > 1e-5 {
		t.Errorf("clipped gradient %v, want [0.6 0.8]", g)
	}
}

// TestStepsReuseGradientStorage: an optimizer reads the gradients without
// pinning them and ZeroGrad hands their storage back, so after the first
// steps a training loop with FreeValues takes every buffer from the
// allocator's free lists (the gradients were fresh allocations every step
// while the optimizer's reads pinned them).
func TestStepsReuseGradientStorage(t *testing.T) {
	r := tensor.NewRNG(3)
	w := autograd.Const(tensor.Normal(r, 0, 0.1, 64, 64))
	w.SetRequiresGrad(true)
	x := autograd.Const(tensor.Normal(r, 0, 1, 32, 64))
	opts := []Optimizer{NewSGD([]*autograd.Value{w}, SGDOptions{Momentum: 0.9, WeightDecay: 1e-4}), NewAdam([]*autograd.Value{w}, AdamOptions{})}
	for _, opt := range opts {
		for s := range 4 {
			before := tensor.Stats()
			opt.ZeroGrad()
			y := autograd.MatMul(x, w)
			autograd.SumAll(autograd.Mul(y, y)).BackwardWith(nil, autograd.GradOptions{FreeValues: true})
			opt.Step(1e-3)
			after := tensor.Stats()
			if misses := after.Misses - before.Misses; s >= 2 && misses != 0 {
				t.Errorf("%T step %d: %d allocator misses, want 0", opt, s, misses)
			}
		}
		opt.ZeroGrad()
		if w.Grad != nil {
			t.Errorf("%T: ZeroGrad left a gradient", opt)
		}
	}
}
