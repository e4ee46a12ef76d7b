package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
	"github.com/modeldoctor/modeldoctor/zoo"
)

func init() {
	commands["train"] = command{"train a zoo model on a data set (checkpoints every epoch; --resume continues)", runTrain}
	commands["eval"] = command{"evaluate weights on a data set's test split", runEval}
}

// modelFlags are the flags shared by every command that builds a model on
// a data set.
type modelFlags struct {
	model, dataset, dataDir string
	width                   float64
	size, batch, workers    int
	limit, inChannels       int
	seed                    uint64
	mean, std               string
	preprocess              string
	// device is --device; dev is the device it resolved to (validate).
	device string
	dev    tensor.Device
	// meanV and stdV are mean and std parsed by validate.
	meanV, stdV []float32
}

func (m *modelFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.model, "model", "lenet", "model name (see \"modeldoctor zoo\")")
	fs.StringVar(&m.dataset, "dataset", "mnist", "mnist, fashion-mnist, cifar10, cifar100 or folder:PATH")
	fs.StringVar(&m.dataDir, "data", "", "directory of the data set (default: where it is installed)")
	fs.Float64Var(&m.width, "width", 1, "width multiplier, for models that have one (> 0)")
	fs.IntVar(&m.size, "size", 32, "input size in pixels (images are resized)")
	fs.IntVar(&m.batch, "batch", 128, "batch size")
	fs.IntVar(&m.workers, "workers", 2, "goroutines preparing batches (≥ 1)")
	fs.IntVar(&m.limit, "limit", 0, "use a stratified subset of N training images (0: all), for quick runs")
	fs.IntVar(&m.inChannels, "in-channels", 0, "model input channels (0: the data set's; 3 on gray data replicates the channel, as the authors' RGB loaders do)")
	fs.StringVar(&m.mean, "mean", "", "normalisation means, one or one per channel, comma-separated (default: the training split's)")
	fs.StringVar(&m.std, "std", "", "normalisation standard deviations, with --mean")
	fs.StringVar(&m.preprocess, "preprocess", "standard", "standard (bilinear resize, the training split's statistics) or authors (the authors' loaders: gray to RGB, PIL resize to 32, their constants and augmentation)")
	fs.Uint64Var(&m.seed, "seed", 1, "seed for initialisation, shuffling and augmentation")
	registerDevice(fs, &m.device)
}

// validate checks every model and data flag before anything is loaded.
func (m *modelFlags) validate() error {
	spec, err := zoo.Lookup(m.model)
	if err != nil {
		return fmt.Errorf("--model: %v", err)
	}
	if err := firstError(
		checkDatasetName(m.dataset),
		checkRange("width", m.width, math.SmallestNonzeroFloat64, 16, "a positive multiplier up to 16"),
		checkRange("size", float64(m.size), 1, 1024, "a size in pixels from 1 to 1024"),
		checkRange("batch", float64(m.batch), 1, math.Inf(1), "at least 1"),
		checkRange("workers", float64(m.workers), 1, 256, "1 to 256"),
		checkRange("limit", float64(m.limit), 0, math.Inf(1), "0 (all) or a number of images"),
		checkRange("in-channels", float64(m.inChannels), 0, 4096, "0 (the data set's) or a channel count"),
	); err != nil {
		return err
	}
	if m.dataDir != "" && strings.HasPrefix(m.dataset, "folder:") {
		return fmt.Errorf("--data %s: an image folder is named by --dataset folder:PATH alone", m.dataDir)
	}
	if m.width != 1 && !spec.HasWidth {
		return fmt.Errorf("--width %g: %s has no width multiplier (leave it at 1)", m.width, m.model)
	}
	if m.meanV, err = parseFloats("mean", m.mean); err != nil {
		return err
	}
	if m.stdV, err = parseFloats("std", m.std); err != nil {
		return err
	}
	if len(m.meanV) != len(m.stdV) {
		return fmt.Errorf("--mean has %d values and --std %d: give both, one per channel or one for all", len(m.meanV), len(m.stdV))
	}
	for i := range m.meanV {
		if math.IsNaN(float64(m.meanV[i])) || math.IsInf(float64(m.meanV[i]), 0) {
			return fmt.Errorf("--mean %s: want finite numbers", m.mean)
		}
		if !(m.stdV[i] > 0) || math.IsInf(float64(m.stdV[i]), 0) {
			return fmt.Errorf("--std %s: want finite positive numbers", m.std)
		}
	}
	switch m.preprocess {
	case "standard":
	case "authors":
		switch {
		case m.mean != "":
			return fmt.Errorf("--mean: --preprocess authors uses the authors' constants")
		case m.size != 32:
			return fmt.Errorf("--size %d: --preprocess authors resizes to 32, as the authors' loaders", m.size)
		case m.inChannels != 0 && m.inChannels != 3:
			return fmt.Errorf("--in-channels %d: --preprocess authors gives 3-channel images", m.inChannels)
		case strings.HasPrefix(m.dataset, "folder:"):
			return fmt.Errorf("--preprocess authors: defined for mnist, fashion-mnist, cifar10 and cifar100, not for an image folder (give --mean and --std)")
		}
	default:
		return fmt.Errorf("--preprocess %q: want standard or authors", m.preprocess)
	}
	// Last: the one check that opens something (a GPU, or the simulated
	// device's kernels), once per process.
	m.dev, err = resolveDevice(m.device)
	return err
}

