package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/klauspost/cpuid/v2"

	"github.com/modeldoctor/modeldoctor/doctor"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/study"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
)

// runCell runs cell i of plan, or skips it when its result file is there
// for this plan and protocol. Every stage resumes from its checkpoint, so
// a cell killed at any point and run again writes the same result file.
// A lock file in work keeps two processes off the same cell.
func runCell(plan *study.Plan, i int, results, work, dataDir string, workers int, device string) error {
	c := plan.Cells[i]
	resPath := study.ResultPath(results, c)
	done := func() bool {
		r, err := study.ReadResult(resPath)
		if err == nil && r.Matches(plan, c) {
			fmt.Fprintf(os.Stderr, "cell %d (%s): done, %s\n", i, c.ID(), resPath)
			return true
		}
		return false
	}
	if done() {
		return nil
	}
	unlock, err := lockCell(filepath.Join(work, c.ID()+".lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if done() { // another process finished it while this one waited
		return nil
	}
	dev, err := resolveDevice(device)
	if err != nil {
		return err
	}
	if err := pinCellDevice(filepath.Join(work, c.ID()), dev); err != nil {
		return err
	}
	began := time.Now()
	fmt.Fprintf(os.Stderr, "\n==== cell %d of %d: %s\n", i, len(plan.Cells), c.ID())

	pr := plan.Protocol
	d := &doctorFlags{
		modelFlags: modelFlags{model: c.Model, dataset: c.Dataset, width: c.Width, size: pr.Size, batch: pr.Batch,
			workers: workers, limit: pr.Limit, seed: c.Seed, preprocess: "standard", dataDir: dataDir, device: device},
		out: filepath.Join(work, c.ID()), nHigh: pr.N, nLow: pr.NLow, theta: pr.Theta, valFraction: pr.ValFraction,
	}
	t := &treatFlags{sgdFlags: sgdFlags{momentum: pr.Momentum, weightDecay: pr.WeightDecay}}
	base := d.settingsMap()
	base["momentum"], base["wd"] = fmt.Sprint(pr.Momentum), fmt.Sprint(pr.WeightDecay)
	base["finetune-epochs"] = strconv.Itoa(pr.FinetuneEpochs)
	epochs := c.Pretraining(pr)
	w, history, err := pretrain(d, t, pretraining{epochs: epochs, lr: pr.PretrainLR, val: true}, base)
	if err != nil {
		return err
	}
	d.weights = w
	s, err := d.open(true)
	if err != nil {
		return err
	}
	s.settings = base
	s.settings["layer"] = s.layer
	dg, err := s.cellDiagnosis()
	if err != nil {
		return err
	}
	before := evaluateOn(d.dev, s.model, func() train.Metrics {
		return train.EvaluateCorrect(s.model, d.loader(s.ds.Test, s.ds.Eval, false), s.classes())
	})
	res := &study.Result{Plan: plan.Name, Cell: c, Protocol: pr, Pretrain: epochsOf(history),
		PretrainCorrect: before.Correct, TestImages: s.ds.Test.N}
	for _, v := range dg.Sparsity() {
		res.Sparsity += v / float64(len(dg.Classes))
	}
	timing := &study.Timing{Cell: c, RunsPerEpoch: map[string]float64{}, CPU: cpuid.CPU.BrandName, GOMAXPROCS: runtime.GOMAXPROCS(0),
		Version: train.Versions()["vcs.revision"]}
	if d.dev != "" && d.dev != tensor.Host {
		timing.Device = string(d.dev)
	}
	for _, h := range history {
		timing.Pretrain += h.TrainSeconds / float64(len(history))
	}
	for _, run := range pr.Runs() {
		// An arm's own settings go into its record only: a plan that
		// gains an optional arm keeps resuming the others.
		own := map[string]string{}
		switch run.Arm {
		case "noise":
			own["feature-noise"] = fmt.Sprint(pr.FeatureNoise)
		case "scratch-md":
			own["pretrain-epochs"] = strconv.Itoa(epochs)
		}
		done, perEpoch, err := s.fineTune(run, dg, own)
		if err != nil {
			return fmt.Errorf("%s: %w", run.Name(), err)
		}
		res.Runs = append(res.Runs, done)
		timing.RunsPerEpoch[run.Name()] = perEpoch
	}
	ctlName := study.Run{Arm: "control", LR: pr.LR(1)}.Name()
	if ctl, md := timing.RunsPerEpoch[ctlName], timing.RunsPerEpoch[study.Run{Arm: "md", Alpha: pr.Alphas[0], LR: pr.LR(1)}.Name()]; ctl > 0 {
		timing.TreatVsPlain, timing.ControlSource = md/ctl, ctlName
	}
	timing.WallSeconds = time.Since(began).Seconds()
	// The result first: a timing file is never left for an unfinished cell.
	if err := study.WriteJSON(resPath, res); err != nil {
		return err
	}
	if err := study.WriteJSON(study.TimingPath(results, c), timing); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "cell %d (%s): %s in %s\n", i, c.ID(), resPath, time.Since(began).Round(time.Second))
	return nil
}

