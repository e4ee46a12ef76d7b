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
// class. A model on a device (nn.ToDevice) sifts there: each batch is
// uploaded, its softmax probabilities read back (one download of B×K
// values), and its device memory freed before the next batch.
func Sift(m nn.Module, loader *data.Loader, classes, nHigh, nLow int) SiftResult {
	return SiftWith(m, loader, classes, nHigh, nLow, RunOptions{})
}

// SiftWith is Sift with options (a progress bar over the batches).
func SiftWith(m nn.Module, loader *data.Loader, classes, nHigh, nLow int, o RunOptions) SiftResult {
	nn.SetTraining(m, false)
	perClass := make([][]scored, classes)
	bar := o.bar("sift", "batch", loader.NumBatches())
	defer bar.Done()
	dev := nn.DeviceOf(m) // batches go where the model is
	autograd.NoGrad(func() {
		for b := range loader.Epoch(0) {
			var p []float32
			var k int
			if dev == tensor.Host {
				logits := nn.Forward(m, autograd.Const(tensor.New(b.X, b.N, b.C, b.H, b.W)))
				p = autograd.Softmax(logits, 1).Data()
				k = logits.Shape()[1]
			} else {
				p, k = softmaxOnDevice(m, b, dev)
			}
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

// softmaxOnDevice runs batch b through m on device dev and returns its
// softmax probabilities [B, K] in host memory (one download) and K. Every
// device tensor of the batch — the upload, activations, logits and
// probabilities — is freed before it returns.
func softmaxOnDevice(m nn.Module, b data.Batch, dev tensor.Device) ([]float32, int) {
	scope := tensor.OpenScope()
	defer scope.Close()
	logits := nn.Forward(m, autograd.Const(tensor.New(b.X, b.N, b.C, b.H, b.W).To(dev)))
	p := autograd.Softmax(logits, 1).BorrowTensor().To(tensor.Host).Data()
	return p, logits.Shape()[1]
}
