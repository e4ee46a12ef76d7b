package train

import (
	"fmt"
	"io"
	"time"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// LossFunc computes the training loss of a batch (x is the batch as a
// value; b carries labels and data-set indices) in train mode and returns
// it with the logits; extra holds named scalars to log (e.g. a penalty).
type LossFunc func(m nn.Module, x *autograd.Value, b data.Batch) (loss, logits *autograd.Value, extra map[string]float64)

// CrossEntropyLoss is the default LossFunc.
func CrossEntropyLoss(m nn.Module, x *autograd.Value, b data.Batch) (*autograd.Value, *autograd.Value, map[string]float64) {
	logits := nn.Forward(m, x)
	return autograd.CrossEntropy(logits, b.Labels), logits, nil
}

// Options configure a run.
type Options struct {
	Epochs int
	// Seed reseeds the model's random streams (dropout) at every epoch.
	Seed uint64
	// Dir receives the checkpoint, the metrics log, the learning curves
	// and the final weights, all named after Name. Empty: nothing is
	// written.
	Dir  string
	Name string
	// Resume continues from the checkpoint in Dir if there is one.
	Resume bool
	// Log receives progress lines (nil: none). Progress draws a live bar
	// instead when Log is a terminal.
	Log io.Writer
	// Progress forces the live bar on (true) regardless of the writer.
	Progress bool
	// RecordCorrect records, after every epoch, which test and validation
	// samples the model classified correctly (Metrics.Correct).
	RecordCorrect bool
	// Provenance, when set, is written beside the outputs (NAME.provenance.json),
	// into the checkpoint and the final weights; a resume whose provenance
	// differs from the checkpoint's is refused, naming each change.
	Provenance *Provenance
	// Device is where the model trains ("" or tensor.Host: main memory).
	// Run moves the model there when it starts and back to the host when
	// it returns; each batch is uploaded, and only the loss, a gradient
	// check and the predictions come back per step (step.go).
	Device tensor.Device
}

// EpochRecord is one line of the metrics log.
type EpochRecord struct {
	Epoch     int      `json:"epoch"` // 1-based
	LR        float64  `json:"lr"`
	TrainLoss float64  `json:"train_loss"`
	TrainAcc  float64  `json:"train_accuracy"`
	Eval      Metrics  `json:"eval"`
	Val       *Metrics `json:"val,omitempty"`
	Seconds   float64  `json:"seconds"`
	// TrainSeconds is the training part of Seconds (no evaluation).
	TrainSeconds float64            `json:"train_seconds,omitempty"`
	Extra        map[string]float64 `json:"extra,omitempty"`
}

// Trainer runs epochs of training and evaluation.
type Trainer struct {
	Model    nn.Module
	Opt      optim.Optimizer
	Schedule optim.Schedule
	Train    *data.Loader
	// Eval is evaluated after every epoch (nil: skipped). It should be an
	// unshuffled loader over the test split.
	Eval *data.Loader
	// Val, when set, is a held-out validation split evaluated after every
	// epoch too: the split on which to select a best epoch, so that the
	// test split is never used for selection.
	Val     *data.Loader
	Classes int
	Loss    LossFunc
	Opts    Options
	History []EpochRecord
}

// Run trains for the remaining epochs, resuming from the checkpoint when
// asked, and writes a checkpoint after each epoch.
func (t *Trainer) Run() error {
	if t.Loss == nil {
		t.Loss = CrossEntropyLoss
	}
	if d := t.device(); d != tensor.Host {
		nn.ToDevice(t.Model, d)
		defer nn.ToDevice(t.Model, tensor.Host)
	}
	start := 0
	if t.Opts.Resume && t.Opts.Dir != "" {
		epoch, ok, err := t.loadCheckpoint()
		if err != nil {
			return err
		}
		if ok {
			start = epoch
			t.logf("resumed %s from %s after epoch %d\n", t.Opts.Name, t.checkpointPath(), epoch)
		} else {
			t.logf("no checkpoint %s: %s starts at epoch 1\n", t.checkpointPath(), t.Opts.Name)
		}
	}
	if err := t.startOutputs(start); err != nil {
		return err
	}
	params := nn.Trainable(t.Model)
	for e := start; e < t.Opts.Epochs; e++ {
		rec, err := t.epoch(e, params)
		if err != nil {
			return err
		}
		t.History = append(t.History, rec)
		t.logf("%s epoch %d/%d  lr %.4g  train loss %.4f acc %.2f%%  test loss %.4f acc %.2f%%  (%.1fs)\n",
			t.Opts.Name, rec.Epoch, t.Opts.Epochs, rec.LR, rec.TrainLoss, 100*rec.TrainAcc, rec.Eval.Loss, 100*rec.Eval.Accuracy, rec.Seconds)
		if t.Opts.Dir != "" {
			if err := t.saveCheckpoint(e + 1); err != nil {
				return err
			}
			if err := t.writeLogs(); err != nil {
				return err
			}
		}
	}
	if t.Opts.Dir != "" {
		if start >= t.Opts.Epochs && len(t.History) > 0 {
			// Nothing was left to train: a run killed between its last
			// checkpoint and its logs gets them now.
			if err := t.writeLogs(); err != nil {
				return err
			}
		}
		return nn.SaveSafetensors(t.weightsPath(), nn.HostCopy(nn.StateDict(t.Model)), t.weightsMetadata())
	}
	return nil
}

// epoch trains one epoch (0-based e) and evaluates.
func (t *Trainer) epoch(e int, params []*autograd.Value) (rec EpochRecord, err error) {
	began := time.Now()
	batch := 0
	// Anomaly detection (autograd.DetectAnomaly) panics at the op that
	// made a NaN or Inf; say where in the run that was.
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(*autograd.AnomalyError)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%s: epoch %d batch %d: %w", t.Opts.Name, e+1, batch, a)
		}
	}()
	lr := t.Schedule.LR(e)
	reseed(t.Model, t.Opts.Seed, e)
	nn.SetTraining(t.Model, true)
	acc := newAccumulator(t.Classes)
	extra := map[string]float64{}
	named := trainableNamed(t.Model)
	dev := t.device()
	bar := newProgress(t.Opts, fmt.Sprintf("%s epoch %d/%d", t.Opts.Name, e+1, t.Opts.Epochs), t.Train.NumBatches())
	for b := range t.Train.Epoch(e) {
		batch = b.Index + 1
		lv, logits, ex, err := t.step(b, e, lr, dev, named)
		if err != nil {
			return EpochRecord{}, err
		}
		acc.add(logitsOf(logits), b.Labels, lv)
		releaseOnDevice(logits)
		for k, v := range ex {
			extra[k] += v * float64(len(b.Labels))
		}
		bar.step(lv)
	}
	bar.done()
	m := acc.metrics()
	for k := range extra {
		extra[k] /= float64(max(m.Samples, 1))
	}
	rec = EpochRecord{Epoch: e + 1, LR: lr, TrainLoss: m.Loss, TrainAcc: m.Accuracy}
	if len(extra) > 0 {
		rec.Extra = extra
	}
	rec.TrainSeconds = time.Since(began).Seconds()
	if t.Eval != nil {
		rec.Eval = evaluate(t.Model, t.Eval, t.Classes, t.Opts.RecordCorrect)
	}
	if t.Val != nil {
		v := evaluate(t.Model, t.Val, t.Classes, t.Opts.RecordCorrect)
		rec.Val = &v
	}
	rec.Seconds = time.Since(began).Seconds()
	return rec, nil
}

