package train

import (
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// TestNonFiniteGradientStopsTheRun: a loss that is finite but whose
// gradient is not (0·√0 on the second batch: √'s derivative at 0 is
// infinite) stops the run before the optimizer step, naming the epoch,
// batch and parameter, and leaves the weights finite.
func TestNonFiniteGradientStopsTheRun(t *testing.T) {
	tr := newTinyTrainer(tinySetup{Epochs: 1})
	first := nn.Parameters(tr.Model)[0]
	tr.Loss = func(m nn.Module, x *autograd.Value, b data.Batch) (*autograd.Value, *autograd.Value, map[string]float64) {
		loss, logits, _ := CrossEntropyLoss(m, x, b)
		if b.Index == 1 {
			w := autograd.Sum(first.Value, nil, false)
			zero := autograd.Sub(w, autograd.Const(tensor.Full(w.Tensor().Item(), w.Tensor().Shape()...)))
			loss = autograd.Add(loss, autograd.MulScalar(autograd.Sqrt(zero), 0))
		}
		return loss, logits, nil
	}
	err := tr.Run()
	if err == nil {
		t.Fatal("a non-finite gradient did not stop the run")
	}
	for _, want := range []string{"epoch 1 batch 2", "gradient of " + first.Name} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if bad := nn.NonFinite(tr.Model); len(bad) > 0 {
		t.Errorf("the bad gradient reached the weights: %v", bad)
	}
}
