package main

import (
	"encoding/json"
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
	"github.com/modeldoctor/modeldoctor/tensor"
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

func runSift(args []string) error {
	s, err := parseSession("sift", args, nil)
	if err != nil {
		return err
	}
	_, err = s.sift()
	return err
}

// siftFile is sift.json: the sifted indices and what they refer to.
type siftFile struct {
	Provenance *train.Provenance `json:"provenance"`
	doctor.SiftResult
}

func (s *session) sift() (doctor.SiftResult, error) {
	r := doctor.SiftWith(s.model, s.f.loader(s.train, s.ds.Eval, false), s.classes(), s.f.nHigh, s.f.nLow, s.runOptions())
	tensor.TrimPool() // the next stage has other shapes
	b, err := json.Marshal(siftFile{Provenance: s.provenance("sift", siftKeys), SiftResult: r})
	if err != nil {
		return r, err
	}
	if err := nn.WriteFileAtomic(s.path("sift.json"), b); err != nil {
		return r, err
	}
	n := 0
	var empty []string
	for k, h := range r.High {
		n += len(h)
		if len(h) == 0 {
			empty = append(empty, className(s.ds.Train.Classes, k))
		}
	}
	fmt.Fprintf(os.Stderr, "sifted %d high-confidence images (≤ %d per class) into %s\n", n, s.f.nHigh, s.path("sift.json"))
	if len(empty) > 0 {
		fmt.Fprintf(os.Stderr, "warning: no correctly classified training image for class %s: the diagnosis has nothing to go on there\n", strings.Join(empty, ", "))
	}
	return r, nil
}

func className(names []string, k int) string {
	if k < len(names) {
		return names[k]
	}
	return fmt.Sprint(k)
}

func (s *session) loadSift() (doctor.SiftResult, error) {
	var f siftFile
	b, err := os.ReadFile(s.path("sift.json"))
	if os.IsNotExist(err) {
		return s.sift()
	}
	if err != nil {
		return f.SiftResult, err
	}
	if err := json.Unmarshal(b, &f); err != nil || len(f.High) != s.classes() {
		return f.SiftResult, fmt.Errorf("%s: not a sift file for %d classes (rerun \"modeldoctor sift\")", s.path("sift.json"), s.classes())
	}
	if err := s.checkMade("sift.json", f.Provenance, siftKeys, "sift"); err != nil {
		return f.SiftResult, err
	}
	for _, lists := range [][][]int{f.High, f.Low} {
		for _, idx := range lists {
			for _, i := range idx {
				if i < 0 || i >= s.train.N {
					return f.SiftResult, fmt.Errorf("%s: image index %d out of range for %d training images", s.path("sift.json"), i, s.train.N)
				}
			}
		}
	}
	return f.SiftResult, nil
}

func runDiagnose(args []string) error {
	s, err := parseSession("diagnose", args, nil)
	if err != nil {
		return err
	}
	_, err = s.diagnose(s.model, "diagnosis.json", "heatmap.png", nil)
	return err
}

// diagnose writes a diagnosis of m and its heat map and prints a summary.
func (s *session) diagnose(m nn.Module, file, png string, order []int) (*doctor.Diagnosis, error) {
	sift, err := s.loadSift()
	if err != nil {
		return nil, err
	}
	dg, err := doctor.DiagnoseWith(m, s.layer, s.train, s.ds.Eval, sift.High, s.f.theta, s.runOptions())
	tensor.TrimPool()
	if err != nil {
		return nil, err
	}
	dg.Model, dg.Dataset = s.f.model, s.f.dataset
	dg.Provenance = s.provenance("diagnose", diagnoseKeys)
	if m != s.model { // the treated model: the record names its weights
		dg.Provenance.Data = without(s.identity)
		dg.Provenance.Data["weights"] = stateFingerprint(m)
	}
	if err := dg.Save(s.path(file)); err != nil {
		return nil, err
	}
	if order == nil {
		order = doctor.ChannelOrder(dg.Norm)
	}
	if err := doctor.HeatmapPNG(s.path(png), dg, order); err != nil {
		return nil, err
	}
	sp := dg.Sparsity()
	ov := dg.Overlap()
	var mean float64
	pairs := 0
	for i := range ov {
		for j := i + 1; j < len(ov); j++ {
			mean += ov[i][j]
			pairs++
		}
	}
	fmt.Fprintf(os.Stderr, "diagnosed %s at %s (%d channels): %s, heat map %s\n", s.f.model, s.layer, dg.Channels, s.path(file), s.path(png))
	var parts []string
	for k, v := range sp {
		parts = append(parts, fmt.Sprintf("%s %.0f%%", dg.Classes[k], 100*v))
	}
	fmt.Fprintf(os.Stderr, "  channels per class (θ = %g): %s\n", s.f.theta, strings.Join(parts, ", "))
	if pairs > 0 {
		fmt.Fprintf(os.Stderr, "  mean overlap between two classes' channel sets (Jaccard): %.2f\n", mean/float64(pairs))
	}
	return dg, nil
}

// loadDiagnosis reads diagnosis.json and checks it was made from this
// session's model, weights, data and settings.
func (s *session) loadDiagnosis() (*doctor.Diagnosis, error) {
	dg, err := doctor.LoadDiagnosis(s.path("diagnosis.json"))
	if err != nil {
		return nil, fmt.Errorf("%v (run \"modeldoctor diagnose\" first)", err)
	}
	if err := s.checkMade("diagnosis.json", dg.Provenance, diagnoseKeys, "diagnose"); err != nil {
		return nil, err
	}
	return dg, nil
}

// treatFlags are treat's own flags.
type treatFlags struct {
	sgdFlags
	alpha, beta   float64
	spatial       string
	autoMaskAbove float64
	resume        bool
}

func (t *treatFlags) register(fs *flag.FlagSet) {
	t.sgdFlags.register(fs, 5, 0.01)
	fs.Float64Var(&t.alpha, "alpha", 10, "weight of the channel constraint (L_high + L_low), ≥ 0")
	fs.Float64Var(&t.beta, "beta", 0, "weight of the spatial constraint (0 for 32-px data, as the authors), ≥ 0")
	fs.StringVar(&t.spatial, "masks", "", "spatial masks: \"auto\" (plain-background images), or a directory of <index>.json (labelme) / <index>.png files")
	fs.Float64Var(&t.autoMaskAbove, "auto-threshold", 0.2, "with --masks auto: foreground pixels are brighter than this, in [0, 1)")
	fs.BoolVar(&t.resume, "resume", false, "continue interrupted treated/control runs from their checkpoints (refused if any setting changed)")
}

func (t *treatFlags) validate() error {
	if err := firstError(
		t.sgdFlags.validate(),
		checkRange("alpha", t.alpha, 0, 1e6, "a weight ≥ 0"),
		checkRange("beta", t.beta, 0, 1e6, "a weight ≥ 0"),
		checkRange("auto-threshold", t.autoMaskAbove, 0, math.Nextafter(1, 0), "a brightness in [0, 1)"),
	); err != nil {
		return err
	}
	if t.beta != 0 && t.spatial == "" {
		return fmt.Errorf("--beta %g needs --masks (auto or a directory)", t.beta)
	}
	if t.beta == 0 && t.spatial != "" {
		return fmt.Errorf("--masks %s: the spatial constraint is off while --beta is 0; give --beta", t.spatial)
	}
	return nil
}

func runTreat(args []string) error {
	var t treatFlags
	s, err := parseSession("treat", args, &t)
	if err != nil {
		return err
	}
	_, err = s.treat(&t)
	return err
}

func (s *session) treat(t *treatFlags) (*doctor.TreatResult, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	dg, err := s.loadDiagnosis()
	if err != nil {
		return nil, err
	}
	masks, err := s.spatialMasks(t)
	if err != nil {
		return nil, err
	}
	f := s.f
	cfg := doctor.TreatConfig{
		NewModel: func() (nn.Module, error) {
			m, _, err := f.newModel(s.ds)
			if err != nil {
				return nil, err
			}
			_, err = nn.LoadWeights(f.weights, m, true)
			return m, err
		},
		Constraint: doctor.Constraint{Layer: s.layer, Mask: dg.MaskTensor(), Alpha: float32(t.alpha), Beta: float32(t.beta), Spatial: masks},
		Train:      f.loader(s.train, s.ds.TrainAug, true),
		Test:       f.loader(s.ds.Test, s.ds.Eval, false),
		Classes:    s.classes(), Epochs: t.epochs, LR: t.lr, Momentum: t.momentum, WeightDecay: t.weightDecay,
		Schedule: t.scheduleFor(), Seed: f.seed, Dir: f.out, Resume: t.resume, Log: os.Stderr,
		Provenance: s.provenance("treat", nil),
	}
	if s.val != nil {
		cfg.Val = f.loader(s.val, s.ds.Eval, false)
	}
	var res *doctor.TreatResult
	err = t.withAnomaly(func() error {
		var err error
		res, err = doctor.Treat(cfg)
		return err
	})
	tensor.TrimPool()
	if err != nil {
		return nil, err
	}
	sum := doctor.Summarize(res.Treated)
	ctl := doctor.Summarize(res.Control)
	fmt.Fprintf(os.Stderr, "treated: test accuracy %.2f%% (last epoch), control %.2f%%; weights %s and %s\n",
		100*sum.LastTest, 100*ctl.LastTest, res.TreatedWeights, res.ControlWeights)
	return res, nil
}

// spatialMasks loads the masks the spatial constraint uses.
func (s *session) spatialMasks(t *treatFlags) (map[int]*tensor.Tensor, error) {
	if t.spatial == "" {
		return nil, nil
	}
	sift, err := s.loadSift()
	if err != nil {
		return nil, err
	}
	var low []int
	for _, l := range sift.Low {
		low = append(low, l...)
	}
	if t.spatial == "auto" {
		return doctor.AutoMasks(s.train, low, float32(t.autoMaskAbove)), nil
	}
	if st, err := os.Stat(t.spatial); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--masks %s: want \"auto\" or a directory of <index>.json / <index>.png masks", t.spatial)
	}
	masks := map[int]*tensor.Tensor{}
	for _, i := range low {
		for _, ext := range []string{".json", ".png"} {
			p := filepath.Join(t.spatial, fmt.Sprintf("%d%s", i, ext))
			if _, err := os.Stat(p); err != nil {
				continue
			}
			var m *tensor.Tensor
			if ext == ".json" {
				m, err = doctor.ReadLabelme(p)
			} else {
				m, err = doctor.ReadMaskPNG(p)
			}
			if err != nil {
				return nil, err
			}
			masks[i] = m
		}
	}
	if len(masks) == 0 {
		return nil, fmt.Errorf("--masks %s: no <index>.json or <index>.png for any of the %d low-confidence images in sift.json", t.spatial, len(low))
	}
	return masks, nil
}

