package zoo

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// BenchmarkTrainStep measures one SGD training step (forward, backward,
// update) at batch 32, 32×32 inputs, for every model; images/s is the
// figure BENCHMARKS.md records. The step is train.Trainer's: the backward
// pass hands each activation back to the tensor pool once it is used
// (FreeValues), so the next step reuses warm buffers instead of faulting
// in fresh pages. Run one model with -bench 'TrainStep/resnet18$'.
func BenchmarkTrainStep(b *testing.B) {
	for _, name := range Names() {
		b.Run(name, func(b *testing.B) {
			m, _, err := New(name, Config{Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			const batch = 32
			x := autograd.Const(tensor.Normal(tensor.NewRNG(1), 0, 1, batch, 3, 32, 32))
			labels := make([]int, batch)
			for i := range labels {
				labels[i] = i % 10
			}
			opt := optim.NewSGD(nn.Trainable(m), optim.SGDOptions{Momentum: 0.9, WeightDecay: 5e-4})
			step := func() {
				opt.ZeroGrad()
				loss := autograd.CrossEntropy(nn.Forward(m, x), labels)
				loss.BackwardWith(nil, autograd.GradOptions{FreeValues: true})
				opt.Step(0.01)
			}
			// One untimed step, as the PyTorch side takes: the first step
			// faults in every buffer and creates the momentum state.
			step()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step()
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}
