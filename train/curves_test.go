package train

import (
	"reflect"
	"testing"
)

// TestCurveSplitsNameTheTestSplit: the Eval metrics are the test split and
// are labelled so; validation is drawn only where every epoch has it.
func TestCurveSplitsNameTheTestSplit(t *testing.T) {
	h := []EpochRecord{
		{Epoch: 1, TrainLoss: 2, TrainAcc: 0.5, Eval: Metrics{Loss: 3, Accuracy: 0.25}, Val: &Metrics{Loss: 4, Accuracy: 0.125}},
		{Epoch: 2, TrainLoss: 1, TrainAcc: 0.75, Eval: Metrics{Loss: 2, Accuracy: 0.5}, Val: &Metrics{Loss: 3, Accuracy: 0.375}},
	}
	names := func(ss []split) (out []string) {
		for _, s := range ss {
			out = append(out, s.name)
		}
		return out
	}
	got := curveSplits(h)
	if want := []string{"train", "test", "validation"}; !reflect.DeepEqual(names(got), want) {
		t.Fatalf("splits %v, want %v", names(got), want)
	}
	if got[1].loss[1].Y != 2 || got[1].acc[0].Y != 25 || got[2].acc[1].Y != 37.5 || got[0].acc[1].X != 2 {
		t.Errorf("test/validation curves hold the wrong values: %+v", got)
	}
	h[1].Val = nil
	if want := []string{"train", "test"}; !reflect.DeepEqual(names(curveSplits(h)), want) {
		t.Errorf("partial validation history drawn: %v", names(curveSplits(h)))
	}
}
