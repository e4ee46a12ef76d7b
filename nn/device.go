package nn

import (
	"github.com/modeldoctor/modeldoctor/tensor"
)

// ToDevice moves m's parameters and buffers to device d (tensor.Host
// brings them back): each is replaced by its copy there, a counted copy,
// and its storage on the device it left is released. Parameters stay the
// same *autograd.Value (autograd.Value.MoveTo), so optimizers and modules
// holding them follow; their gradients are dropped, so move between
// steps. Tensors taken from m before (StateDict) must not be used after.
//
// Integer buffers (BatchNorm's num_batches_tracked) stay on the host:
// they are bookkeeping that no op reads, counted up once per training
// forward, which on a device would cost a kernel launch per layer.
func ToDevice(m Module, d tensor.Device) {
	Walk(m, func(_ string, sub Module) {
		b := sub.ModuleBase()
		for _, p := range b.params {
			p.v.MoveTo(d)
		}
		for _, bf := range b.buffers {
			if bf.v.Int || bf.v.T.Device() == d {
				continue
			}
			old := bf.v.T
			bf.v.T = old.To(d)
			if old.OnDevice() {
				tensor.Release(old)
			}
		}
		if f, ok := sub.(buffersMover); ok {
			f.buffersMoved()
		}
	})
}

// buffersMover is a module holding its own pointers to its buffers'
// tensors (BatchNorm's State): ToDevice re-points them after a move.
type buffersMover interface{ buffersMoved() }

// DeviceOf returns where m's first parameter lives (tensor.Host for a
// module without parameters): where its inputs must be.
func DeviceOf(m Module) tensor.Device {
	d := tensor.Host
	found := false
	Walk(m, func(_ string, sub Module) {
		if ps := sub.ModuleBase().params; !found && len(ps) > 0 {
			d, found = ps[0].v.Device(), true
		}
	})
	return d
}

// HostCopy returns entries with every tensor on a device replaced by its
// copy on the host (a counted download each); host tensors are kept as
// they are. Weights files are written from host memory: save a state dict
// of a model on a device through it.
func HostCopy(entries []StateEntry) []StateEntry {
	out := make([]StateEntry, len(entries))
	for i, e := range entries {
		e.Tensor = e.Tensor.To(tensor.Host)
		out[i] = e
	}
	return out
}
