package backend_test

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/doctor"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
	"github.com/modeldoctor/modeldoctor/zoo"
)

// The transfer-count tests: a training step and a Model Doctor treat step
// (second order) of LeNet and SimpleCNN (batch norm) on the simulated
// device, with host fallbacks refused, copy only the batch and what the
// loop reads back, hold the same device memory step after step, and agree
// with the same steps on the host.

const stepBatch = 2

func stepData() data.Batch {
	x := tensor.Uniform(tensor.NewRNG(9), -1, 1, stepBatch, 1, 32, 32)
	return data.Batch{X: x.Data(), N: stepBatch, C: 1, H: 32, W: 32, Labels: []int{3, 7}, Indices: []int{0, 1}}
}

// stepTrainer is a model with momentum SGD on dev; loss nil is
// cross-entropy, else a Model Doctor constraint moved to dev (once,
// before any step, as Treat does).
func stepTrainer(t *testing.T, model string, dev tensor.Device, treat bool) *train.Trainer {
	t.Helper()
	m, spec, err := zoo.New(model, zoo.Config{Classes: 10, InChannels: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	nn.ToDevice(m, dev)
	tr := &train.Trainer{Model: m, Opt: optim.NewSGD(nn.Trainable(m), optim.SGDOptions{Momentum: 0.9, WeightDecay: 5e-4}),
		Classes: 10, Opts: train.Options{Name: model, Device: dev}}
	if treat {
		r := tensor.NewRNG(21)
		const ch = 16 // LeNet's conv2, the one model treated here
		cons := doctor.Constraint{Layer: spec.CaptureLayer(), Mask: tensor.Bernoulli(r, 0.5, 10, ch), Alpha: 0.5, Beta: 0.1,
			Spatial: map[int]*tensor.Tensor{0: tensor.Bernoulli(r, 0.5, 32, 32)}}.To(dev)
		tr.Loss = cons.Loss
	}
	return tr
}

func TestStepsStayOnTheDevice(t *testing.T) {
	for _, c := range []struct {
		model string
		treat bool
		// Uploads: the batch, and once per step its labels (host
		// indices: every gather and scatter by label reads the copy the
		// device keeps until the step's scope closes); a treat step also
		// the confusing classes, which the host picks from the logits it
		// read back.
		labelUploads int64
		// Downloads: loss, gradient check, predictions; a treat step
		// also the logits (for its confusing classes) and its four
		// logged terms in one read.
		downloads, downloadElems int64
	}{
		{"lenet", false, 1, 3, 1 + 1 + stepBatch},
		{"simplecnn", false, 1, 3, 1 + 1 + stepBatch},
		{"lenet", true, 2, 5, 10*stepBatch + 4 + 1 + 1 + stepBatch},
	} {
		name := c.model
		if c.treat {
			name += "-treat"
		}
		t.Run(name, func(t *testing.T) {
			sim := newSim(t)
			host := stepTrainer(t, c.model, tensor.Host, c.treat)
			dev := stepTrainer(t, c.model, "cuda:0", c.treat)
			tensor.AllowHostFallback(false)
			live := 0
			for step := range 2 {
				want, err := host.Step(stepData(), 0, 0.05)
				if err != nil {
					t.Fatal(err)
				}
				tensor.ResetTransfers()
				got, err := dev.Step(stepData(), 0, 0.05)
				if err != nil {
					t.Fatal(err)
				}
				s := tensor.Transfers()
				if s.Uploads != 1+c.labelUploads || s.UploadElems != stepBatch*32*32+c.labelUploads*stepBatch {
					t.Errorf("step %d: %d uploads of %d values, want the batch and %d label lists", step, s.Uploads, s.UploadElems, c.labelUploads)
				}
				if s.Downloads != c.downloads || s.DownloadElems != c.downloadElems {
					t.Errorf("step %d: %d downloads of %d values, want %d of %d", step, s.Downloads, s.DownloadElems, c.downloads, c.downloadElems)
				}
				if s.FallbackCopies != 0 {
					t.Errorf("step %d: fallbacks %v", step, s.Fallbacks)
				}
				if step == 0 {
					live = sim.Live()
				} else if sim.Live() != live {
					t.Errorf("step %d: %d device buffers live, %d after the first step (a leak)", step, sim.Live(), live)
				}
				if math.Abs(got.Loss-want.Loss) > 1e-4*(1+math.Abs(want.Loss)) {
					t.Errorf("step %d: loss %v on the device, %v on the host", step, got.Loss, want.Loss)
				}
				for k, v := range want.Extra {
					if math.Abs(got.Extra[k]-v) > 1e-3*(1+math.Abs(v)) {
						t.Errorf("step %d: %s %v on the device, %v on the host", step, k, got.Extra[k], v)
					}
				}
			}
			nn.ToDevice(dev.Model, tensor.Host)
			hs, ds := nn.StateDict(host.Model), nn.StateDict(dev.Model)
			for i := range hs {
				h, d := hs[i].Tensor.Data(), ds[i].Tensor.Data()
				for j := range h {
					if math.Abs(float64(d[j]-h[j])) > 1e-4*(1+math.Abs(float64(h[j]))) {
						t.Fatalf("after 2 steps %s[%d] = %v on the device, %v on the host", hs[i].Name, j, d[j], h[j])
					}
				}
			}
		})
	}
}
