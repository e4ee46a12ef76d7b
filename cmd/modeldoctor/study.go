package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/modeldoctor/modeldoctor/study"
	"github.com/modeldoctor/modeldoctor/zoo"
)

// errCellBusy: another process holds the cell's lock (never returned
// where there is no flock(2)).
var errCellBusy = errors.New("another process is running this cell")

func init() {
	commands["study plan"] = command{"write a study's plan: its protocol and grid of cells (model, width, data set, seed)", runStudyPlan}
	commands["study run"] = command{"run cells of a plan (--cell K, --shard I/N, or all), resumably; a finished cell is skipped", runStudyRun}
	commands["study merge"] = command{"build a study's tables and plot from its cell result files", runStudyMerge}
}

func runStudyPlan(args []string) error {
	fs := newFlagSet("study plan")
	def := study.DefaultProtocol()
	name := fs.String("name", "fashion-mnist", "the study's name (recorded in every result file)")
	models := fs.String("models", "lenet,simplecnn", "comma-separated models, NAME or NAME:WIDTH")
	datasets := fs.String("datasets", "fashion-mnist", "comma-separated data sets: "+datasetNames)
	seeds := fs.String("seeds", "1-5", "seeds: a list (1,2,3) or a range (1-5)")
	alphas := fs.String("alphas", joinFloats(def.Alphas), "the α grid of Model Doctor's channel constraint")
	factors := fs.String("lr-factors", joinFloats(def.LRFactors), "fine-tuning learning rates as multiples of the pre-training one (1: the authors' restart)")
	p := def
	fs.IntVar(&p.PretrainEpochs, "pretrain-epochs", def.PretrainEpochs, "epochs of pre-training (cosine schedule)")
	fs.Float64Var(&p.PretrainLR, "pretrain-lr", def.PretrainLR, "pre-training learning rate")
	fs.IntVar(&p.FinetuneEpochs, "finetune-epochs", def.FinetuneEpochs, "epochs of every fine-tuning run")
	fs.IntVar(&p.Batch, "batch", def.Batch, "batch size")
	fs.IntVar(&p.Size, "size", def.Size, "input size in pixels")
	fs.Float64Var(&p.ValFraction, "val", def.ValFraction, "fraction of the training split held out (stratified) for every choice")
	fs.IntVar(&p.Limit, "limit", 0, "stratified subset of the training split, drawn per seed (0: all; the tables say when a subset was used)")
	fs.IntVar(&p.N, "n", def.N, "high-confidence images per class to diagnose from")
	fs.IntVar(&p.NLow, "n-low", def.NLow, "low-confidence images per class")
	fs.Float64Var(&p.Theta, "theta", def.Theta, "mask threshold")
	fs.Float64Var(&p.FeatureNoise, "feature-noise", 0, "optional arm: cross-entropy with N(0, σ²) noise at the doctor layer, σ given (0: off)")
	fs.BoolVar(&p.Scratch, "scratch", false, "optional arm: Model Doctor from scratch, as long as pre-training, against pre-training")
	out := fs.String("out", "", "plan file to write (default: studies/NAME/plan.json)")
	if err := parse(fs, args); err != nil {
		return err
	}
	var err error
	if p.Alphas, err = parseFloatList("alphas", *alphas); err != nil {
		return err
	}
	if p.LRFactors, err = parseFloatList("lr-factors", *factors); err != nil {
		return err
	}
	seedList, err := parseSeeds(*seeds)
	if err != nil {
		return err
	}
	var ms, ds []string
	for _, m := range strings.Split(*models, ",") {
		ms = append(ms, strings.TrimSpace(m))
	}
	for _, d := range strings.Split(*datasets, ",") {
		d = strings.TrimSpace(d)
		if err := checkDatasetName(d); err != nil {
			return fmt.Errorf("--datasets: %v", err)
		}
		ds = append(ds, d)
	}
	cells, err := study.Grid(ms, ds, seedList)
	if err != nil {
		return fmt.Errorf("--models: %v", err)
	}
	for _, c := range cells {
		spec, err := zoo.Lookup(c.Model)
		if err != nil {
			return fmt.Errorf("--models: %v", err)
		}
		if c.Width != 1 && !spec.HasWidth {
			return fmt.Errorf("--models %s:%g: %s has no width multiplier", c.Model, c.Width, c.Model)
		}
	}
	plan := &study.Plan{Name: *name, Protocol: p, Cells: cells}
	if err := plan.Validate(); err != nil {
		return fmt.Errorf("plan: %v", err)
	}
	path := *out
	if path == "" {
		path = filepath.Join("studies", *name, "plan.json")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("--out %s: %v", path, unwrapPath(err))
	}
	if err := study.WritePlan(path, plan); err != nil {
		return err
	}
	fmt.Printf("plan %s: %d cells → %s\n", *name, len(cells), path)
	return nil
}

