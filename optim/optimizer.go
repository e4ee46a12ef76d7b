package optim

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Optimizer updates parameters from their accumulated gradients.
type Optimizer interface {
	// Step applies one update with learning rate lr.
	Step(lr float64)
	// ZeroGrad clears the parameters' gradients and hands their storage
	// back to the allocator (autograd.Value.ReleaseGrad): a gradient read
	// before must not be used after.
	ZeroGrad()
	// State returns the optimizer's state as named tensors (for
	// checkpoints); LoadState restores it.
	State() map[string]*tensor.Tensor
	LoadState(map[string]*tensor.Tensor) error
}

func zeroGrad(params []*autograd.Value) {
	for _, p := range params {
		p.ReleaseGrad()
	}
}

// grad returns p's gradient data, or nil if it has none.
func grad(p *autograd.Value) []float32 {
	return p.BorrowGrad()
}

// loadBuffers copies saved per-parameter buffers named prefix.<i>.
func loadBuffers(st map[string]*tensor.Tensor, prefix string, params []*autograd.Value, bufs []*tensor.Tensor) error {
	for i, p := range params {
		t, ok := st[fmt.Sprintf("%s.%d", prefix, i)]
		if !ok {
			bufs[i] = nil
			continue
		}
		if !tensor.SameShape(t.Shape(), p.Shape()) {
			return fmt.Errorf("optimizer state %s.%d has shape %v, parameter has %v", prefix, i, t.Shape(), p.Shape())
		}
		if d := p.Device(); d != t.Device() {
			bufs[i] = t.To(d) // a copy already: onto the parameter's device
		} else {
			bufs[i] = t.Clone()
		}
	}
	return nil
}

// saveBuffers copies the buffers into st, on the host (state is for
// checkpoints, which are written from host memory).
func saveBuffers(st map[string]*tensor.Tensor, prefix string, bufs []*tensor.Tensor) {
	for i, b := range bufs {
		switch {
		case b == nil:
		case b.OnDevice():
			st[fmt.Sprintf("%s.%d", prefix, i)] = b.To(tensor.Host)
		default:
			st[fmt.Sprintf("%s.%d", prefix, i)] = b.Clone()
		}
	}
}
