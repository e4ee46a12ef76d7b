package doctor

import (
	"io"
	"sort"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
)

// RunOptions are the optional settings of SiftWith and DiagnoseWith; the
// zero value is what Sift and Diagnose use.
type RunOptions struct {
	// Progress receives a live bar over the batches (sift) or classes
	// (diagnose); it is drawn only when Progress is a terminal, unless
	// ForceProgress. Nil: no bar.
	Progress      io.Writer
	ForceProgress bool
}

func (o RunOptions) bar(label, unit string, total int) *train.Progress {
	return train.NewProgress(o.Progress, label, total).Force(o.ForceProgress).Unit(unit)
}

// SiftResult holds data-set indices per true class.
type SiftResult struct {
	// High: the correctly classified images with the largest max-softmax
	// probability, most confident first (the images to diagnose from).
	High [][]int `json:"high"`
	// Low: the images with the lowest score, lowest first, where the score
	// is the confidence for correct predictions and −(the wrong class's
	// confidence) for mistakes (the images to annotate).
	Low [][]int `json:"low"`
}

type scored struct {
	index      int
	confidence float64
	correct    bool
}

// Sift ranks every image of loader (an unshuffled loader with the
// test-time transform) with m in eval mode and keeps nHigh and nLow per
// class. It is host-only for now: a model on a device (nn.ToDevice) panics
// on the host batch; move it back with nn.ToDevice(m, tensor.Host) first.
func Sift(m nn.Module, loader *data.Loader, classes, nHigh, nLow int) SiftResult {
	return SiftWith(m, loader, classes, nHigh, nLow, RunOptions{})
}

// SiftWith is Sift with options (a progress bar over the batches).
func SiftWith(m nn.Module, loader *data.Loader, classes, nHigh, nLow int, o RunOptions) SiftResult {
	nn.SetTraining(m, false)
	perClass := make([][]scored, classes)
	bar := o.bar("sift", "batch", loader.NumBatches())
	defer bar.Done()
	autograd.NoGrad(func() {
		for b := range loader.Epoch(0) {
			logits := nn.Forward(m, autograd.Const(tensor.New(b.X, b.N, b.C, b.H, b.W)))
			p := autograd.Softmax(logits, 1).Data()
			k := logits.Shape()[1]
			for i, y := range b.Labels {
				row := p[i*k : (i+1)*k]
				best := 0
				for j := range row {
					if row[j] > row[best] {
						best = j
					}
				}
				perClass[y] = append(perClass[y], scored{b.Indices[i], float64(row[best]), best == y})
			}
			bar.Step()
		}
	})
	r := SiftResult{High: make([][]int, classes), Low: make([][]int, classes)}
	for k, s := range perClass {
		var correct []scored
		for _, x := range s {
			if x.correct {
				correct = append(correct, x)
			}
		}
		// Stable sorts keep data-set order on ties, so results are exact.
		sort.SliceStable(correct, func(i, j int) bool { return correct[i].confidence > correct[j].confidence })
		for _, x := range correct[:min(nHigh, len(correct))] {
			r.High[k] = append(r.High[k], x.index)
		}
		score := func(x scored) float64 {
			if x.correct {
				return x.confidence
			}
			return -x.confidence
		}
		sort.SliceStable(s, func(i, j int) bool { return score(s[i]) < score(s[j]) })
		for _, x := range s[:min(nLow, len(s))] {
			r.Low[k] = append(r.Low[k], x.index)
		}
	}
	return r
}