// NonFiniteError is a run stopped by a NaN or infinite loss or gradient:
// the training diverged (a result, for a study), not a broken input.
type NonFiniteError struct{ msg string }

func (e *NonFiniteError) Error() string { return e.msg }

// trainableNamed lists the parameters that take gradients, with their
// names for error messages.
func trainableNamed(m nn.Module) []nn.NamedParam {
	var out []nn.NamedParam
	for _, p := range nn.Parameters(m) {
		if p.Value.RequiresGrad() {
			out = append(out, p)
		}
	}
	return out
}

// reseed gives every dropout layer a generator derived from (seed, epoch,
// position), so that epoch e draws the same masks whether or not the run
// was resumed.
func reseed(m nn.Module, seed uint64, epoch int) {
	i := 0
	nn.Walk(m, func(_ string, sub nn.Module) {
		if d, ok := sub.(*nn.Dropout); ok {
			d.RNG = tensor.NewRNG(seed ^ uint64(epoch+1)*0x9E3779B97F4A7C15 ^ uint64(i+1)*0xC2B2AE3D27D4EB4F)
			i++
		}
	})
}

// BestEpoch returns the record with the highest validation accuracy (the
// earliest on ties), or the last record when there is no validation split.
func BestEpoch(h []EpochRecord) EpochRecord {
	best := h[len(h)-1]
	if best.Val == nil {
		return best
	}
	for _, r := range h {
		if r.Val == nil {
			continue
		}
		if r.Val.Accuracy > best.Val.Accuracy || (r.Val.Accuracy == best.Val.Accuracy && r.Epoch < best.Epoch) {
			best = r
		}
	}
	return best
}

func (t *Trainer) logf(format string, args ...any) {
	if t.Opts.Log != nil {
		fmt.Fprintf(t.Opts.Log, format, args...)
	}
}
