package doctor_test

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/doctor"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/zoo"
)

// BenchmarkStep compares a plain training step (cross-entropy) with a
// treat step (cross-entropy + the channel constraint at the doctor layer,
// second order) on the same model and batch. The treat/plain ratio is the
// figure BENCHMARKS.md records; run e.g.
//
//	go test -run XXX -bench 'Step/resnet18' -benchtime 10x -count 5 ./doctor
func BenchmarkStep(b *testing.B) {
	for _, c := range []struct {
		model string
		batch int
	}{{"resnet18", 32}, {"lenet", 128}} {
		m, spec, err := zoo.New(c.model, zoo.Config{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		x := autograd.Const(tensor.Normal(tensor.NewRNG(1), 0, 1, c.batch, 3, 32, 32))
		labels := make([]int, c.batch)
		for i := range labels {
			labels[i] = i % 10
		}
		batch := data.Batch{Labels: labels, Indices: labels}
		opt := optim.NewSGD(nn.Trainable(m), optim.SGDOptions{Momentum: 0.9, WeightDecay: 5e-4})
		probe, err := nn.Find(m, spec.DoctorLayer)
		if err != nil {
			b.Fatal(err)
		}
		channels := 0
		remove := probe.ModuleBase().AddHook(func(y *autograd.Value) *autograd.Value { channels = y.Shape()[1]; return y })
		autograd.NoGrad(func() { nn.Forward(m, autograd.Const(tensor.Zeros(2, 3, 32, 32))) })
		remove()
		mask := tensor.Bernoulli(tensor.NewRNG(2), 0.3, 10, channels)
		cons := &doctor.Constraint{Layer: spec.DoctorLayer, Mask: mask, Alpha: 10}
		step := func(loss func() *autograd.Value) {
			opt.ZeroGrad()
			loss().Backward()
			opt.Step(0.001)
		}
		b.Run(c.model+"/plain", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				step(func() *autograd.Value { return autograd.CrossEntropy(nn.Forward(m, x), labels) })
			}
			b.ReportMetric(float64(c.batch*b.N)/b.Elapsed().Seconds(), "images/s")
		})
		b.Run(c.model+"/treat", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				step(func() *autograd.Value { l, _, _ := cons.Loss(m, x, batch); return l })
			}
			b.ReportMetric(float64(c.batch*b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}