// build loads the data set and constructs the model for it, checking that
// the model takes the data's input shape.
func (m *modelFlags) build() (*datasetSpec, nn.Module, zoo.Spec, error) {
	if err := m.validate(); err != nil {
		return nil, nil, zoo.Spec{}, err
	}
	ds, err := loadDataset(m)
	if err != nil {
		return nil, nil, zoo.Spec{}, err
	}
	model, spec, err := m.newModel(ds)
	if err != nil {
		return nil, nil, zoo.Spec{}, err
	}
	if err := checkInput(m.model, model, ds.C, m.size); err != nil {
		return nil, nil, zoo.Spec{}, err
	}
	return ds, model, spec, nil
}

// newModel builds a freshly initialised model for ds.
func (m *modelFlags) newModel(ds *datasetSpec) (nn.Module, zoo.Spec, error) {
	model, spec, err := zoo.New(m.model, zoo.Config{Classes: ds.Train.NumClasses(), InChannels: ds.C, Width: m.width, Seed: m.seed})
	if err != nil {
		return nil, zoo.Spec{}, fmt.Errorf("--model: %v", err)
	}
	return model, spec, nil
}

func (m *modelFlags) loader(ds *data.Dataset, t data.Transform, shuffle bool) *data.Loader {
	return data.NewLoader(ds, data.LoaderOptions{BatchSize: m.batch, Shuffle: shuffle, Seed: m.seed, Transform: t, Workers: m.workers})
}

// datasetSlug names a data set in file names: an image folder by its
// directory's name (folder-NAME), never by a path.
func datasetSlug(dataset string) string {
	if root, ok := strings.CutPrefix(dataset, "folder:"); ok {
		return "folder-" + filepath.Base(filepath.Clean(root))
	}
	return dataset
}

// dataIdentity identifies the data a command read: the data set and the
// fingerprints and sizes of the splits as used (after --limit).
func dataIdentity(ds *datasetSpec) map[string]string {
	id := map[string]string{
		"dataset": ds.Name, "classes": fmt.Sprint(ds.Train.Classes),
		"train": ds.Train.Fingerprint(), "train_images": fmt.Sprint(ds.Train.N),
		"test": ds.Test.Fingerprint(), "test_images": fmt.Sprint(ds.Test.N),
	}
	if ds.Mean != nil {
		// The constants as used, whether given or computed: later stages
		// normalise with these (see fitWeights).
		id["norm_mean"], id["norm_std"] = formatFloats(ds.Mean), formatFloats(ds.Std)
	}
	return id
}

// unrecorded are the flags that do not change a result: where files go,
// how many goroutines prepare batches, whether to resume. The weights are
// identified by their content and the normalisation by the constants used
// (both in the data identity), not by the flags' text.
//
// The device is not a setting either: it is recorded with the versions
// (recordDevice), so that a run may resume on another device.
var unrecorded = []string{"out", "data", "workers", "resume", "detect-anomaly", "weights", "mean", "std", "device"}

// sgdFlags are the optimisation flags (the authors' recipe by default).
type sgdFlags struct {
	epochs        int
	lr, momentum  float64
	weightDecay   float64
	schedule      string
	detectAnomaly bool
}

func (s *sgdFlags) register(fs *flag.FlagSet, epochs int, lr float64) {
	fs.IntVar(&s.epochs, "epochs", epochs, "epochs")
	fs.Float64Var(&s.lr, "lr", lr, "learning rate")
	fs.Float64Var(&s.momentum, "momentum", 0.9, "SGD momentum")
	fs.Float64Var(&s.weightDecay, "wd", 5e-4, "weight decay (coupled, as PyTorch's SGD)")
	fs.StringVar(&s.schedule, "schedule", "cosine", "learning-rate schedule: cosine or constant")
	fs.BoolVar(&s.detectAnomaly, "detect-anomaly", false, "check every op's output and gradient for NaN/Inf and name the first op that makes one (slower)")
}

// validate checks the flags before any data is loaded.
func (s *sgdFlags) validate() error {
	if err := firstError(
		checkRange("epochs", float64(s.epochs), 1, 1e6, "at least 1"),
		checkRange("lr", s.lr, math.SmallestNonzeroFloat64, 100, "a positive learning rate"),
		checkRange("momentum", s.momentum, 0, 0.999999, "a value in [0, 1)"),
		checkRange("wd", s.weightDecay, 0, 1, "a weight decay in [0, 1]"),
	); err != nil {
		return err
	}
	if s.schedule != "cosine" && s.schedule != "constant" {
		return fmt.Errorf("--schedule %q: want cosine or constant", s.schedule)
	}
	return nil
}

