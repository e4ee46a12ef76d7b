package train

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/data"
)

func TestCorrectBitmapRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 100} {
		in := make([]bool, n)
		for i := range in {
			in[i] = (i*7)%3 == 0
		}
		out, err := DecodeCorrect(EncodeCorrect(in), n)
		if err != nil {
			t.Fatal(err)
		}
		for i := range in {
			if in[i] != out[i] {
				t.Fatalf("n=%d: sample %d changed", n, i)
			}
		}
	}
	if _, err := DecodeCorrect(EncodeCorrect(make([]bool, 9)), 20); err == nil {
		t.Error("a bitmap for 9 samples was accepted for 20")
	}
}

// TestEvaluateCorrectAgreesWithAccuracy: the bitmap says which samples
// were right, in the loader's order, and counts to the accuracy.
func TestEvaluateCorrectAgreesWithAccuracy(t *testing.T) {
	tr := newTinyTrainer(tinySetup{Epochs: 1})
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	ds := tinyDataset(32, 8)
	m := EvaluateCorrect(tr.Model, data.NewLoader(ds, data.LoaderOptions{BatchSize: 5}), tinyClasses)
	c, err := DecodeCorrect(m.Correct, ds.N)
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	perClass := make([]int, tinyClasses)
	for k, ok := range c {
		if ok {
			right++
			perClass[ds.Labels[k]]++
		}
	}
	for y, n := range perClass {
		if n != m.Confused[y][y] {
			t.Errorf("class %d: the bitmap has %d right, the confusion matrix %d", y, n, m.Confused[y][y])
		}
	}
	if float64(right)/float64(ds.N) != m.Accuracy {
		t.Errorf("bitmap counts %d right of %d, accuracy %g", right, ds.N, m.Accuracy)
	}
	if Evaluate(tr.Model, data.NewLoader(ds, data.LoaderOptions{BatchSize: 5}), tinyClasses).Correct != "" {
		t.Error("Evaluate recorded correctness without being asked")
	}
}
