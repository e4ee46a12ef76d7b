package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
)

// demoMemoryLimit is the demo's soft memory limit (see runDemo).
const demoMemoryLimit = 350 << 20

func init() {
	commands["demo"] = command{"run the whole pipeline on MNIST with a small CNN: train, sift, diagnose, treat, report", runDemo}
}

func runDemo(args []string) error {
	fs := newFlagSet("demo")
	var d doctorFlags
	var t treatFlags
	d.register(fs)
	t.register(fs)
	pre := fs.Int("pretrain-epochs", 2, "epochs of plain training before the diagnosis")
	if err := parse(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// Demo defaults, unless given: the output folder and a quick recipe.
	if !set["out"] {
		d.out = "runs/demo"
	}
	if !set["model"] {
		// 128 channels at its doctor layer: class-specific channels show
		// in the heat map (LeNet's 16 are too few to look sparse).
		d.model = "simplecnn"
	}
	if !set["epochs"] {
		t.epochs = 2
	}
	if err := firstError(d.validate(), t.validate(), checkRange("pretrain-epochs", float64(*pre), 1, 1e6, "at least 1")); err != nil {
		return err
	}
	// The demo's working set is about 220 MB (MNIST as bytes, a
	// second-order graph at batch 128); left alone, the collector lets
	// the heap grow to twice that. A soft limit keeps the peak under
	// 400 MB at no measured cost in time. GOMEMLIMIT, when set, wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(demoMemoryLimit)
	}
	began := time.Now()
	if d.weights == "" {
		w, _, err := pretrain(&d, &t, pretraining{epochs: *pre, lr: 0.05}, settings(fs))
		if err != nil {
			return err
		}
		d.weights = w
	}
	s, err := d.open(true)
	if err != nil {
		return err
	}
	s.record(fs, "pretrain-epochs")
	fmt.Fprintf(os.Stderr, "\n== sift and diagnose %s at %s\n", d.model, s.layer)
	if _, err := s.sift(); err != nil {
		return err
	}
	if _, err := s.diagnose(s.model, "diagnosis.json", "heatmap.png", nil); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\n== treat (α = %g) and control, %d epochs each\n", t.alpha, t.epochs)
	res, err := s.treat(&t)
	if err != nil {
		return err
	}
	page, err := s.report(res.Treated, res.Control)
	if err != nil {
		return err
	}
	fmt.Printf("\nModel Doctor demo finished in %s.\nReport: %s\n", time.Since(began).Round(time.Second), page)
	return nil
}

// pretraining is the plain training a demo or a study cell starts with:
// SGD with cosine annealing from lr.
type pretraining struct {
	epochs int
	lr     float64
	// val also evaluates the validation hold-out after every epoch, so
	// the curve shows whether training reached a plateau.
	val bool
}

// pretrain trains the model plainly on the training split (less the
// validation hold-out) and returns the weights file and the run's
// history; it resumes an interrupted run.
//
// Its provenance is the model and data settings in base (the doctor's and
// treatment's own flags do not change it) with the recipe p.
func pretrain(d *doctorFlags, t *treatFlags, p pretraining, base map[string]string) (string, []train.EpochRecord, error) {
	s, err := d.open(false)
	if err != nil {
		return "", nil, err
	}
	recipe := only(base, "model", "dataset", "width", "size", "batch", "limit", "in-channels", "preprocess", "seed", "val", "momentum", "wd")
	recipe["epochs"], recipe["lr"], recipe["schedule"] = fmt.Sprint(p.epochs), fmt.Sprint(p.lr), "cosine"
	recipe["model"], recipe["seed"] = d.model, fmt.Sprint(d.seed) // a study sets them per cell

	fmt.Fprintf(os.Stderr, "== pre-train %s on %s (%d images, %d epochs)\n", d.model, d.dataset, s.train.N, p.epochs)
	opt, sched, err := (&sgdFlags{epochs: p.epochs, lr: p.lr, momentum: t.momentum, weightDecay: t.weightDecay, schedule: "cosine"}).make(s.model)
	if err != nil {
		return "", nil, err
	}
	tr := &train.Trainer{
		Model: s.model, Opt: opt, Schedule: sched, Classes: s.classes(),
		Train: d.loader(s.train, s.ds.TrainAug, true), Eval: d.loader(s.ds.Test, s.ds.Eval, false),
		Opts: train.Options{Epochs: p.epochs, Seed: d.seed, Dir: d.out, Name: "pretrained", Resume: true, Log: os.Stderr, Device: d.dev,
			Provenance: recordDevice(train.NewProvenance("pretrain", recipe, dataIdentity(s.ds)), d.dev)},
	}
	if p.val && s.val != nil {
		tr.Val = d.loader(s.val, s.ds.Eval, false)
	}
	err = t.withAnomaly(tr.Run)
	tensor.TrimPool() // sift, diagnose and treat have other shapes
	if err != nil {
		return "", nil, err
	}
	fmt.Fprintf(os.Stderr, "pre-trained: %d parameters, weights %s\n", nn.CountParameters(s.model), tr.WeightsPath())
	return filepath.Clean(tr.WeightsPath()), tr.History, nil
}
