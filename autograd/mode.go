package autograd

import (
	"sync/atomic"

	"github.com/modeldoctor/modeldoctor/tensor"
)

var noGradDepth atomic.Int32

// NoGrad runs f without recording any graph (evaluation, optimizer
// updates). Calls nest.
func NoGrad(f func()) {
	noGradDepth.Add(1)
	defer noGradDepth.Add(-1)
	f()
}

// GradEnabled reports whether ops currently record a graph.
func GradEnabled() bool { return noGradDepth.Load() == 0 }

// record wraps out as the result of op. It records a node only when
// gradients are enabled and some input requires them; backward receives
// the output's gradient and returns one gradient per input (nil where an
// input gets none).
func record(op *OpInfo, out *tensor.Tensor, inputs []*Value, backward func(gy *Value) []*Value) *Value {
	if anomalyDepth.Load() != 0 {
		checkForward(op, out)
	}
	v := &Value{t: out}
	if !GradEnabled() {
		return v
	}
	for _, in := range inputs {
		if in.requiresGrad {
			v.requiresGrad = true
			v.node = &node{op: op, inputs: inputs, backward: backward}
			return v
		}
	}
	return v
}
