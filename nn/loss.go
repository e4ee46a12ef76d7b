package nn

import "github.com/modeldoctor/modeldoctor/autograd"

// The losses themselves are autograd compositions (autograd.CrossEntropy,
// CrossEntropyWith, NLLLoss, MSELoss, BCEWithLogits), differentiable to
// any order. This file only gives classification losses a configurable
// value that a training loop can hold, as torch.nn.CrossEntropyLoss is held.

// Criterion scores logits [B, K] against integer labels (mean over the
// batch).
type Criterion interface {
	Loss(logits *autograd.Value, labels []int) *autograd.Value
}

// CrossEntropyLoss is torch.nn.CrossEntropyLoss with mean reduction: class
// weights (nil: all 1) and label smoothing, normalised by the summed
// weights of the labels as PyTorch does.
type CrossEntropyLoss struct {
	Weight         []float32
	LabelSmoothing float32
}

// Loss implements Criterion.
func (c CrossEntropyLoss) Loss(logits *autograd.Value, labels []int) *autograd.Value {
	return autograd.CrossEntropyWith(logits, labels, autograd.CrossEntropyOptions{Weight: c.Weight, LabelSmoothing: c.LabelSmoothing})
}

// NLLLoss is torch.nn.NLLLoss (mean reduction, no class weights) on
// log-probabilities, for models that end in LogSoftmax.
type NLLLoss struct{}

// Loss implements Criterion.
func (NLLLoss) Loss(logp *autograd.Value, labels []int) *autograd.Value {
	return autograd.NLLLoss(logp, labels)
}
