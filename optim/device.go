package optim

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// The host loops update parameters in place through their memory. A
// parameter on a device (nn.ToDevice) is updated instead by tensor ops
// there, the same float32 operations in the same order (so the fallbacks
// of a device without kernels give the host's bits), written back with
// CopyFrom; its state buffers live on its device.

// onDevice reports whether p's data lives on a device.
func onDevice(p *autograd.Value) bool { return p.Device() != tensor.Host }

// follow returns buf on device d: buf itself when it is there (or nil),
// otherwise its copy (counted), releasing the storage it leaves on a
// device. State follows its parameter when the model moves.
func follow(buf *tensor.Tensor, d tensor.Device) *tensor.Tensor {
	if buf == nil || buf.Device() == d {
		return buf
	}
	moved := buf.To(d)
	if buf.OnDevice() {
		tensor.Release(buf)
	}
	return moved
}

// release hands temporaries of a device update back (device memory is
// freed only by Release).
func release(ts ...*tensor.Tensor) {
	for _, t := range ts {
		tensor.Release(t)
	}
}

// replace stores next as a parameter's state buffer, releasing the old one.
func replace(buf **tensor.Tensor, next *tensor.Tensor) {
	if *buf != nil {
		tensor.Release(*buf)
	}
	*buf = next
}

// decayed returns g + wd·w (the gradient with coupled weight decay), as the
// host loops compute it.
func decayed(g, w *tensor.Tensor, wd float32) (d, tmp *tensor.Tensor) {
	tmp = tensor.MulScalar(w, wd)
	return tensor.Add(g, tmp), tmp
}

// stepTo writes w − lr·d into w.
func stepTo(w, d *tensor.Tensor, lr float32) {
	ld := tensor.MulScalar(d, lr)
	next := tensor.Sub(w, ld)
	w.CopyFrom(next)
	release(ld, next)
}