func runReport(args []string) error {
	s, err := parseSession("report", args, nil)
	if err != nil {
		return err
	}
	treated, err := readHistory(s.path("treated.metrics.jsonl"))
	if err != nil {
		return err
	}
	control, err := readHistory(s.path("control.metrics.jsonl"))
	if err != nil {
		return err
	}
	page, err := s.report(treated, control)
	if err != nil {
		return err
	}
	fmt.Printf("report: %s\n", page)
	return nil
}

// report diagnoses the treated model again and writes the report. The
// treatment's settings (α, β, lr, schedule, epochs) come from the treated
// run's own record, never from this command's flags.
func (s *session) report(treated, control []train.EpochRecord) (string, error) {
	run, err := s.finishedTreatment(treated, control)
	if err != nil {
		return "", err
	}
	before, err := s.loadDiagnosis()
	if err != nil {
		return "", err
	}
	tm, _, err := s.f.newModel(s.ds)
	if err != nil {
		return "", err
	}
	if _, err := nn.LoadWeights(s.path("treated.safetensors"), tm, true); err != nil {
		return "", err
	}
	after, err := s.diagnose(tm, "diagnosis_treated.json", "heatmap_treated.png", doctor.ChannelOrder(before.Norm))
	if err != nil {
		return "", err
	}
	baseline := train.Evaluate(s.model, s.f.loader(s.ds.Test, s.ds.Eval, false), s.classes())
	num := func(k string) float64 {
		var v float64
		fmt.Sscan(run.Setting(k), &v)
		return v
	}
	sum := doctor.Summary{
		Model: s.f.model, Layer: s.layer, Dataset: s.f.dataset, Classes: before.Classes,
		Alpha: num("alpha"), Beta: num("beta"), Theta: s.f.theta, Epochs: len(treated), LR: num("lr"), Schedule: run.Setting("schedule"),
		Seed: s.f.seed, Baseline: baseline, Provenance: run,
	}
	return doctor.WriteReport(s.f.out, doctor.ReportInput{Summary: sum, Before: before, After: after, Treated: treated, Control: control})
}

