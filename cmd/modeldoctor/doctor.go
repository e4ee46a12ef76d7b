package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/doctor"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/train"
	"github.com/modeldoctor/modeldoctor/zoo"
)

func init() {
	commands["sift"] = command{"pick the most and least confident training images per class", runSift}
	commands["diagnose"] = command{"aggregate class × channel gradients at the doctor layer (map, mask, heat map)", runDiagnose}
	commands["treat"] = command{"fine-tune with the Model Doctor constraint and a cross-entropy control", runTreat}
	commands["report"] = command{"write the HTML report and JSON summary of a treatment (settings read from the run)", runReport}
}

// doctorFlags are shared by sift, diagnose, treat and report. Every
// command reads and writes its files in --out, so they chain.
type doctorFlags struct {
	modelFlags
	weights     string
	out         string
	layer       string
	nHigh, nLow int
	theta       float64
	valFraction float64
}

func (d *doctorFlags) register(fs *flag.FlagSet) {
	d.modelFlags.register(fs)
	fs.StringVar(&d.weights, "weights", "", "weights of the trained model: safetensors or a PyTorch state dict saved with torch.save (.pth), recognised by content")
	fs.StringVar(&d.out, "out", "runs/doctor", "directory for sift.json, diagnosis.json, treated/control runs and the report")
	fs.StringVar(&d.layer, "layer", "", "doctor layer (default: the model's declared one)")
	fs.IntVar(&d.nHigh, "n", 50, "high-confidence images per class to diagnose from (≥ 1)")
	fs.IntVar(&d.nLow, "n-low", 20, "low-confidence images per class (to annotate)")
	fs.Float64Var(&d.theta, "theta", 0.2, "mask threshold on the normalised class × channel map, in [0, 1)")
	fs.Float64Var(&d.valFraction, "val", 0.1, "fraction of the training set held out (stratified) for model selection, in [0, 1)")
}

// validate checks the doctor flags (and the model's) before any work.
func (d *doctorFlags) validate() error {
	return firstError(
		d.modelFlags.validate(),
		checkRange("n", float64(d.nHigh), 1, math.Inf(1), "at least 1 image per class"),
		checkRange("n-low", float64(d.nLow), 0, math.Inf(1), "0 or more images per class"),
		checkRange("theta", d.theta, 0, math.Nextafter(1, 0), "a threshold in [0, 1) (the map is normalised to [0, 1])"),
		checkRange("val", d.valFraction, 0, math.Nextafter(1, 0), "a fraction in [0, 1)"),
	)
}

// The settings each stage's output depends on. sift.json holds positions
// in the training split left after --limit and the validation hold-out,
// ranked by the weights: all of these must match for its indices to mean
// the same images.
var (
	siftKeys = []string{"model", "dataset", "width", "size", "limit", "in-channels", "preprocess",
		"seed", "val", "n", "n-low"}
	diagnoseKeys = append(append([]string(nil), siftKeys...), "theta", "layer")
)

// session is a loaded model and data set with the splits the doctor uses.
type session struct {
	f          *doctorFlags
	ds         *datasetSpec
	model      nn.Module
	spec       zoo.Spec
	layer      string
	train, val *data.Dataset
	// settings and identity record what this session was opened with.
	settings, identity map[string]string
}

