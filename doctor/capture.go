package doctor

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/train"
)

// forwardCapturing runs m on x and returns the logits and the output A of
// the named layer, which stays in the graph so that gradients can be taken
// with respect to it. The layer is usually the doctor convolution; where
// the authors' PyTorch follows it with an in-place op, the caller names that
// op instead (zoo.Spec.CaptureLayer), since the op rebases the tensor their
// hook holds and their gradient is taken at its output.
func forwardCapturing(m nn.Module, layer string, x *autograd.Value) (logits, a *autograd.Value, err error) {
	l, err := nn.Find(m, layer)
	if err != nil {
		return nil, nil, fmt.Errorf("doctor layer: %w", err)
	}
	remove := l.ModuleBase().AddHook(func(y *autograd.Value) *autograd.Value {
		a = y
		return y
	})
	defer remove()
	logits = nn.Forward(m, x)
	if a == nil {
		return nil, nil, fmt.Errorf("doctor layer %q was not run by the model's forward pass", layer)
	}
	if len(a.Shape()) != 4 {
		return nil, nil, fmt.Errorf("doctor layer %q outputs shape %v; want a feature map [N,C,H,W]", layer, a.Shape())
	}
	return logits, a, nil
}

// LabelLogitGradient returns G = ∂[(1/B)·Σ_b z[b, y_b]]/∂A: the gradient of
// the batch-mean label logit at the captured feature map. With createGraph
// the result can be differentiated again.
func LabelLogitGradient(logits, a *autograd.Value, labels []int, createGraph bool) *autograd.Value {
	target := autograd.Mean(autograd.PickLabels(logits, labels), nil, false)
	return autograd.GradWith([]*autograd.Value{target}, []*autograd.Value{a}, nil,
		autograd.GradOptions{CreateGraph: createGraph, RetainGraph: true})[0]
}

func constBatch(b data.Batch) *autograd.Value { return autograd.Const(train.BatchTensor(b)) }
