package study

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/train"
)

func TestSelectionUsesValidationAndTheAuthorsTest(t *testing.T) {
	e := []Epoch{{1, 0.80, 0.90}, {2, 0.85, 0.70}, {3, 0.85, 0.95}}
	if i := SelectEpoch(e); i != 1 {
		t.Errorf("SelectEpoch = %d, want 1 (best validation, earliest on ties)", i)
	}
	if i := BestTestEpoch(e); i != 2 {
		t.Errorf("BestTestEpoch = %d, want 2", i)
	}
}

func TestGridAndValidate(t *testing.T) {
	cells, err := Grid([]string{"lenet", "mobilenetv2:0.5"}, []string{"mnist"}, []uint64{1, 2})
	if err != nil || len(cells) != 4 || cells[2].Width != 0.5 || cells[3].ID() != "mobilenetv2-w0.5-mnist-s2" {
		t.Fatalf("Grid: %v %v", cells, err)
	}
	p := &Plan{Name: "x", Protocol: DefaultProtocol(), Cells: cells}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := *p
	bad.Cells = append(append([]Cell(nil), cells...), cells[0])
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "both") {
		t.Errorf("duplicate cell: %v", err)
	}
	bad = *p
	bad.Protocol.LRFactors = []float64{0.1}
	if err := bad.Validate(); err == nil {
		t.Error("a protocol without the authors' restart was accepted")
	}
	bad = *p
	bad.Cells = append([]Cell(nil), cells...)
	bad.Cells[3].PretrainEpochs = 40 // mobilenetv2 seed 2 only: its group's curves could not be averaged
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "share one length") {
		t.Errorf("mixed pre-training lengths in a group: %v", err)
	}
	bad.Cells[2].PretrainEpochs = 40
	if err := bad.Validate(); err != nil {
		t.Errorf("a group with its own pre-training length: %v", err)
	}
	if _, err := Grid([]string{"lenet:0"}, []string{"mnist"}, []uint64{1}); err == nil {
		t.Error("width 0 accepted")
	}
}

// fakeResult is a cell whose runs reach the given test accuracies at the
// epoch validation selects.
func fakeResult(p *Plan, c Cell, control, treated float64, right func(i int, arm string) bool) *Result {
	pr := p.Protocol
	n := 100 // accuracies in whole points: the fake differences are exact steps
	bits := func(arm string) string {
		b := make([]bool, n)
		for i := range b {
			b[i] = right(i, arm)
		}
		return train.EncodeCorrect(b)
	}
	r := &Result{Plan: p.Name, Cell: c, Protocol: pr, Pretrain: []Epoch{{1, 0.5, 0.5}}, TestImages: n, PretrainCorrect: bits("before")}
	for _, f := range pr.LRFactors {
		r.Runs = append(r.Runs, Run{Arm: "control", LR: pr.LR(f), Epochs: []Epoch{{1, 0.9, control}}, Selected: 1, SelectedCorrect: bits("control")})
		for _, a := range pr.Alphas {
			r.Runs = append(r.Runs, Run{Arm: "md", Alpha: a, LR: pr.LR(f), Epochs: []Epoch{{1, 0.9, treated}}, Selected: 1, SelectedCorrect: bits("md")})
		}
	}
	return r
}

