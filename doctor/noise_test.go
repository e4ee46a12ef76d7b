package doctor

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
)

// TestFeatureNoiseIsSeededPerBatch: zero noise is plain cross-entropy; the
// noise of a batch is the same each time it is drawn (a resumed run adds
// what an uninterrupted one did) and differs between batches; the hook is
// removed afterwards.
func TestFeatureNoiseIsSeededPerBatch(t *testing.T) {
	m := tinyNet(3)
	nn.SetTraining(m, false) // batch statistics would mix in the noise of others
	x := autograd.Const(tensor.Normal(tensor.NewRNG(8), 0, 1, 4, 3, 6, 6))
	b := data.Batch{Labels: []int{0, 1, 2, 1}, Epoch: 2, Index: 5}
	loss := func(f *FeatureNoise, b data.Batch) float32 {
		l, _, _ := f.Loss(m, x, b)
		return l.Item()
	}
	ce, _, _ := train.CrossEntropyLoss(m, x, b)
	if got := loss(&FeatureNoise{Layer: "0", Std: 0, Seed: 1}, b); got != ce.Item() {
		t.Errorf("zero noise: loss %g, cross-entropy %g", got, ce.Item())
	}
	f := &FeatureNoise{Layer: "0", Std: 1, Seed: 1}
	a1, a2 := loss(f, b), loss(f, b)
	other := b
	other.Index = 6
	if a1 != a2 || a1 == ce.Item() || loss(f, other) == a1 {
		t.Errorf("noisy losses %g, %g (same batch), %g (next batch), clean %g", a1, a2, loss(f, other), ce.Item())
	}
	if after, _, _ := train.CrossEntropyLoss(m, x, b); after.Item() != ce.Item() {
		t.Error("the noise hook was left on the layer")
	}
}
