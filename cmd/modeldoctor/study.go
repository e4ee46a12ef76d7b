package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/modeldoctor/modeldoctor/doctor"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/train"
	"github.com/modeldoctor/modeldoctor/zoo"
)

func init() {
	commands["study"] = command{"repeat train → diagnose → treat/control over models and seeds; table of baseline, treated and control accuracy", runStudy}
}

// studyRow is one (model, seed) outcome, test top-1 at the last epoch.
type studyRow struct {
	Model    string  `json:"model"`
	Seed     uint64  `json:"seed"`
	Baseline float64 `json:"baseline"`
	Treated  float64 `json:"treated"`
	Control  float64 `json:"control"`
	Seconds  float64 `json:"seconds"`
}

func runStudy(args []string) error {
	fs := newFlagSet("study")
	var d doctorFlags
	var t treatFlags
	d.register(fs)
	t.register(fs)
	models := fs.String("models", "lenet", "comma-separated zoo models")
	seeds := fs.String("seeds", "1,2,3", "comma-separated seeds")
	pre := fs.Int("pretrain-epochs", 5, "epochs of plain training before the diagnosis")
	if err := parse(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, f := range []string{"model", "seed", "weights"} {
		if set[f] {
			return fmt.Errorf("--%s: a study trains its own models; give --models and --seeds", f)
		}
	}
	modelList, seedList, err := parseGrid(*models, *seeds)
	if err != nil {
		return err
	}
	if err := checkRange("pretrain-epochs", float64(*pre), 1, 1e6, "at least 1"); err != nil {
		return err
	}
	for _, m := range modelList {
		cell := d
		cell.model = m
		if err := firstError(cell.validate(), t.validate()); err != nil {
			return fmt.Errorf("--models %s: %w", m, err)
		}
	}
	if !set["out"] {
		d.out = "runs/study"
	}
	root := d.out
	var rows []studyRow
	for _, model := range modelList {
		for _, seed := range seedList {
			began := time.Now()
			run := d // each (model, seed) gets its own folder; completed stages are reused
			run.model, run.seed = model, seed
			run.out = filepath.Join(root, fmt.Sprintf("%s-seed%d", run.model, seed))
			run.weights = ""
			fmt.Fprintf(os.Stderr, "\n==== %s, seed %d → %s\n", run.model, seed, run.out)
			row, err := studyOne(&run, &t, *pre, fs)
			if err != nil {
				return fmt.Errorf("%s seed %d: %w", run.model, seed, err)
			}
			row.Seconds = time.Since(began).Seconds()
			rows = append(rows, row)
			if err := writeStudy(root, d.dataset, rows, *pre, t.epochs, t.alpha); err != nil {
				return err
			}
		}
	}
	fmt.Printf("study table: %s\n", filepath.Join(root, "study.md"))
	return nil
}

// parseGrid reads --models and --seeds: known models and seeds, no empty
// entry, no repeat.
func parseGrid(models, seeds string) ([]string, []uint64, error) {
	var ms []string
	for _, m := range strings.Split(models, ",") {
		m = strings.TrimSpace(m)
		if _, err := zoo.Lookup(m); err != nil {
			return nil, nil, fmt.Errorf("--models %q: %v", models, err)
		}
		if slices.Contains(ms, m) {
			return nil, nil, fmt.Errorf("--models %q: %s twice", models, m)
		}
		ms = append(ms, m)
	}
	var ss []uint64
	for _, s := range strings.Split(seeds, ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("--seeds %q: want comma-separated non-negative integers", seeds)
		}
		if slices.Contains(ss, v) {
			return nil, nil, fmt.Errorf("--seeds %q: %d twice", seeds, v)
		}
		ss = append(ss, v)
	}
	return ms, ss, nil
}

// studyOne runs (or resumes) the pipeline for one model and seed.
func studyOne(d *doctorFlags, t *treatFlags, preEpochs int, fs *flag.FlagSet) (studyRow, error) {
	w, err := pretrain(d, t, preEpochs, fs)
	if err != nil {
		return studyRow{}, err
	}
	d.weights = w
	s, err := d.open(true)
	if err != nil {
		return studyRow{}, err
	}
	s.record(fs, "pretrain-epochs", "models", "seeds")
	s.settings["model"], s.settings["seed"] = d.model, fmt.Sprint(d.seed)
	if _, err := os.Stat(s.path("diagnosis.json")); err != nil {
		if _, err := s.sift(); err != nil {
			return studyRow{}, err
		}
		if _, err := s.diagnose(s.model, "diagnosis.json", "heatmap.png", nil); err != nil {
			return studyRow{}, err
		}
	}
	tt := *t
	tt.resume = true
	res, err := s.treat(&tt)
	if err != nil {
		return studyRow{}, err
	}
	base := train.Evaluate(s.model, s.f.loader(s.ds.Test, s.ds.Eval, false), s.classes())
	if _, err := s.report(res.Treated, res.Control); err != nil {
		return studyRow{}, err
	}
	return studyRow{Model: d.model, Seed: d.seed, Baseline: base.Accuracy,
		Treated: doctor.Summarize(res.Treated).LastTest, Control: doctor.Summarize(res.Control).LastTest}, nil
}

func meanStd(xs []float64) (float64, float64) {
	var m, v float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	if len(xs) > 1 {
		v /= float64(len(xs) - 1)
	}
	return m, math.Sqrt(v)
}

// writeStudy writes study.json and a Markdown table (mean ± sample std
// over seeds, test top-1 at the last epoch).
func writeStudy(root, dataset string, rows []studyRow, pre, epochs int, alpha float64) error {
	js, err := json.MarshalIndent(rows, "", " ")
	if err != nil {
		return err
	}
	if err := nn.WriteFileAtomic(filepath.Join(root, "study.json"), js); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Model Doctor study on %s\n\n", dataset)
	fmt.Fprintf(&b, "Test top-1 (%%) at the last epoch, mean ± std over seeds. Baseline: after %d epochs of plain training; "+
		"treated: %d more epochs with the constraint (α = %g); control: the same %d epochs with cross-entropy only, same schedule, seed and data order.\n\n",
		pre, epochs, alpha, epochs)
	b.WriteString("| model | seeds | baseline | treated | control | treated − control |\n|---|---:|---:|---:|---:|---:|\n")
	byModel := map[string][]studyRow{}
	var order []string
	for _, r := range rows {
		if _, ok := byModel[r.Model]; !ok {
			order = append(order, r.Model)
		}
		byModel[r.Model] = append(byModel[r.Model], r)
	}
	for _, m := range order {
		rs := byModel[m]
		var bs, ts, cs, ds []float64
		for _, r := range rs {
			bs, ts, cs, ds = append(bs, 100*r.Baseline), append(ts, 100*r.Treated), append(cs, 100*r.Control), append(ds, 100*(r.Treated-r.Control))
		}
		f := func(xs []float64) string { m, s := meanStd(xs); return fmt.Sprintf("%.2f ± %.2f", m, s) }
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s |\n", m, len(rs), f(bs), f(ts), f(cs), f(ds))
	}
	b.WriteString("\nPer run:\n\n| model | seed | baseline | treated | control | minutes |\n|---|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %.2f | %.2f | %.2f | %.1f |\n", r.Model, r.Seed, 100*r.Baseline, 100*r.Treated, 100*r.Control, r.Seconds/60)
	}
	return nn.WriteFileAtomic(filepath.Join(root, "study.md"), []byte(b.String()))
}
