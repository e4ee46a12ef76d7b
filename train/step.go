package train

import (
	"fmt"
	"math"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// StepResult is what one training step reads back.
type StepResult struct {
	Loss float64
	// Extra holds the LossFunc's named scalars (nil for cross-entropy).
	Extra map[string]float64
	// Predicted is the arg-max class of each sample's logits.
	Predicted []int
}

// Step trains the model on one batch as Run does — forward and loss,
// backward, the non-finite checks, the optimizer's step with learning
// rate lr — and reads back the loss and the predictions. e is the 0-based
// epoch, for messages. The model must be on Options.Device already (Run
// moves it; a loop of its own calls nn.ToDevice): for loops of one's own
// and for tests of what a step copies.
func (t *Trainer) Step(b data.Batch, e int, lr float64) (StepResult, error) {
	if t.Loss == nil {
		t.Loss = CrossEntropyLoss
	}
	lv, logits, ex, err := t.step(b, e, lr, t.device(), trainableNamed(t.Model))
	if err != nil {
		return StepResult{}, err
	}
	pred := predicted(logitsOf(logits))
	releaseOnDevice(logits)
	r := StepResult{Loss: lv, Extra: ex, Predicted: make([]int, len(pred))}
	for i, p := range pred {
		r.Predicted[i] = int(p)
	}
	return r, nil
}

// step trains on batch b of epoch e (0-based): forward and loss, backward,
// the non-finite checks and the optimizer's step with learning rate lr.
// The batch is uploaded to dev (To copies nothing on the host). It returns
// the loss, the logits (spared by FreeValues, for the predictions) and the
// LossFunc's named scalars.
func (t *Trainer) step(b data.Batch, e int, lr float64, dev tensor.Device, named []nn.NamedParam) (float64, *autograd.Value, map[string]float64, error) {
	t.Opt.ZeroGrad()
	// On a device every tensor of forward and backward — the batch, the
	// activations, the temporaries of backward functions — is freed when
	// the scope closes, but the gradients and the logits (see the
	// tensor.Scope doc; on the host it collects nothing).
	scope := tensor.OpenScope()
	open := true
	defer func() {
		if open {
			scope.Close()
		}
	}()
	loss, logits, ex := t.Loss(t.Model, autograd.Const(BatchTensor(b).To(dev)), b)
	lv := float64(loss.Item())
	if math.IsNaN(lv) || math.IsInf(lv, 0) {
		// An infinite loss would step the weights to NaN too: stop
		// before the optimizer sees either.
		return 0, nil, nil, &NonFiniteError{fmt.Sprintf("%s: loss is %v at epoch %d batch %d (lower the learning rate?)", t.Opts.Name, lv, e+1, b.Index+1)}
	}
	// FreeValues hands the step's activations back to the tensor pool
	// once the gradients exist (the logits are still needed below).
	loss.BackwardWith(nil, autograd.GradOptions{FreeValues: true, Keep: []*autograd.Value{logits}})
	if bad, ok := nn.FirstNonFiniteGrad(named); ok {
		// The step would write the bad value into the weights.
		return 0, nil, nil, &NonFiniteError{fmt.Sprintf("%s: non-finite gradient at epoch %d batch %d (loss %.4g): %v (lower the learning rate, or --detect-anomaly names the op)", t.Opts.Name, e+1, b.Index+1, lv, bad)}
	}
	keep := []*tensor.Tensor{logits.BorrowTensor()}
	for _, p := range nn.Parameters(t.Model) {
		if g := p.Value.Grad; g != nil {
			keep = append(keep, g.BorrowTensor())
		}
	}
	scope.Close(keep...)
	open = false
	t.Opt.Step(lr)
	return lv, logits, ex, nil
}

// device is where the model trains (Options.Device, the host by default).
func (t *Trainer) device() tensor.Device {
	if t.Opts.Device == "" {
		return tensor.Host
	}
	return t.Opts.Device
}

// logitsOf is the logits' tensor for reading predictions: pinned on the
// host as before, borrowed on a device so that releaseOnDevice can free it.
func logitsOf(v *autograd.Value) *tensor.Tensor {
	if v.Device() != tensor.Host {
		return v.BorrowTensor()
	}
	return v.Tensor()
}

// releaseOnDevice frees the logits a step kept for its predictions once
// they are read (device memory is freed only by Release).
func releaseOnDevice(v *autograd.Value) {
	if v.Device() != tensor.Host {
		tensor.Release(v.BorrowTensor())
	}
}