func runStudyRun(args []string) error {
	fs := newFlagSet("study run")
	planPath := fs.String("plan", "", "the plan file (from \"study plan\")")
	cellFlag := fs.String("cell", "", "cells to run: indices into the plan's cells, e.g. 3 or 0,4,7 (a scheduler's array index)")
	shard := fs.String("shard", "", "run shard I of N: the cells whose index is I mod N (e.g. 2/8)")
	results := fs.String("results", "", "directory of the cell result files (default: cells/ beside the plan)")
	work := fs.String("work", "", "directory of checkpoints and intermediate files (default: runs/study/NAME)")
	workers := fs.Int("workers", 2, "goroutines preparing batches")
	dataDir := fs.String("data", "", "directory of the data sets (default: where they are installed); not part of the results")
	var device string
	registerDevice(fs, &device)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkDeviceName(device); err != nil {
		return err
	}
	if err := checkRange("workers", float64(*workers), 1, 256, "1 to 256"); err != nil {
		return err
	}
	plan, err := openPlan(*planPath, results)
	if err != nil {
		return err
	}
	cells, err := selectCells(len(plan.Cells), *cellFlag, *shard)
	if err != nil {
		return err
	}
	if _, err := resolveDevice(device); err != nil {
		return err
	}
	if *work == "" {
		*work = filepath.Join("runs", "study", plan.Name)
	}
	for _, dir := range []string{*results, *work} {
		if err := checkWritable(dir); err != nil {
			return err
		}
	}
	// Named cells must run here; of all cells or a shard, one that another
	// process holds is left to it, so several workers can share a plan.
	named := *cellFlag != ""
	for _, i := range cells {
		err := runCell(plan, i, *results, *work, *dataDir, *workers, device)
		if errors.Is(err, errCellBusy) && !named {
			fmt.Fprintf(os.Stderr, "cell %d (%s): another process is running it; skipped\n", i, plan.Cells[i].ID())
			continue
		}
		if err != nil {
			return fmt.Errorf("cell %d (%s): %w", i, plan.Cells[i].ID(), err)
		}
	}
	return nil
}

func runStudyMerge(args []string) error {
	fs := newFlagSet("study merge")
	planPath := fs.String("plan", "", "the plan file")
	results := fs.String("results", "", "directory of the cell result files (default: cells/ beside the plan)")
	out := fs.String("out", "", "directory for table.md, table.json, timing.md and the plot (default: beside the plan)")
	if err := parse(fs, args); err != nil {
		return err
	}
	plan, err := openPlan(*planPath, results)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Dir(*planPath)
	}
	if err := checkWritable(*out); err != nil {
		return err
	}
	rs, err := study.ReadResults(*results)
	if err != nil {
		return fmt.Errorf("--results: %v", err)
	}
	sum, err := study.Merge(plan, rs)
	if err != nil {
		return err
	}
	if err := study.WriteSummary(*out, sum, *results); err != nil {
		return err
	}
	fmt.Printf("%d of %d cells merged: %s\n", sum.Cells, len(plan.Cells), filepath.Join(*out, "table.md"))
	return nil
}

// openPlan reads the plan named by --plan and defaults --results to cells/
// beside it.
func openPlan(planPath string, results *string) (*study.Plan, error) {
	if planPath == "" {
		return nil, fmt.Errorf("--plan is required (write one with \"modeldoctor study plan\")")
	}
	plan, err := study.ReadPlan(planPath)
	if err != nil {
		return nil, fmt.Errorf("--plan: %v", err)
	}
	if *results == "" {
		*results = filepath.Join(filepath.Dir(planPath), "cells")
	}
	return plan, nil
}

// selectCells turns --cell and --shard into plan indices (all cells when
// neither is given).
func selectCells(n int, cells, shard string) ([]int, error) {
	if cells != "" && shard != "" {
		return nil, fmt.Errorf("--cell and --shard: give one")
	}
	var out []int
	switch {
	case cells != "":
		for _, f := range strings.Split(cells, ",") {
			i, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || i < 0 || i >= n {
				return nil, fmt.Errorf("--cell %q: want indices from 0 to %d (the plan has %d cells)", cells, n-1, n)
			}
			if !slices.Contains(out, i) {
				out = append(out, i)
			}
		}
	case shard != "":
		a, b, ok := strings.Cut(shard, "/")
		i, err1 := strconv.Atoi(a)
		k, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || k < 1 || i < 0 || i >= k {
			return nil, fmt.Errorf("--shard %q: want I/N with 0 ≤ I < N", shard)
		}
		for c := i; c < n; c += k {
			out = append(out, c)
		}
	default:
		for c := range n {
			out = append(out, c)
		}
	}
	return out, nil
}

func parseSeeds(s string) ([]uint64, error) {
	bad := fmt.Errorf("--seeds %q: want a list (1,2,3) or a range (1-5) of non-negative integers, each once", s)
	var out []uint64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		lo, hi, isRange := strings.Cut(f, "-")
		a, err := strconv.ParseUint(lo, 10, 64)
		if err != nil {
			return nil, bad
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(hi, 10, 64); err != nil || b < a || b-a > 10000 {
				return nil, bad
			}
		}
		for v := a; v <= b; v++ {
			if slices.Contains(out, v) {
				return nil, bad
			}
			out = append(out, v)
		}
	}
	return out, nil
}

func parseFloatList(name, s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || !(v > 0) {
			return nil, fmt.Errorf("--%s %q: want comma-separated positive numbers", name, s)
		}
		out = append(out, v)
	}
	return out, nil
}

func joinFloats(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}
