package doctor

import (
	"fmt"
	"io"

	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
)

// TreatConfig describes a treatment and its control.
type TreatConfig struct {
	// NewModel returns a fresh copy of the diagnosed model (its weights
	// loaded); it is called once for the treated run and once for the
	// control.
	NewModel   func() (nn.Module, error)
	Constraint Constraint
	// Train is the (shuffled) training loader; Val a held-out split for
	// model selection; Test the test split. Both runs see the identical
	// batches: a loader's batches are a pure function of (seed, epoch).
	Train, Val, Test *data.Loader
	Classes          int
	Epochs           int
	LR, Momentum     float64
	WeightDecay      float64
	// Schedule sets the learning rate per epoch; nil is cosine annealing
	// from LR over Epochs (the authors' recipe).
	Schedule optim.Schedule
	Seed     uint64
	Dir      string
	Resume   bool
	Log      io.Writer
	// Provenance is recorded with both runs (see train.Options).
	Provenance *train.Provenance
	// Device is where both runs train (train.Options.Device; "" is the
	// host). The constraint's masks are uploaded once, before training.
	Device tensor.Device
}

// TreatResult holds both runs.
type TreatResult struct {
	Treated, Control           []train.EpochRecord
	TreatedModel, ControlModel nn.Module
	TreatedWeights             string
	ControlWeights             string
}

// Treat fine-tunes the model with the constraint and, on the identical
// schedule, seed and data order, a control with cross-entropy only.
func Treat(c TreatConfig) (*TreatResult, error) {
	if c.Epochs <= 0 || c.LR <= 0 {
		return nil, fmt.Errorf("treat: epochs and learning rate must be positive")
	}
	res := &TreatResult{}
	for _, run := range []string{"treated", "control"} {
		m, err := c.NewModel()
		if err != nil {
			return nil, err
		}
		opt := optim.NewSGD(nn.Trainable(m), optim.SGDOptions{Momentum: float32(c.Momentum), WeightDecay: float32(c.WeightDecay)})
		sched := c.Schedule
		if sched == nil {
			sched = optim.CosineAnnealingLR{Base: c.LR, TMax: c.Epochs}
		}
		tr := &train.Trainer{
			Model: m, Opt: opt, Schedule: sched,
			Train: c.Train, Val: c.Val, Eval: c.Test, Classes: c.Classes,
			Opts: train.Options{Epochs: c.Epochs, Seed: c.Seed, Dir: c.Dir, Name: run, Resume: c.Resume, Log: c.Log, Provenance: c.Provenance, Device: c.Device},
		}
		if run == "treated" {
			cons := c.Constraint
			if err := cons.check(m, c.Train); err != nil {
				return nil, err
			}
			if c.Device != "" {
				cons = cons.To(c.Device) // where Run moves the model
			}
			tr.Loss = cons.Loss
		}
		if err := tr.Run(); err != nil {
			return nil, err
		}
		if run == "treated" {
			res.Treated, res.TreatedModel, res.TreatedWeights = tr.History, m, tr.WeightsPath()
		} else {
			res.Control, res.ControlModel, res.ControlWeights = tr.History, m, tr.WeightsPath()
		}
	}
	return res, nil
}

// check evaluates the constraint once on the first training batch so that
// a mismatched mask or layer is an error before training starts. It runs
// on the host, where NewModel's model is until Run moves it.
func (c *Constraint) check(m nn.Module, loader *data.Loader) error {
	b := loader.Batch(0, 0)
	b.N, b.X, b.Labels, b.Indices = 1, b.X[:b.C*b.H*b.W], b.Labels[:1], b.Indices[:1]
	wasTraining := m.ModuleBase().Training()
	nn.SetTraining(m, false) // no batch-norm statistics update
	defer nn.SetTraining(m, wasTraining)
	_, err := c.Evaluate(m, constBatch(b), b.Labels, b.Indices)
	return err
}
