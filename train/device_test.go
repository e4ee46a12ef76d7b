package train

import (
	"bytes"
	"math"
	"os"
	"reflect"
	"testing"

	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/devicetest"
	"github.com/modeldoctor/modeldoctor/zoo"
)

// The fake device has no kernels: every op of a step on it runs tensor's
// host code on counted copies. A step there must therefore give the
// host's bits, and the explicit copies it makes are exactly the ones the
// loop asks for.

// lenetBatch is 4 random 1×32×32 images with labels 0–3.
func lenetBatch() data.Batch {
	x := tensor.Uniform(tensor.NewRNG(9), -1, 1, 4, 1, 32, 32)
	return data.Batch{X: x.Data(), N: 4, C: 1, H: 32, W: 32, Labels: []int{0, 1, 2, 3}, Indices: []int{0, 1, 2, 3}}
}

// lenetTrainer is LeNet (10 classes, gray) with SGD, on dev.
func lenetTrainer(t *testing.T, dev tensor.Device, o optim.SGDOptions) *Trainer {
	t.Helper()
	m, _, err := zoo.New("lenet", zoo.Config{Classes: 10, InChannels: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	nn.ToDevice(m, dev)
	return &Trainer{Model: m, Opt: optim.NewSGD(nn.Trainable(m), o), Classes: 10, Opts: Options{Name: "lenet", Device: dev}}
}

// TestDeviceStepMatchesHost: one LeNet step at batch 4 on the fake device
// gives the host's loss, predictions and updated weights bit for bit.
// Plain SGD: its host kernel rounds every operation (asm.SGD), as the
// device path's separate tensor ops do, on every architecture.
func TestDeviceStepMatchesHost(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	host := lenetTrainer(t, tensor.Host, optim.SGDOptions{WeightDecay: 5e-4})
	fake := lenetTrainer(t, dev, optim.SGDOptions{WeightDecay: 5e-4})
	hr, err := host.Step(lenetBatch(), 0, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := fake.Step(lenetBatch(), 0, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if math.Float64bits(fr.Loss) != math.Float64bits(hr.Loss) || !reflect.DeepEqual(fr.Predicted, hr.Predicted) {
		t.Fatalf("device step: loss %v predictions %v, host %v %v", fr.Loss, fr.Predicted, hr.Loss, hr.Predicted)
	}
	nn.ToDevice(fake.Model, tensor.Host)
	hs, fs := nn.StateDict(host.Model), nn.StateDict(fake.Model)
	for i := range hs {
		devicetest.RequireSameBits(t, hs[i].Name, fs[i].Tensor, hs[i].Tensor)
	}
}

// TestDeviceStepTransfers: a step on a device uploads the batch and reads
// back the loss, the gradient check's scalar and the predictions, nothing
// else; every op ran "on the device" (here the fake's counted fallbacks).
func TestDeviceStepTransfers(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	tr := lenetTrainer(t, dev, optim.SGDOptions{Momentum: 0.9, WeightDecay: 5e-4})
	for step := range 2 { // the second step has momentum buffers
		tensor.ResetTransfers()
		if _, err := tr.Step(lenetBatch(), 0, 0.05); err != nil {
			t.Fatal(err)
		}
		s := tensor.Transfers()
		if s.Uploads != 1 || s.UploadElems != 4*32*32 {
			t.Errorf("step %d: %d uploads of %d values, want 1 of %d (the batch)", step, s.Uploads, s.UploadElems, 4*32*32)
		}
		// Loss (1), Σ g·0 over the gradients (1), predictions (4).
		if s.Downloads != 3 || s.DownloadElems != 1+1+4 {
			t.Errorf("step %d: %d downloads of %d values, want 3 of 6 (loss, gradient check, predictions)", step, s.Downloads, s.DownloadElems)
		}
		if len(s.Fallbacks) == 0 {
			t.Errorf("step %d: no op ran on the device", step)
		}
		t.Logf("step %d on %s: fallbacks %v", step, dev, s.Fallbacks)
	}
}

// TestRunOnDeviceMatchesHost: whole runs (batch norm, dropout, SGD with
// Nesterov momentum and weight decay, or Adam; evaluation, validation,
// checkpoints, final weights) on the fake device end with the host's bits
// and write the same weights file, the model back on the host.
func TestRunOnDeviceMatchesHost(t *testing.T) {
	if !devicetest.HostLoopsUnfused() {
		t.Skip("the host loops may fuse multiply-adds here; the device path rounds each operation")
	}
	dev := devicetest.Register(t, "fake:0").Device()
	for _, adam := range []bool{false, true} {
		host := newTinyTrainer(tinySetup{Epochs: 2, Dir: t.TempDir(), Val: true, Adam: adam})
		fake := newTinyTrainer(tinySetup{Epochs: 2, Dir: t.TempDir(), Val: true, Adam: adam})
		fake.Opts.Device = dev
		for _, tr := range []*Trainer{host, fake} {
			if err := tr.Run(); err != nil {
				t.Fatal(err)
			}
		}
		if d := nn.DeviceOf(fake.Model); d != tensor.Host {
			t.Fatalf("after Run the model is on %s", d)
		}
		requireSameState(t, fake, host)
		hw, err := os.ReadFile(host.WeightsPath())
		if err != nil {
			t.Fatal(err)
		}
		fw, err := os.ReadFile(fake.WeightsPath())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(hw, fw) {
			t.Fatalf("adam %v: the weights files differ", adam)
		}
	}
}

// TestEvaluateOnDeviceFreesItsBatches: evaluation on a device hands every
// batch's tensors back (device memory is freed only by Release).
func TestEvaluateOnDeviceFreesItsBatches(t *testing.T) {
	f := devicetest.Register(t, "fake:0")
	m, _, err := zoo.New("lenet", zoo.Config{Classes: 10, InChannels: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	nn.ToDevice(m, f.Device())
	ds := &data.Dataset{Name: "noise", N: 8, C: 1, H: 32, W: 32, Classes: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}}
	ds.Images = tensor.Uniform(tensor.NewRNG(4), 0, 1, 8*32*32).Data()
	ds.Labels = []int{0, 1, 2, 3, 4, 5, 6, 7}
	live := f.Live()
	got := Evaluate(m, data.NewLoader(ds, data.LoaderOptions{BatchSize: 4}), 10)
	if f.Live() != live {
		t.Errorf("%d device buffers live after evaluation, %d before", f.Live(), live)
	}
	nn.ToDevice(m, tensor.Host)
	want := Evaluate(m, data.NewLoader(ds, data.LoaderOptions{BatchSize: 4}), 10)
	if got.Loss != want.Loss || got.Accuracy != want.Accuracy {
		t.Errorf("on the device loss %v accuracy %v, on the host %v %v", got.Loss, got.Accuracy, want.Loss, want.Accuracy)
	}
}