// finishedTreatment returns the treated run's record after checking that
// the files report reads belong together: made from this session's model,
// data and diagnosis settings, the control run with the same settings,
// both histories complete, and treated.safetensors written by the run the
// record describes (not left by an earlier one).
func (s *session) finishedTreatment(treated, control []train.EpochRecord) (*train.Provenance, error) {
	run, err := train.ReadProvenance(s.path("treated.provenance.json"))
	if err != nil {
		return nil, fmt.Errorf("%v (run \"modeldoctor treat\" first)", err)
	}
	if err := s.checkMade("treated.provenance.json", run, diagnoseKeys, "treat"); err != nil {
		return nil, err
	}
	ctl, err := train.ReadProvenance(s.path("control.provenance.json"))
	if err != nil {
		return nil, fmt.Errorf("%v (run \"modeldoctor treat\" first)", err)
	}
	if changed := ctl.Changed(run); len(changed) > 0 {
		return nil, fmt.Errorf("%s: the control was run with other settings than the treated run: %s; rerun \"modeldoctor treat\"", s.path("control.provenance.json"), strings.Join(changed, ", "))
	}
	epochs := run.Setting("epochs")
	for _, h := range []struct {
		name string
		recs []train.EpochRecord
	}{{"treated", treated}, {"control", control}} {
		if fmt.Sprint(len(h.recs)) != epochs {
			return nil, fmt.Errorf("%s: %d epochs of the %s epochs treat was run for (interrupted? \"modeldoctor treat --resume\" finishes it)", s.path(h.name+".metrics.jsonl"), len(h.recs), epochs)
		}
	}
	w, err := trainedWith(s.path("treated.safetensors"))
	if err != nil {
		return nil, err
	}
	if w == nil || w.Created != run.Created {
		return nil, fmt.Errorf("%s was not written by the treatment in %s (interrupted? \"modeldoctor treat --resume\" finishes it)", s.path("treated.safetensors"), s.path("treated.provenance.json"))
	}
	return run, nil
}

func readHistory(path string) ([]train.EpochRecord, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%v (run \"modeldoctor treat\" first)", err)
	}
	var h []train.EpochRecord
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r train.EpochRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s: line %d: %v", path, i+1, err)
		}
		h = append(h, r)
	}
	if len(h) == 0 {
		return nil, fmt.Errorf("%s: no epochs", path)
	}
	return h, nil
}

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