// cellDiagnosis sifts and diagnoses the pre-trained model, or reads the
// diagnosis an earlier (interrupted) run of the cell left, if it fits.
func (s *session) cellDiagnosis() (*doctor.Diagnosis, error) {
	if _, err := os.Stat(s.path("diagnosis.json")); err == nil {
		return s.loadDiagnosis()
	}
	if _, err := s.sift(); err != nil {
		return nil, err
	}
	return s.diagnose(s.model, "diagnosis.json", "heatmap.png", nil)
}

// fineTune runs one arm at one learning rate from the pre-trained weights
// (the scratch arm: from the random initialisation pre-training started
// from, for as long) — resuming its checkpoint — and returns it with its
// epochs and the epoch chosen on validation, and its training seconds per
// epoch.
func (s *session) fineTune(run study.Run, dg *doctor.Diagnosis, own map[string]string) (study.Run, float64, error) {
	f, pr := s.f, s.settings
	m, _, err := f.newModel(s.ds)
	if err != nil {
		return run, 0, err
	}
	epochs, _ := strconv.Atoi(pr["finetune-epochs"])
	if run.Arm == "scratch-md" {
		epochs, _ = strconv.Atoi(own["pretrain-epochs"])
	} else if _, err := nn.LoadWeights(f.weights, m, true); err != nil {
		return run, 0, err
	}
	set := without(pr)
	set["arm"], set["alpha"], set["lr"], set["epochs"], set["schedule"] = run.Arm, fmt.Sprint(run.Alpha), fmt.Sprint(run.LR), fmt.Sprint(epochs), "cosine"
	for k, v := range own {
		set[k] = v
	}
	opt := optim.NewSGD(nn.Trainable(m), optim.SGDOptions{Momentum: float32(num(pr["momentum"])), WeightDecay: float32(num(pr["wd"]))})
	tr := &train.Trainer{
		Model: m, Opt: opt, Schedule: optim.CosineAnnealingLR{Base: run.LR, TMax: epochs}, Classes: s.classes(),
		Train: f.loader(s.train, s.ds.TrainAug, true), Val: f.loader(s.val, s.ds.Eval, false), Eval: f.loader(s.ds.Test, s.ds.Eval, false),
		Opts: train.Options{Epochs: epochs, Seed: f.seed, Dir: f.out, Name: run.Name(), Resume: true, Log: os.Stderr, Device: f.dev,
			RecordCorrect: true, Provenance: recordDevice(train.NewProvenance("study run", set, s.identity), f.dev)},
	}
	switch run.Arm {
	case "md", "scratch-md":
		// The mask goes where the model trains, once.
		cons := doctor.Constraint{Layer: s.layer, Mask: dg.MaskTensor(), Alpha: float32(run.Alpha)}.To(tr.Opts.Device)
		tr.Loss = cons.Loss
	case "noise":
		tr.Loss = (&doctor.FeatureNoise{Layer: s.layer, Std: float32(num(own["feature-noise"])), Seed: f.seed}).Loss
	}
	err = tr.Run()
	tensor.TrimPool()
	var diverged *train.NonFiniteError
	if errors.As(err, &diverged) {
		// Divergence is an outcome of the arm, recorded, not a failure of
		// the cell (a rerun diverges at the same step: runs are exact).
		run.Diverged, err = diverged.Error(), nil
		fmt.Fprintf(os.Stderr, "%s diverged: %v\n", run.Name(), diverged)
	}
	if err != nil {
		return run, 0, err
	}
	var perEpoch float64
	for _, h := range tr.History {
		run.Epochs = append(run.Epochs, study.Epoch{Epoch: h.Epoch, Val: h.Val.Accuracy, Test: h.Eval.Accuracy})
		perEpoch += h.TrainSeconds / float64(len(tr.History))
	}
	if len(run.Epochs) > 0 {
		sel := study.SelectEpoch(run.Epochs)
		run.Selected, run.SelectedCorrect = run.Epochs[sel].Epoch, tr.History[sel].Eval.Correct
	}
	return run, perEpoch, nil
}

// epochsOf keeps the validation and test accuracy of each epoch.
func epochsOf(h []train.EpochRecord) []study.Epoch {
	out := make([]study.Epoch, len(h))
	for i, r := range h {
		out[i] = study.Epoch{Epoch: r.Epoch, Test: r.Eval.Accuracy}
		if r.Val != nil {
			out[i].Val = r.Val.Accuracy
		}
	}
	return out
}

func num(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}
