package train

import (
	"math"
	"reflect"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
)

// logitsModel returns its 1×1×K input images as logits, and records the
// mode it ran in.
type logitsModel struct {
	nn.Base
	sawTraining []bool
}

func (m *logitsModel) Forward(x *autograd.Value) *autograd.Value {
	m.sawTraining = append(m.sawTraining, m.Training())
	return autograd.Flatten(x)
}

// TestEvaluateHandMade checks loss, top-1, per-class accuracy, counts and
// the confusion matrix on five samples whose logits are their pixels, in
// batches of 2, 2 and 1 (so a mean over batches instead of samples would
// show).
func TestEvaluateHandMade(t *testing.T) {
	logits := [][]float32{
		{2, 0, 0}, // label 0, predicted 0
		{0, 1, 0}, // label 1, predicted 1
		{0, 0, 3}, // label 1, predicted 2
		{1, 0, 0}, // label 2, predicted 0
		{0, 0, 1}, // label 2, predicted 2
	}
	labels := []int{0, 1, 1, 2, 2}
	ds := &data.Dataset{Name: "hand", N: 5, C: 1, H: 1, W: 3, Labels: labels}
	var wantLoss float64
	for i, l := range logits {
		ds.Images = append(ds.Images, l...)
		var z float64
		for _, v := range l {
			z += math.Exp(float64(v))
		}
		wantLoss += math.Log(z) - float64(l[labels[i]])
	}
	wantLoss /= 5

	m := &logitsModel{}
	got := Evaluate(m, data.NewLoader(ds, data.LoaderOptions{BatchSize: 2}), 3)

	if math.Abs(got.Loss-wantLoss) > 1e-6 {
		t.Errorf("loss %v, want %v", got.Loss, wantLoss)
	}
	if got.Accuracy != 0.6 {
		t.Errorf("accuracy %v, want 0.6", got.Accuracy)
	}
	if want := []float64{1, 0.5, 0.5}; !reflect.DeepEqual(got.PerClass, want) {
		t.Errorf("per-class accuracy %v, want %v", got.PerClass, want)
	}
	if want := []int{1, 2, 2}; !reflect.DeepEqual(got.Counts, want) {
		t.Errorf("counts %v, want %v", got.Counts, want)
	}
	if want := [][]int{{1, 0, 0}, {0, 1, 1}, {1, 0, 1}}; !reflect.DeepEqual(got.Confused, want) {
		t.Errorf("confusion matrix %v, want %v", got.Confused, want)
	}
	if got.Samples != 5 {
		t.Errorf("samples %d, want 5", got.Samples)
	}

	// Evaluation runs in eval mode and restores the mode it found.
	if want := []bool{false, false, false}; !reflect.DeepEqual(m.sawTraining, want) {
		t.Errorf("forward passes ran with training = %v, want %v", m.sawTraining, want)
	}
	if !m.Training() {
		t.Error("Evaluate left a training model in eval mode")
	}
	nn.SetTraining(m, false)
	Evaluate(m, data.NewLoader(ds, data.LoaderOptions{BatchSize: 5}), 3)
	if m.Training() {
		t.Error("Evaluate left an eval model in training mode")
	}
}

// TestEvaluateClassWithoutSamples: a class absent from the split has
// accuracy 0 and count 0, not NaN; an empty split gives zero metrics.
func TestEvaluateClassWithoutSamples(t *testing.T) {
	ds := &data.Dataset{Name: "two", N: 2, C: 1, H: 1, W: 3, Images: []float32{1, 0, 0, 0, 0, 1}, Labels: []int{0, 2}}
	got := Evaluate(&logitsModel{}, data.NewLoader(ds, data.LoaderOptions{BatchSize: 4}), 3)
	if got.Accuracy != 1 || got.Counts[1] != 0 || got.PerClass[1] != 0 {
		t.Errorf("got %+v", got)
	}
	empty := &data.Dataset{Name: "empty", N: 0, C: 1, H: 1, W: 3}
	got = Evaluate(&logitsModel{}, data.NewLoader(empty, data.LoaderOptions{}), 3)
	if got.Samples != 0 || got.Loss != 0 || got.Accuracy != 0 {
		t.Errorf("empty split: %+v", got)
	}
}

func rec(epoch int, val float64, hasVal bool) EpochRecord {
	r := EpochRecord{Epoch: epoch, Eval: Metrics{Accuracy: 1 - val}} // test accuracy must not matter
	if hasVal {
		r.Val = &Metrics{Accuracy: val}
	}
	return r
}

func TestBestEpoch(t *testing.T) {
	cases := []struct {
		name string
		h    []EpochRecord
		want int
	}{
		{"highest validation accuracy", []EpochRecord{rec(1, 0.5, true), rec(2, 0.8, true), rec(3, 0.6, true)}, 2},
		{"ties go to the earliest", []EpochRecord{rec(1, 0.5, true), rec(2, 0.7, true), rec(3, 0.7, true), rec(4, 0.6, true)}, 2},
		{"tie with the last epoch", []EpochRecord{rec(1, 0.7, true), rec(2, 0.5, true), rec(3, 0.7, true)}, 1},
		{"last is best", []EpochRecord{rec(1, 0.5, true), rec(2, 0.6, true)}, 2},
		{"no validation split: last", []EpochRecord{rec(1, 0.9, false), rec(2, 0.1, false), rec(3, 0.5, false)}, 3},
		{"one epoch", []EpochRecord{rec(1, 0.3, true)}, 1},
	}
	for _, c := range cases {
		if got := BestEpoch(c.h).Epoch; got != c.want {
			t.Errorf("%s: best epoch %d, want %d", c.name, got, c.want)
		}
	}
}

// TestBestEpochFromRun selects on a real run's validation split.
func TestBestEpochFromRun(t *testing.T) {
	tr := newTinyTrainer(tinySetup{Epochs: 3, Val: true})
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	best := BestEpoch(tr.History)
	for _, r := range tr.History {
		if r.Val == nil {
			t.Fatalf("epoch %d has no validation metrics", r.Epoch)
		}
		if r.Val.Accuracy > best.Val.Accuracy || (r.Val.Accuracy == best.Val.Accuracy && r.Epoch < best.Epoch) {
			t.Errorf("epoch %d (val %.3f) beats the selected epoch %d (val %.3f)", r.Epoch, r.Val.Accuracy, best.Epoch, best.Val.Accuracy)
		}
	}
	if n := tr.History[0].Val.Samples; n != 24 {
		t.Errorf("validation split has %d samples, want 24", n)
	}
}
