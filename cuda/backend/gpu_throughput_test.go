package backend_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
	"github.com/modeldoctor/modeldoctor/zoo"
)

// TestGPUTrainStepThroughput times training steps (SGD with momentum,
// batch 128, 3×32×32) of four zoo models on GPU 0 and prints one table:
// images per second, and the ops that still ran on host copies. It runs
// only with MODELDOCTOR_CUDA=1 (cuda/gpucheck.sh).
func TestGPUTrainStepThroughput(t *testing.T) {
	if os.Getenv("MODELDOCTOR_CUDA") != "1" {
		t.Skip("MODELDOCTOR_CUDA=1 runs it on GPU 0 (cuda/gpucheck.sh)")
	}
	newSim(t)
	const batch, warm, timed = 128, 2, 5
	x := tensor.Uniform(tensor.NewRNG(1), -1, 1, batch, 3, 32, 32).Data()
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = i % 10
	}
	b := data.Batch{X: x, N: batch, C: 3, H: 32, W: 32, Labels: labels, Indices: labels}
	var rows []string
	for _, name := range []string{"lenet", "resnet18", "mobilenetv2", "vgg16"} {
		m, _, err := zoo.New(name, zoo.Config{Classes: 10, InChannels: 3, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		nn.ToDevice(m, "cuda:0")
		tr := &train.Trainer{Model: m, Opt: optim.NewSGD(nn.Trainable(m), optim.SGDOptions{Momentum: 0.9, WeightDecay: 5e-4}),
			Classes: 10, Opts: train.Options{Name: name, Device: "cuda:0"}}
		for range warm { // kernels are JIT-compiled on first use
			if _, err := tr.Step(b, 0, 0.01); err != nil {
				t.Fatal(err)
			}
		}
		tensor.ResetTransfers()
		start := time.Now()
		for range timed {
			if _, err := tr.Step(b, 0, 0.01); err != nil { // reads back the loss: synchronous
				t.Fatal(err)
			}
		}
		sec := time.Since(start).Seconds() / timed
		var fb []string
		for op, n := range tensor.Transfers().Fallbacks {
			fb = append(fb, fmt.Sprintf("%s×%d", op, n/timed))
		}
		rows = append(rows, fmt.Sprintf("| %s | %.1f | %.0f | %s |", name, 1000*sec, batch/sec, strings.Join(fb, " ")))
		nn.ToDevice(m, tensor.Host)
	}
	t.Logf("\n| model | ms/step | img/s | ops on host copies per step |\n|---|---:|---:|---|\n%s", strings.Join(rows, "\n"))
}
