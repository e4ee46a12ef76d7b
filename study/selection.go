package study

// SelectEpoch returns the index in epochs of the epoch with the best
// validation accuracy, the earliest on ties: the model a user would keep
// without looking at the test split.
func SelectEpoch(epochs []Epoch) int {
	best := 0
	for i, e := range epochs {
		if e.Val > epochs[best].Val {
			best = i
		}
	}
	return best
}

// BestTestEpoch returns the index of the epoch with the best test
// accuracy, the earliest on ties: the authors' selection, which reads the
// test split to choose and so overstates what a user would get.
func BestTestEpoch(epochs []Epoch) int {
	best := 0
	for i, e := range epochs {
		if e.Test > epochs[best].Test {
			best = i
		}
	}
	return best
}

// Choice is a run and epoch chosen for one side of a comparison.
type Choice struct {
	Run   *Run
	Epoch Epoch
}

// Choose picks among the runs of arm (all α and learning rates for "md",
// the learning rates for "control") the run whose selected epoch has the
// best validation accuracy, the first in the result's order on ties.
func (r *Result) Choose(arm string) (Choice, bool) {
	var best Choice
	found := false
	for i := range r.Runs {
		run := &r.Runs[i]
		if run.Arm != arm || run.Selected < 1 || run.Selected > len(run.Epochs) {
			continue
		}
		e := run.Epochs[run.Selected-1]
		if !found || e.Val > best.Epoch.Val {
			best, found = Choice{run, e}, true
		}
	}
	return best, found
}

// Find returns the run of arm at α and lr (α ignored for the control).
func (r *Result) Find(arm string, alpha, lr float64) (*Run, bool) {
	for i := range r.Runs {
		run := &r.Runs[i]
		if run.Arm == arm && run.LR == lr && (arm == "control" || run.Alpha == alpha) {
			return run, true
		}
	}
	return nil, false
}
