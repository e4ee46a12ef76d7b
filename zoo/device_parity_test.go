package zoo

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// The parity tests through the device path: models moved to the simulated
// CUDA device (cuda/backend.Device, kernels run by the ptx interpreter), with
// host fallbacks refused, at batch 2 (the interpreter is slow), against
// PyTorch's logits where a fixture has them and against the host always.

const parityDevice tensor.Device = "cuda:0"

func simDevice(t *testing.T) {
	t.Helper()
	s, err := backend.NewSim(parityDevice)
	if err != nil {
		t.Fatal(err)
	}
	tensor.RegisterDevice(s)
	t.Cleanup(func() { tensor.UnregisterDevice(parityDevice) })
	prev := tensor.AllowHostFallback(false)
	t.Cleanup(func() { tensor.AllowHostFallback(prev) })
	tensor.ResetTransfers()
	t.Cleanup(func() {
		if s := tensor.Transfers(); s.FallbackCopies != 0 {
			t.Errorf("host fallbacks: %v", s.Fallbacks)
		}
	})
}

// evalLogits runs m in eval mode on x (moved to m's device) and returns
// the logits on the host.
func evalLogits(m nn.Module, x *tensor.Tensor, d tensor.Device) *tensor.Tensor {
	nn.SetTraining(m, false)
	var out *autograd.Value
	autograd.NoGrad(func() { out = nn.Forward(m, autograd.Const(x.To(d))) })
	if out.Device() != d {
		panic("logits on " + string(out.Device()) + ", want " + string(d))
	}
	return out.Tensor().To(tensor.Host)
}

// maxRelDiff returns max |got − want| over max |want|.
func maxRelDiff(got, want []float32) float64 {
	var worst, scale float64
	for i, w := range want {
		scale = math.Max(scale, math.Abs(float64(w)))
		worst = math.Max(worst, math.Abs(float64(got[i])-float64(w)))
	}
	if scale == 0 {
		return worst
	}
	return worst / scale
}

// TestAuthorsWeightsOnDevice: the authors' SimpleCNN weights on the
// device give PyTorch's logits for the fixture's first two images, and
// the host's.
func TestAuthorsWeightsOnDevice(t *testing.T) {
	const batch = 2
	fx := authorsFixture(t)
	all := authorsImages(t, "testdata/authors/images-idx3-ubyte", fx.Dataset)
	x := tensor.New(all.Data()[:batch*all.Len()/all.Shape()[0]], append([]int{batch}, all.Shape()[1:]...)...)
	load := func() nn.Module {
		m, _, err := New(fx.Model, Config{InChannels: fx.InChannels, Width: fx.Width})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := nn.LoadWeights("testdata/authors/simplecnn.safetensors", m, true)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Clean() {
			t.Fatalf("load report: %v", rep)
		}
		return m
	}
	host := evalLogits(load(), x, tensor.Host)
	simDevice(t)
	m := load()
	nn.ToDevice(m, parityDevice)
	got := evalLogits(m, x, parityDevice).Data()

	k := len(fx.Logits[0])
	worst := 0.0
	for i, want := range fx.Logits[:batch] {
		row := got[i*k : (i+1)*k]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
			worst = math.Max(worst, math.Abs(float64(v)-want[j]))
		}
		if best != fx.Classes[i] {
			t.Errorf("image %d: class %d on the device, PyTorch %d (logits %v, PyTorch %v)", i, best, fx.Classes[i], row, want)
		}
	}
	if worst > 1e-4 {
		t.Errorf("device logits differ from PyTorch's by up to %g", worst)
	}
	rel := maxRelDiff(got, host.Data())
	if rel > 1e-5 {
		t.Errorf("device logits differ from the host's by %.3g relative (> 1e-5): %v, host %v", rel, got, host.Data())
	}
	t.Logf("%d images on %s: PyTorch's classes, logits within %.2g of PyTorch's, %.2g relative of the host's", batch, parityDevice, worst, rel)
}

// TestLeNetOnDevice: LeNet with the parity fixtures' weights (no PyTorch
// fixture exists for it) gives the host's eval logits on the device, and
// a training-mode forward and backward the host's parameter gradients.
func TestLeNetOnDevice(t *testing.T) {
	build := func() nn.Module {
		m, _, err := New("lenet", Config{})
		if err != nil {
			t.Fatal(err)
		}
		FillForParity(m)
		return m
	}
	x := ParityInput() // [2, 3, 32, 32]
	labels := []int{3, 7}
	grads := func(m nn.Module, d tensor.Device) (names []string, gs []*tensor.Tensor) {
		nn.SetTraining(m, true)
		loss := autograd.CrossEntropy(nn.Forward(m, autograd.Const(x.To(d))), labels)
		loss.Backward()
		for _, p := range nn.Parameters(m) {
			g := p.Value.Grad
			if g == nil {
				t.Fatalf("%s has no gradient on %s", p.Name, d)
			}
			if g.Device() != d {
				t.Fatalf("the gradient of %s is on %s, want %s", p.Name, g.Device(), d)
			}
			names, gs = append(names, p.Name), append(gs, g.Tensor().To(tensor.Host))
		}
		return names, gs
	}

	hm := build()
	hostLogits := evalLogits(hm, x, tensor.Host)
	names, hostGrads := grads(hm, tensor.Host)

	simDevice(t)
	dm := build()
	nn.ToDevice(dm, parityDevice)
	got := evalLogits(dm, x, parityDevice)
	if rel := maxRelDiff(got.Data(), hostLogits.Data()); rel > 1e-5 {
		t.Errorf("eval logits differ from the host's by %.3g relative (> 1e-5): %v, host %v", rel, got.Data(), hostLogits.Data())
	} else {
		t.Logf("eval logits within %.2g relative of the host's", rel)
	}
	_, devGrads := grads(dm, parityDevice)
	worst := 0.0
	for i, h := range hostGrads {
		rel := maxRelDiff(devGrads[i].Data(), h.Data())
		worst = math.Max(worst, rel)
		if rel > 1e-4 {
			t.Errorf("gradient of %s differs from the host's by %.3g relative (> 1e-4)", names[i], rel)
		}
	}
	t.Logf("%d parameter gradients within %.2g relative of the host's", len(hostGrads), worst)
}
