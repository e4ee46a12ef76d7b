package train

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Metrics summarise a pass over a data set.
type Metrics struct {
	Loss     float64   `json:"loss"`
	Accuracy float64   `json:"accuracy"` // top-1, in [0, 1]
	PerClass []float64 `json:"per_class"`
	Counts   []int     `json:"counts"`    // samples per true class
	Confused [][]int   `json:"confusion"` // [true][predicted]
	Samples  int       `json:"samples"`
	// Correct, when asked for (Options.RecordCorrect), says which samples
	// were classified correctly, in the loader's order: a bitmap, base64
	// (see CorrectBits). Paired tests between two models need it.
	Correct string             `json:"correct,omitempty"`
	Extra   map[string]float64 `json:"extra,omitempty"`
}

// BatchTensor converts a loader batch to an [N,C,H,W] tensor (sharing X).
func BatchTensor(b data.Batch) *tensor.Tensor { return tensor.New(b.X, b.N, b.C, b.H, b.W) }

// Evaluate runs m in eval mode over every batch of loader (epoch 0 of an
// unshuffled loader) and returns cross-entropy, top-1 and per-class
// accuracy and the confusion matrix. The model's mode is restored. A model
// on a device (nn.ToDevice) is evaluated there: each batch is uploaded,
// and the loss and the predictions read back.
func Evaluate(m nn.Module, loader *data.Loader, classes int) Metrics {
	return evaluate(m, loader, classes, false)
}

// EvaluateCorrect is Evaluate that also records which samples were
// classified correctly (Metrics.Correct).
func EvaluateCorrect(m nn.Module, loader *data.Loader, classes int) Metrics {
	return evaluate(m, loader, classes, true)
}

func evaluate(m nn.Module, loader *data.Loader, classes int, record bool) Metrics {
	wasTraining := m.ModuleBase().Training()
	nn.SetTraining(m, false)
	defer nn.SetTraining(m, wasTraining)
	acc := newAccumulator(classes)
	acc.record = record
	dev := nn.DeviceOf(m) // batches go where the model is
	autograd.NoGrad(func() {
		for b := range loader.Epoch(0) {
			scope := tensor.OpenScope() // a batch's device tensors go back with it
			logits := nn.Forward(m, autograd.Const(BatchTensor(b).To(dev)))
			loss := autograd.CrossEntropy(logits, b.Labels)
			acc.add(logitsOf(logits), b.Labels, float64(loss.Item()))
			scope.Close()
		}
	})
	return acc.metrics()
}

// accumulator gathers loss and predictions batch by batch.
type accumulator struct {
	lossSum  float64
	n        int
	confused [][]int
	record   bool
	correct  []bool
}

func newAccumulator(k int) *accumulator {
	c := make([][]int, k)
	for i := range c {
		c[i] = make([]int, k)
	}
	return &accumulator{confused: c}
}

// add records a batch whose mean loss is loss.
func (a *accumulator) add(logits *tensor.Tensor, labels []int, loss float64) {
	pred := predicted(logits)
	for i, y := range labels {
		a.confused[y][int(pred[i])]++
		if a.record {
			a.correct = append(a.correct, int(pred[i]) == y)
		}
	}
	a.lossSum += loss * float64(len(labels))
	a.n += len(labels)
}

// predicted returns the arg-max class of each row of logits [B, K] in host
// memory. Logits on a device stay there: only the classes come back (one
// download).
func predicted(logits *tensor.Tensor) []float32 {
	am := tensor.ArgMax(logits, 1, false)
	if !am.OnDevice() {
		return am.Data()
	}
	pred := am.To(tensor.Host).Data()
	tensor.Release(am) // device memory is freed only by Release
	return pred
}

func (a *accumulator) metrics() Metrics {
	k := len(a.confused)
	m := Metrics{PerClass: make([]float64, k), Counts: make([]int, k), Confused: a.confused, Samples: a.n}
	correct := 0
	for y := 0; y < k; y++ {
		for p := 0; p < k; p++ {
			m.Counts[y] += a.confused[y][p]
		}
		correct += a.confused[y][y]
		if m.Counts[y] > 0 {
			m.PerClass[y] = float64(a.confused[y][y]) / float64(m.Counts[y])
		}
	}
	if a.record {
		m.Correct = EncodeCorrect(a.correct)
	}
	if a.n > 0 {
		m.Loss = a.lossSum / float64(a.n)
		m.Accuracy = float64(correct) / float64(a.n)
	}
	return m
}