func (d *doctorFlags) open(needWeights bool) (*session, error) {
	if needWeights && d.weights == "" {
		return nil, fmt.Errorf("--weights is required (train a model with \"modeldoctor train\")")
	}
	if err := d.validate(); err != nil {
		return nil, err
	}
	if d.weights != "" {
		if err := d.fitWeights(d.weights, true); err != nil {
			return nil, err
		}
	}
	if err := checkWritable(d.out); err != nil {
		return nil, err
	}
	ds, model, spec, err := d.build()
	if err != nil {
		return nil, err
	}
	// The captured layer: the doctor conv, or where the authors' hook in
	// effect reads it (AlexNet: after its in-place ReLU).
	s := &session{f: d, ds: ds, model: model, spec: spec, layer: spec.CaptureLayer()}
	if d.layer != "" {
		s.layer = d.layer
	}
	if _, err := nn.Find(model, s.layer); err != nil {
		return nil, fmt.Errorf("--layer %s: %v (see \"modeldoctor zoo %s\")", s.layer, err, d.model)
	}
	s.identity = dataIdentity(ds)
	if d.weights != "" {
		if err := loadWeights(d.weights, model); err != nil {
			return nil, err
		}
		if bad := nn.NonFinite(model); len(bad) > 0 {
			return nil, fmt.Errorf("--weights %s: NaN or infinite values in %s", d.weights, summarizeNames(bad, 3))
		}
		s.identity["weights"] = stateFingerprint(model)
	}
	s.train, s.val = ds.Train, nil
	if d.valFraction > 0 {
		s.train, s.val = data.StratifiedSplitTrainVal(ds.Train, d.valFraction, d.seed)
	}
	s.identity["doctor_train"] = s.train.Fingerprint()
	return s, nil
}

// parseSession parses the shared doctor flags (and treat's, when t is not
// nil) for command name and opens the session; the trained weights are
// required.
func parseSession(name string, args []string, t *treatFlags) (*session, error) {
	fs := newFlagSet(name)
	d := &doctorFlags{}
	d.register(fs)
	if t != nil {
		t.register(fs)
	}
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if t != nil {
		if err := t.validate(); err != nil {
			return nil, err
		}
	}
	s, err := d.open(true)
	if err != nil {
		return nil, err
	}
	s.record(fs)
	return s, nil
}

// record sets the session's settings from fs, less skip, as they take
// effect: the doctor layer resolved to the model's default, and the
// auto-mask threshold only when auto masks are used.
func (s *session) record(fs *flag.FlagSet, skip ...string) {
	s.settings = settings(fs, append(skip, unrecorded...)...)
	s.settings["layer"] = s.layer
	if s.settings["masks"] != "auto" {
		delete(s.settings, "auto-threshold")
	}
}

func (s *session) path(name string) string { return filepath.Join(s.f.out, name) }

func (s *session) classes() int { return s.ds.Train.NumClasses() }

// provenance is the record of command with the settings named by keys
// (all of the session's when keys is nil).
func (s *session) provenance(command string, keys []string) *train.Provenance {
	set := s.settings
	if keys != nil {
		set = only(s.settings, keys...)
	}
	return train.NewProvenance(command, set, s.identity)
}

// checkMade refuses an output made with other settings or data than the
// session's, naming each difference.
func (s *session) checkMade(file string, made *train.Provenance, keys []string, rerun string) error {
	if made == nil {
		return fmt.Errorf("%s: no record of the settings it was made with (an older version wrote it); rerun \"modeldoctor %s\"", s.path(file), rerun)
	}
	was := *made
	was.Settings = only(made.Settings, keys...)
	if changed := s.provenance("", keys).Changed(&was); len(changed) > 0 {
		return fmt.Errorf("%s was made with other settings or data: %s; rerun \"modeldoctor %s\" or use another --out", s.path(file), strings.Join(changed, ", "), rerun)
	}
	return nil
}

func (s *session) runOptions() doctor.RunOptions { return doctor.RunOptions{Progress: os.Stderr} }

// settingsMap is what settings() records for these flags, built from the
// values (for a study cell, which has no flag set): the model, data and
// doctor settings, formatted as the flag package formats them.
func (d *doctorFlags) settingsMap() map[string]string {
	m := d.modelSettings()
	m["batch"], m["limit"], m["seed"] = strconv.Itoa(d.batch), strconv.Itoa(d.limit), strconv.FormatUint(d.seed, 10)
	m["val"], m["theta"] = strconv.FormatFloat(d.valFraction, 'g', -1, 64), strconv.FormatFloat(d.theta, 'g', -1, 64)
	m["n"], m["n-low"] = strconv.Itoa(d.nHigh), strconv.Itoa(d.nLow)
	return m
}
