package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
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
	commands["report"] = command{"write the HTML report and JSON summary of a treatment", runReport}
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
	fs.StringVar(&d.weights, "weights", "", "weights of the trained model (safetensors, ours or exported from PyTorch)")
	fs.StringVar(&d.out, "out", "runs/doctor", "directory for sift.json, diagnosis.json, treated/control runs and the report")
	fs.StringVar(&d.layer, "layer", "", "doctor layer (default: the model's declared one)")
	fs.IntVar(&d.nHigh, "n", 50, "high-confidence images per class to diagnose from")
	fs.IntVar(&d.nLow, "n-low", 20, "low-confidence images per class (to annotate)")
	fs.Float64Var(&d.theta, "theta", 0.2, "mask threshold on the normalised class × channel map")
	fs.Float64Var(&d.valFraction, "val", 0.1, "fraction of the training set held out for model selection")
}

// session is a loaded model and data set with the splits the doctor uses.
type session struct {
	f          *doctorFlags
	ds         *datasetSpec
	model      nn.Module
	spec       zoo.Spec
	layer      string
	train, val *data.Dataset
}

func (d *doctorFlags) open(needWeights bool) (*session, error) {
	if needWeights && d.weights == "" {
		return nil, fmt.Errorf("--weights is required (train a model with \"modeldoctor train\")")
	}
	ds, model, spec, err := d.build()
	if err != nil {
		return nil, err
	}
	if d.weights != "" {
		if _, err := nn.LoadWeights(d.weights, model, true); err != nil {
			return nil, err
		}
	}
	if d.valFraction < 0 || d.valFraction >= 1 {
		return nil, fmt.Errorf("--val %g: want a fraction in [0, 1)", d.valFraction)
	}
	s := &session{f: d, ds: ds, model: model, spec: spec, layer: spec.DoctorLayer}
	if d.layer != "" {
		s.layer = d.layer
	}
	s.train, s.val = ds.Train, nil
	if d.valFraction > 0 {
		s.train, s.val = data.SplitTrainVal(ds.Train, d.valFraction, d.seed)
	}
	return s, os.MkdirAll(d.out, 0o755)
}

// parseSession parses the shared doctor flags (and treat's, when t is not
// nil) for command name and opens the session; the trained weights are
// required.
func parseSession(name string, args []string, t *treatFlags) (*session, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	d := &doctorFlags{}
	d.register(fs)
	if t != nil {
		t.register(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return d.open(true)
}

func (s *session) path(name string) string { return filepath.Join(s.f.out, name) }

func (s *session) classes() int { return s.ds.Train.NumClasses() }

func runSift(args []string) error {
	s, err := parseSession("sift", args, nil)
	if err != nil {
		return err
	}
	_, err = s.sift()
	return err
}

func (s *session) sift() (doctor.SiftResult, error) {
	r := doctor.Sift(s.model, s.f.loader(s.train, s.ds.Eval, false), s.classes(), s.f.nHigh, s.f.nLow)
	b, _ := json.Marshal(r)
	if err := nn.WriteFileAtomic(s.path("sift.json"), b); err != nil {
		return r, err
	}
	n := 0
	for _, h := range r.High {
		n += len(h)
	}
	fmt.Fprintf(os.Stderr, "sifted %d high-confidence images (≤ %d per class) into %s\n", n, s.f.nHigh, s.path("sift.json"))
	return r, nil
}

func (s *session) loadSift() (doctor.SiftResult, error) {
	var r doctor.SiftResult
	b, err := os.ReadFile(s.path("sift.json"))
	if os.IsNotExist(err) {
		return s.sift()
	}
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil || len(r.High) != s.classes() {
		return r, fmt.Errorf("%s: not a sift file for %d classes (rerun \"modeldoctor sift\")", s.path("sift.json"), s.classes())
	}
	for _, idx := range r.High {
		for _, i := range idx {
			if i < 0 || i >= s.train.N {
				return r, fmt.Errorf("%s: image index %d out of range for %d training images (sifted with other flags?)", s.path("sift.json"), i, s.train.N)
			}
		}
	}
	return r, nil
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
	dg, err := doctor.Diagnose(m, s.layer, s.train, s.ds.Eval, sift.High, s.f.theta)
	if err != nil {
		return nil, err
	}
	dg.Model, dg.Dataset = s.f.model, s.f.dataset
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
	fs.Float64Var(&t.alpha, "alpha", 10, "weight of the channel constraint (L_high + L_low)")
	fs.Float64Var(&t.beta, "beta", 0, "weight of the spatial constraint (0 for 32-px data, as the authors)")
	fs.StringVar(&t.spatial, "masks", "", "spatial masks: \"auto\" (plain-background images), or a directory of <index>.json (labelme) / <index>.png files")
	fs.Float64Var(&t.autoMaskAbove, "auto-threshold", 0.2, "with --masks auto: foreground pixels are brighter than this")
	fs.BoolVar(&t.resume, "resume", false, "continue interrupted treated/control runs from their checkpoints")
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
	dg, err := doctor.LoadDiagnosis(s.path("diagnosis.json"))
	if err != nil {
		return nil, fmt.Errorf("%v (run \"modeldoctor diagnose\" first)", err)
	}
	if t.epochs <= 0 || t.lr <= 0 {
		return nil, fmt.Errorf("--epochs and --lr must be positive")
	}
	masks, err := s.spatialMasks(t)
	if err != nil {
		return nil, err
	}
	f := s.f
	cfg := doctor.TreatConfig{
		NewModel: func() (nn.Module, error) {
			m, _, err := zoo.New(f.model, zoo.Config{Classes: s.classes(), InChannels: s.ds.C, Width: f.width, Seed: f.seed})
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
		Seed: f.seed, Dir: f.out, Resume: t.resume, Log: os.Stderr,
	}
	if s.val != nil {
		cfg.Val = f.loader(s.val, s.ds.Eval, false)
	}
	res, err := doctor.Treat(cfg)
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
		if t.beta != 0 {
			return nil, fmt.Errorf("--beta %g needs --masks (auto or a directory)", t.beta)
		}
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
	var t treatFlags
	s, err := parseSession("report", args, &t)
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
	page, err := s.report(&t, treated, control)
	if err != nil {
		return err
	}
	fmt.Printf("report: %s\n", page)
	return nil
}

// report diagnoses the treated model again and writes the report.
func (s *session) report(t *treatFlags, treated, control []train.EpochRecord) (string, error) {
	before, err := doctor.LoadDiagnosis(s.path("diagnosis.json"))
	if err != nil {
		return "", err
	}
	tm, _, err := zoo.New(s.f.model, zoo.Config{Classes: s.classes(), InChannels: s.ds.C, Width: s.f.width, Seed: s.f.seed})
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
	sum := doctor.Summary{
		Model: s.f.model, Layer: s.layer, Dataset: s.f.dataset, Classes: before.Classes,
		Alpha: t.alpha, Beta: t.beta, Theta: s.f.theta, Epochs: len(treated), LR: t.lr, Seed: s.f.seed, Baseline: baseline,
	}
	return doctor.WriteReport(s.f.out, doctor.ReportInput{Summary: sum, Before: before, After: after, Treated: treated, Control: control})
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