func TestMergePairsSeedsAndTestsThem(t *testing.T) {
	cells, _ := Grid([]string{"lenet"}, []string{"mnist"}, []uint64{1, 2, 3})
	p := &Plan{Name: "x", Protocol: DefaultProtocol(), Cells: cells}
	var rs []*Result
	for k, c := range cells {
		// Treated 1, 2, 3 points above the control; on the test images
		// the treated model gets 10 right that the control misses.
		ctl := 0.80 + 0.01*float64(k)
		rs = append(rs, fakeResult(p, c, ctl, ctl+0.01*float64(k+1), func(i int, arm string) bool {
			return i < 20 || (arm == "md" && i < 30)
		}))
	}
	s, err := Merge(p, rs)
	if err != nil {
		t.Fatal(err)
	}
	g := s.Groups[0]
	if len(g.Seeds) != 3 || math.Abs(g.Main.Diff.Mean-2) > 1e-9 {
		t.Errorf("mean treated − control = %g points over %d seeds, want 2 over 3", g.Main.Diff.Mean, len(g.Seeds))
	}
	if g.McNemar[0].B01 != 10 || g.McNemar[0].B10 != 0 || g.Significant != 3 { // B01: treated right, control wrong
		t.Errorf("McNemar %+v, significant seeds %d", g.McNemar[0], g.Significant)
	}
	if len(g.PerAlpha) != len(p.Protocol.Alphas)*len(p.Protocol.LRFactors) {
		t.Errorf("%d per-α rows", len(g.PerAlpha))
	}
	md := s.Markdown()
	if !strings.Contains(md, "+2.00 [") || !strings.Contains(md, "3 of 3") {
		t.Errorf("table lacks the difference or McNemar count:\n%s", md)
	}
	// The fake cells pre-trained 1 epoch, not the protocol's 30: said so.
	if !strings.Contains(md, "pre-training 30 epochs (lenet on mnist: 1) at lr") {
		t.Errorf("table hides the group's own pre-training length:\n%.400s", md)
	}
	// One seed: no interval, but valid JSON (no NaN).
	one, err := Merge(p, rs[:1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(one.jsonView()); err != nil {
		t.Errorf("one seed: %v", err)
	}
	// A result from another plan is refused.
	other := *rs[0]
	other.Plan = "y"
	if _, err := Merge(p, []*Result{&other}); err == nil {
		t.Error("a result of another plan was merged")
	}
}

// TestMergeLeavesOutDivergedSeeds: a run that diverged before its first
// epoch ended leaves that seed out of the comparisons it is part of, and
// says so, instead of failing the merge.
func TestMergeLeavesOutDivergedSeeds(t *testing.T) {
	cells, _ := Grid([]string{"lenet"}, []string{"mnist"}, []uint64{1, 2, 3})
	p := &Plan{Name: "x", Protocol: DefaultProtocol(), Cells: cells}
	var rs []*Result
	for k, c := range cells {
		r := fakeResult(p, c, 0.8, 0.81+0.001*float64(k), func(i int, arm string) bool { return i < 20 })
		if k == 0 {
			run, _ := r.Find("md", 10, p.Protocol.LR(1))
			run.Epochs, run.Selected, run.SelectedCorrect, run.Diverged = nil, 0, "", "loss is NaN at epoch 1 batch 3"
		}
		rs = append(rs, r)
	}
	s, err := Merge(p, rs)
	if err != nil {
		t.Fatal(err)
	}
	g := s.Groups[0]
	if g.Authors.Diverged != 1 || len(g.Authors.Treated) != 2 || !strings.Contains(g.Authors.Verdict, "1 seeds left out") {
		t.Errorf("authors' selection: %d diverged, %d pairs, verdict %q", g.Authors.Diverged, len(g.Authors.Treated), g.Authors.Verdict)
	}
	if len(g.Main.Treated) != 3 {
		t.Errorf("the main comparison lost a seed: %d pairs", len(g.Main.Treated))
	}
}

// TestMergeDivergedEdges: a run that diverged after an epoch stays a
// candidate with the epochs it finished, and the verdict says so; a seed
// whose treated runs all diverged before an epoch ended leaves the main
// comparison; an optional arm that diverged before an epoch ended leaves
// its own comparison — and none of these fails the merge.
func TestMergeDivergedEdges(t *testing.T) {
	cells, _ := Grid([]string{"lenet"}, []string{"mnist"}, []uint64{1, 2, 3})
	pr := DefaultProtocol()
	pr.FeatureNoise = 0.5
	p := &Plan{Name: "x", Protocol: pr, Cells: cells}
	var rs []*Result
	for k, c := range cells {
		r := fakeResult(p, c, 0.8, 0.81+0.01*float64(k), func(i int, arm string) bool { return i < 20 })
		for _, f := range pr.LRFactors {
			r.Runs = append(r.Runs, Run{Arm: "noise", LR: pr.LR(f), Epochs: []Epoch{{1, 0.85, 0.79}}, Selected: 1})
		}
		switch k {
		case 0: // every treated run diverged at once, and so did the noise arm
			for i := range r.Runs {
				if run := &r.Runs[i]; run.Arm == "md" || run.Arm == "noise" {
					run.Epochs, run.Selected, run.SelectedCorrect, run.Diverged = nil, 0, "", "loss is NaN at epoch 1 batch 3"
				}
			}
		case 1: // one treated run diverged in its second epoch
			run, _ := r.Find("md", 1, pr.LR(1))
			run.Diverged = "loss is NaN at epoch 2 batch 7"
		case 2: // every control run diverged at once, so the seed is left out: its
			// late-diverging treated run must not count, nor its noise arm pair
			run, _ := r.Find("md", 1, pr.LR(1))
			run.Diverged = "loss is NaN at epoch 2 batch 7"
			for i := range r.Runs {
				if run := &r.Runs[i]; run.Arm == "control" {
					run.Epochs, run.Selected, run.SelectedCorrect, run.Diverged = nil, 0, "", "loss is NaN at epoch 1 batch 1"
				}
			}
		}
		rs = append(rs, r)
	}
	s, err := Merge(p, rs)
	if err != nil {
		t.Fatal(err)
	}
	g := s.Groups[0]
	if g.Main.Diverged != 2 || len(g.Main.Treated) != 1 || len(g.McNemar) != 1 || len(g.MainSeeds) != 1 || g.MainSeeds[0] != 2 {
		t.Errorf("main: %d left out, %d pairs, %d McNemar, seeds %v", g.Main.Diverged, len(g.Main.Treated), len(g.McNemar), g.MainSeeds)
	}
	if g.Main.DivergedRuns != 1 || !strings.Contains(g.Main.Verdict, "1 runs diverged") || !strings.Contains(g.Main.Verdict, "2 seeds left out") {
		t.Errorf("main verdict %q, %d diverged runs", g.Main.Verdict, g.Main.DivergedRuns)
	}
	if g.Noise == nil || g.Noise.Diverged != 2 || len(g.Noise.Treated) != 1 {
		t.Errorf("noise arm: %+v", g.Noise)
	}
	md := s.Markdown()
	if !strings.Contains(md, "0 of 1") || strings.Contains(md, "seed 1: α") || strings.Contains(md, "seed 3: α") {
		t.Errorf("table does not follow the main comparison's seeds:\n%s", md)
	}
	if _, err := json.Marshal(s.jsonView()); err != nil {
		t.Error(err)
	}
}
