package nn

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/devicetest"
)

// bnNet is conv–BN–flatten–linear with running statistics that are not
// the initial ones.
func bnNet() *Sequential {
	r := tensor.NewRNG(4)
	m := NewSequential(NewConv2d(r, 2, 3, 3, ConvOptions{Padding: 1}), NewBatchNorm2d(3, BatchNormOptions{}), Flatten(), NewLinear(r, 3*4*4, 5, true))
	bn := m.layers[1].(*BatchNorm)
	bn.State.RunningMean.CopyFrom(tensor.Uniform(r, -1, 1, 3))
	bn.State.RunningVar.CopyFrom(tensor.Uniform(r, 0.5, 2, 3))
	bn.Tracked.T.Data()[0] = 7
	return m
}

// clonedState is m's state dict with every tensor copied, to compare
// against after m changes.
func clonedState(m Module) []StateEntry {
	want := StateDict(m)
	for i := range want {
		want[i].Tensor = want[i].Tensor.Clone()
	}
	return want
}

func sameBits(a, b *tensor.Tensor) bool {
	x, y := a.Data(), b.Data()
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			return false
		}
	}
	return true
}

// TestToDeviceRoundTrip: every parameter and float buffer moves to the
// device and back bit for bit; the integer counter stays on the host.
func TestToDeviceRoundTrip(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	m := bnNet()
	want := clonedState(m)
	ToDevice(m, dev)
	if d := DeviceOf(m); d != dev {
		t.Fatalf("DeviceOf = %s, want %s", d, dev)
	}
	for _, e := range StateDict(m) {
		if on := e.Tensor.Device(); (e.Int && on != tensor.Host) || (!e.Int && on != dev) {
			t.Errorf("%s is on %s", e.Name, on)
		}
	}
	bn := m.layers[1].(*BatchNorm)
	if bn.State.RunningMean.Device() != dev || bn.State.RunningVar.Device() != dev {
		t.Error("BatchNorm.State does not point at the moved running statistics")
	}
	ToDevice(m, tensor.Host)
	got := StateDict(m)
	for i := range want {
		if got[i].Tensor.Device() != tensor.Host || !sameBits(got[i].Tensor, want[i].Tensor) {
			t.Errorf("%s did not come back bit for bit", want[i].Name)
		}
	}
}

// TestBatchNormOnDevice: a training forward on the device gives the host's
// output and running statistics bit for bit and counts the batch.
func TestBatchNormOnDevice(t *testing.T) {
	if !devicetest.HostLoopsUnfused() {
		t.Skip("the host loop may fuse multiply-adds here; the device path rounds each operation")
	}
	dev := devicetest.Register(t, "fake:0").Device()
	x := tensor.Uniform(tensor.NewRNG(5), -2, 2, 4, 2, 4, 4)
	host, onDev := bnNet(), bnNet()
	ToDevice(onDev, dev)
	hy := Forward(host, autograd.Const(x)).Tensor()
	dy := Forward(onDev, autograd.Const(x.To(dev))).Tensor().To(tensor.Host)
	if !sameBits(dy, hy) {
		t.Error("outputs differ")
	}
	ToDevice(onDev, tensor.Host)
	hs, ds := StateDict(host), StateDict(onDev)
	for i := range hs {
		if !sameBits(ds[i].Tensor, hs[i].Tensor) {
			t.Errorf("%s differs: %v, host %v", hs[i].Name, ds[i].Tensor, hs[i].Tensor)
		}
	}
	if n := onDev.layers[1].(*BatchNorm).Tracked.T.Item(); n != 8 {
		t.Errorf("num_batches_tracked = %v, want 8", n)
	}
}

// TestWeightsOnDevice: SaveWeights copies a model on a device to the host
// for the write, LoadWeights uploads into it, and encoding a state dict
// still on a device is refused, saying what to do.
func TestWeightsOnDevice(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	m := bnNet()
	want := clonedState(m)
	ToDevice(m, dev)
	if _, err := EncodeSafetensors(StateDict(m), nil); err == nil || !strings.Contains(err.Error(), "HostCopy") {
		t.Fatalf("encoding a state dict on a device: %v", err)
	}
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := SaveWeights(path, m); err != nil {
		t.Fatal(err)
	}
	other := bnNet()
	ToDevice(other, dev)
	for _, p := range Parameters(other) {
		zero := tensor.ZerosOn(dev, p.Value.Shape()...)
		p.Value.Tensor().CopyFrom(zero)
	}
	if _, err := LoadWeights(path, other, true); err != nil {
		t.Fatal(err)
	}
	ToDevice(other, tensor.Host)
	got := StateDict(other)
	for i := range want {
		if !sameBits(got[i].Tensor, want[i].Tensor) {
			t.Errorf("%s did not survive save and load", want[i].Name)
		}
	}
}

// TestFirstNonFiniteGradOnDevice names the first bad gradient on a device
// as on the host.
func TestFirstNonFiniteGradOnDevice(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	m := bnNet()
	ToDevice(m, dev)
	params := Parameters(m)
	for i, p := range params {
		g := tensor.Zeros(p.Value.Shape()...)
		if i == 2 {
			g.Data()[1] = float32(math.Inf(1))
		}
		p.Value.Grad = autograd.Const(g.To(dev))
	}
	bad, ok := FirstNonFiniteGrad(params)
	if !ok || bad.Name != params[2].Name || bad.Inf != 1 || bad.First != 1 || !bad.Grad {
		t.Fatalf("got %v %v, want the gradient of %s", bad, ok, params[2].Name)
	}
	params[2].Value.Grad = autograd.Const(tensor.ZerosOn(dev, params[2].Value.Shape()...))
	if bad, ok := FirstNonFiniteGrad(params); ok {
		t.Fatalf("finite gradients reported as %v", bad)
	}
}
