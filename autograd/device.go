package autograd

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// Device returns where v's data lives (tensor.Host unless moved).
func (v *Value) Device() tensor.Device { return v.t.Device() }

// ScalarOn returns a 0-d constant on device d (filled there: nothing is
// copied); on the host it is Scalar.
func ScalarOn(d tensor.Device, v float32) *Value {
	if d == tensor.Host {
		return Scalar(v)
	}
	return Const(tensor.FullOn(d, v))
}

// MoveTo replaces a leaf's data with its copy on device d (a counted copy,
// none when it is there already): how nn.ToDevice moves parameters, which
// must stay the same *Value for the modules and optimizers holding them.
// The gradient is dropped (ReleaseGrad): move between steps. Storage left
// on a device is released, since nothing collects device memory: a tensor
// taken from v before (Tensor, a state dict) must not be used afterwards.
func (v *Value) MoveTo(d tensor.Device) {
	if v.node != nil {
		panic(fmt.Sprintf("autograd.MoveTo: %s is not a leaf; an op's result lives on its inputs' device", v.node.op.Name))
	}
	v.mustLive("MoveTo")
	if v.t.Device() == d {
		return
	}
	old := v.t
	v.t = old.To(d)
	v.ReleaseGrad()
	if old.OnDevice() {
		tensor.Release(old)
	}
}

// Items reads one-element values back, in order. On the host each is read
// as by Item; on a device they are gathered there into one tensor and read
// with a single download, since every read-back waits for the device.
func Items(vs ...*Value) []float32 {
	out := make([]float32, len(vs))
	if len(vs) == 0 {
		return out
	}
	if !vs[0].t.OnDevice() {
		for i, v := range vs {
			out[i] = v.Item()
		}
		return out
	}
	parts := make([]*tensor.Tensor, len(vs))
	for i, v := range vs {
		v.mustLive("Items")
		if n := v.t.Len(); n != 1 {
			panic(fmt.Sprintf("autograd.Items: value %d has shape %v (%d elements), want 1", i, v.Shape(), n))
		}
		parts[i] = v.t.Reshape(1)
	}
	all := tensor.Concat(parts, 0)
	copy(out, all.To(tensor.Host).Data())
	tensor.Release(all)
	return out
}
