package nn

import (
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
)

func TestNonFinite(t *testing.T) {
	m := newNested(tensor.NewRNG(1))
	if bad := NonFinite(m); bad != nil {
		t.Fatalf("fresh model: %v", bad)
	}
	w := m.features.At(0).(*Conv2d).Weight.Tensor().Data()
	w[3], w[5], w[7] = float32(math.NaN()), float32(math.Inf(-1)), float32(math.NaN())
	rv := m.features.At(1).(*BatchNorm).State.RunningVar.Data()
	rv[2] = float32(math.Inf(1))
	got := NonFinite(m)
	want := []NonFiniteTensor{
		{Name: "features.0.weight", NaN: 2, Inf: 1, Len: len(w), First: 3},
		{Name: "features.1.running_var", Inf: 1, Len: 3, First: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if s := got[0].String(); s != "features.0.weight: 2 NaN, 1 Inf of 54 (first at 3)" {
		t.Fatalf("String: %q", s)
	}
}

func TestFirstNonFiniteGrad(t *testing.T) {
	m := newNested(tensor.NewRNG(1))
	m.features.At(1).(*BatchNorm).Weight.SetRequiresGrad(false) // no gradient: skipped
	params := Parameters(m)
	x := autograd.Const(tensor.Normal(tensor.NewRNG(2), 0, 1, 2, 2, 5, 5))
	autograd.SumAll(Forward(m, x)).Backward()
	if bad, ok := FirstNonFiniteGrad(params); ok {
		t.Fatalf("finite gradients reported: %v", bad)
	}
	g := m.head.Bias.Grad.Tensor().Data()
	g[1] = float32(math.NaN())
	bad, ok := FirstNonFiniteGrad(params)
	want := NonFiniteTensor{Name: "head.bias", Grad: true, NaN: 1, Len: 4, First: 1}
	if !ok || bad != want {
		t.Fatalf("got %v %v, want %v", bad, ok, want)
	}
	if s := bad.String(); s != "gradient of head.bias: 1 NaN, 0 Inf of 4 (first at 1)" {
		t.Fatalf("String: %q", s)
	}
}

// Gradients large enough to be scanned in chunks by several goroutines:
// a bad value in the last chunk is found, and named over a later one.
func TestFirstNonFiniteGradChunks(t *testing.T) {
	sizes := []int{10, 3*scanChunk + 5, 7}
	params := make([]NamedParam, len(sizes))
	for i, n := range sizes {
		v := autograd.Var(tensor.Zeros(n))
		v.Grad = autograd.Const(tensor.Ones(n))
		params[i] = NamedParam{Name: string(rune('a' + i)), Value: v}
	}
	if bad, ok := FirstNonFiniteGrad(params); ok {
		t.Fatalf("finite gradients reported: %v", bad)
	}
	params[2].Value.Grad.Tensor().Data()[0] = float32(math.Inf(1))
	last := sizes[1] - 1
	params[1].Value.Grad.Tensor().Data()[last] = float32(math.NaN())
	bad, ok := FirstNonFiniteGrad(params)
	want := NonFiniteTensor{Name: "b", Grad: true, NaN: 1, Len: sizes[1], First: last}
	if !ok || bad != want {
		t.Fatalf("got %v %v, want %v", bad, ok, want)
	}
}

// BenchmarkFirstNonFiniteGrad times the per-step gradient check against
// the training step it guards (forward, loss, backward, SGD with
// momentum; batch 64) on the two LeNets of the PyTorch comparison: LeNet-5
// (6 and 16 channels, fc 400–120–84–10, 1×32×32: 62 k parameters) and the
// reference LeNet (32 and 64 channels, fc 1024–512–10, 1×28×28: 0.58 M).
// It reports the median check-µs and its share of the median step,
// check-%.
func BenchmarkFirstNonFiniteGrad(b *testing.B) {
	r := tensor.NewRNG(1)
	for _, tc := range []struct {
		name string
		m    Module
		hw   int
	}{
		{"lenet5", NewSequential(
			NewConv2d(r, 1, 6, 5, ConvOptions{}), ReLU(), MaxPool2d(2, 2, 0, false),
			NewConv2d(r, 6, 16, 5, ConvOptions{}), ReLU(), MaxPool2d(2, 2, 0, false),
			Flatten(), NewLinear(r, 400, 120, true), ReLU(), NewLinear(r, 120, 84, true), ReLU(), NewLinear(r, 84, 10, true),
		), 32},
		{"ref", NewSequential(
			NewConv2d(r, 1, 32, 5, ConvOptions{}), ReLU(), MaxPool2d(2, 2, 0, false),
			NewConv2d(r, 32, 64, 5, ConvOptions{}), ReLU(), MaxPool2d(2, 2, 0, false),
			Flatten(), NewLinear(r, 1024, 512, true), ReLU(), NewLinear(r, 512, 10, true),
		), 28},
	} {
		b.Run(tc.name, func(b *testing.B) { benchGradCheck(b, tc.m, tc.hw) })
	}
}

func benchGradCheck(b *testing.B, m Module, hw int) {
	const batch = 64
	x := autograd.Const(tensor.Normal(tensor.NewRNG(2), 0, 1, batch, 1, hw, hw))
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = i % 10
	}
	params := Parameters(m)
	opt := optim.NewSGD(Trainable(m), optim.SGDOptions{Momentum: 0.9, WeightDecay: 5e-4})
	var step, check []time.Duration
	for b.Loop() {
		t0 := time.Now()
		opt.ZeroGrad()
		loss := CrossEntropyLoss{}.Loss(Forward(m, x), labels)
		loss.BackwardWith(nil, autograd.GradOptions{FreeValues: true})
		t1 := time.Now()
		if bad, ok := FirstNonFiniteGrad(params); ok {
			b.Fatal(bad)
		}
		t2 := time.Now()
		opt.Step(0.01)
		step = append(step, t1.Sub(t0)+time.Since(t2))
		check = append(check, t2.Sub(t1))
	}
	// Medians: a preempted step on a busy machine must not swing either.
	c, s := median(check), median(step)
	b.ReportMetric(float64(c.Nanoseconds())/1e3, "check-µs")
	b.ReportMetric(100*float64(c)/float64(s), "check-%")
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}