// scheduleFor is the learning-rate schedule the flags name.
func (s *sgdFlags) scheduleFor() optim.Schedule {
	if s.schedule == "constant" {
		return optim.Constant{Base: s.lr}
	}
	return optim.CosineAnnealingLR{Base: s.lr, TMax: s.epochs}
}

func (s *sgdFlags) make(model nn.Module) (optim.Optimizer, optim.Schedule, error) {
	if err := s.validate(); err != nil {
		return nil, nil, err
	}
	opt := optim.NewSGD(nn.Trainable(model), optim.SGDOptions{Momentum: float32(s.momentum), WeightDecay: float32(s.weightDecay)})
	return opt, s.scheduleFor(), nil
}

// withAnomaly runs f with autograd's anomaly detection when asked.
func (s *sgdFlags) withAnomaly(f func() error) error {
	if !s.detectAnomaly {
		return f()
	}
	var err error
	if a := autograd.CatchAnomaly(func() { autograd.DetectAnomaly(func() { err = f() }) }); a != nil {
		return fmt.Errorf("--detect-anomaly: %v", a)
	}
	return err
}

func runTrain(args []string) error {
	fs := newFlagSet("train")
	var mf modelFlags
	var sf sgdFlags
	mf.register(fs)
	// Training from scratch defaults to the settings the README's MNIST and
	// Fashion-MNIST results use (LeNet-5: 99.13% and 91.10% with seed 1).
	// With batch 128 and lr 0.01, MNIST stopped at 98.98% after 5 epochs.
	mf.batch = 64
	fs.Lookup("batch").DefValue = "64"
	sf.register(fs, 5, 0.05)
	out := fs.String("out", "runs/train", "output directory (checkpoint, metrics, curves, weights)")
	resume := fs.Bool("resume", false, "continue from the checkpoint in --out (refused if any setting changed)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := firstError(mf.validate(), sf.validate()); err != nil {
		return err
	}
	if err := checkWritable(*out); err != nil {
		return err
	}
	ds, model, _, err := mf.build()
	if err != nil {
		return err
	}
	opt, sched, err := sf.make(model)
	if err != nil {
		return err
	}
	name := mf.model + "-" + datasetSlug(mf.dataset)
	tr := &train.Trainer{
		Model: model, Opt: opt, Schedule: sched, Classes: ds.Train.NumClasses(),
		Train: mf.loader(ds.Train, ds.TrainAug, true), Eval: mf.loader(ds.Test, ds.Eval, false),
		Opts: train.Options{Epochs: sf.epochs, Seed: mf.seed, Dir: *out, Name: name, Resume: *resume, Log: os.Stderr, Device: mf.dev,
			Provenance: recordDevice(train.NewProvenance("train", settings(fs, unrecorded...), dataIdentity(ds)), mf.dev)},
	}
	fmt.Fprintf(os.Stderr, "training %s (%d parameters) on %s: %d images, %d epochs\n", mf.model, nn.CountParameters(model), mf.dataset, ds.Train.N, sf.epochs)
	if err := sf.withAnomaly(tr.Run); err != nil {
		return err
	}
	last := tr.History[len(tr.History)-1]
	fmt.Printf("test accuracy %.2f%% after %d epochs; weights in %s\n", 100*last.Eval.Accuracy, last.Epoch, tr.WeightsPath())
	return nil
}

func runEval(args []string) error {
	fs := newFlagSet("eval")
	var mf modelFlags
	mf.register(fs)
	weights := fs.String("weights", "", "weights file: safetensors or a PyTorch state dict saved with torch.save (.pth), recognised by content")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *weights == "" {
		return fmt.Errorf("--weights is required")
	}
	if err := mf.validate(); err != nil {
		return err
	}
	if err := mf.fitWeights(*weights, false); err != nil {
		return err
	}
	ds, model, _, err := mf.build()
	if err != nil {
		return err
	}
	if err := loadWeights(*weights, model); err != nil {
		return err
	}
	m := evaluateOn(mf.dev, model, func() train.Metrics {
		return train.Evaluate(model, mf.loader(ds.Test, ds.Eval, false), ds.Test.NumClasses())
	})
	fmt.Printf("%s on %s test split: loss %.4f, accuracy %.2f%% (%d images)\n", mf.model, mf.dataset, m.Loss, 100*m.Accuracy, m.Samples)
	for k, a := range m.PerClass {
		name := fmt.Sprint(k)
		if k < len(ds.Test.Classes) {
			name = ds.Test.Classes[k]
		}
		if m.Counts[k] == 0 {
			fmt.Printf("  class %-12s    n/a  (no test image)\n", name)
			continue
		}
		fmt.Printf("  class %-12s %6.2f%%  (%d images)\n", name, 100*a, m.Counts[k])
	}
	return nil
}
