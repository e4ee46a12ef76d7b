package study

import (
	"fmt"
	"math"
	"sort"

	"github.com/modeldoctor/modeldoctor/study/stats"
	"github.com/modeldoctor/modeldoctor/train"
)

// Comparison is treated − control over a group's seeds, in percentage
// points of test accuracy.
type Comparison struct {
	Treated []float64      `json:"treated"`
	Control []float64      `json:"control"`
	Diff    stats.Paired   `json:"-"`
	CI95    stats.Interval `json:"-"`
	Verdict string         `json:"verdict"`
	Label   string         `json:"label"`
	// Diverged counts seeds left out because a side had no epoch to choose:
	// its run (or, for the main comparison, every run of that side)
	// diverged before its first epoch ended.
	Diverged int `json:"diverged_seeds,omitempty"`
	// DivergedRuns counts the runs among the candidates that diverged
	// later: the epochs they finished stayed candidates, as early stopping
	// would keep them.
	DivergedRuns int `json:"diverged_runs,omitempty"`
	// step is the accuracy step of the test split (100/N points).
	step float64
}

// add appends one seed's pair, or counts it out when a run has no epoch.
func (c *Comparison) add(t, ctl *Run, pick func([]Epoch) int) {
	if len(t.Epochs) == 0 || len(ctl.Epochs) == 0 {
		c.Diverged++
		return
	}
	for _, r := range []*Run{t, ctl} {
		if r.Diverged != "" {
			c.DivergedRuns++
		}
	}
	c.Treated = append(c.Treated, 100*t.Epochs[pick(t.Epochs)].Test)
	c.Control = append(c.Control, 100*ctl.Epochs[pick(ctl.Epochs)].Test)
}

// GroupSummary is one (model, width, data set) over its seeds.
type GroupSummary struct {
	Group   string   `json:"group"`
	Model   string   `json:"model"`
	Width   float64  `json:"width"`
	Dataset string   `json:"dataset"`
	Seeds   []uint64 `json:"seeds"`
	// Before is arm (a): the pre-trained model's test accuracy (%).
	Before []float64 `json:"before"`
	// PretrainVal is pre-training's validation accuracy (%) per epoch,
	// mean over the seeds whose pre-training had the first seed's length
	// (pretrainValN of them): whether it reached a plateau.
	PretrainVal  []float64 `json:"pretrain_val"`
	pretrainValN int
	// Main: treated (α, lr and epoch chosen on validation) against the
	// control (lr and epoch chosen on validation).
	Main Comparison `json:"main"`
	// MainSeeds are the seeds in the main comparison (a seed whose treated
	// or control runs all diverged before an epoch ended is left out);
	// ChosenAlpha, ChosenLR, ControlLR and McNemar follow them.
	MainSeeds []uint64 `json:"main_seeds"`
	// ChosenAlpha and ChosenLR say what validation chose, per seed.
	ChosenAlpha []float64 `json:"chosen_alpha"`
	ChosenLR    []float64 `json:"chosen_lr"`
	ControlLR   []float64 `json:"control_lr"`
	// McNemar compares the chosen treated and control models' test
	// predictions, per seed.
	McNemar     []stats.McNemarResult `json:"mcnemar"`
	Significant int                   `json:"mcnemar_significant_seeds"`
	// Authors: the authors' selection, labelled as such — α and lr fixed
	// (AuthorsAlpha, the restart at the pre-training rate), each run's
	// epoch with the best test accuracy.
	Authors      Comparison `json:"authors_selection"`
	AuthorsAlpha float64    `json:"authors_alpha"`
	// PerAlpha: at each fixed α and lr, the treated run against the
	// control at the same lr, epochs chosen on validation.
	PerAlpha []Comparison `json:"per_alpha"`
	// Optional arms, when the plan ran them: cross-entropy with feature
	// noise against the control (lr and epochs chosen on validation), and
	// Model Doctor from scratch against pre-training, the cross-entropy run
	// from scratch of equal length (epochs chosen on validation).
	Noise   *Comparison `json:"feature_noise,omitempty"`
	Scratch *Comparison `json:"scratch,omitempty"`
	step    float64
}

// Summary is a merged study.
type Summary struct {
	Plan     string         `json:"plan"`
	Protocol Protocol       `json:"protocol"`
	Cells    int            `json:"cells"`
	Groups   []GroupSummary `json:"groups"`
}

// Alpha is the significance level of every test in the tables.
const Alpha = 0.05

// Merge summarises the results of plan's cells (results of other plans or
// protocols are an error: they would mix incomparable numbers). Groups
// keep the plan's order; a group's seeds are those whose cells finished.
func Merge(p *Plan, results []*Result) (*Summary, error) {
	byID := map[string]*Result{}
	for _, r := range results {
		byID[r.Cell.ID()] = r
	}
	s := &Summary{Plan: p.Name, Protocol: p.Protocol}
	index := map[string]int{}
	for _, c := range p.Cells {
		r, ok := byID[c.ID()]
		if !ok {
			continue
		}
		if !r.Matches(p, c) {
			return nil, fmt.Errorf("result for %s was made by plan %q or another protocol or cell, not by this plan", c.ID(), r.Plan)
		}
		delete(byID, c.ID())
		s.Cells++
		g, seen := index[c.Group()]
		if !seen {
			g = len(s.Groups)
			index[c.Group()] = g
			s.Groups = append(s.Groups, GroupSummary{Group: c.Group(), Model: c.Model, Width: c.Width, Dataset: c.Dataset})
		}
		if err := s.Groups[g].add(r, p.Protocol); err != nil {
			return nil, fmt.Errorf("%s: %v", c.ID(), err)
		}
	}
	for id := range byID {
		return nil, fmt.Errorf("result for %s: no such cell in the plan", id)
	}
	for i := range s.Groups {
		if err := s.Groups[i].finish(p.Protocol); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// add takes one seed's cell.
func (g *GroupSummary) add(r *Result, pr Protocol) error {
	g.Seeds = append(g.Seeds, r.Cell.Seed)
	g.Before = append(g.Before, 100*r.Pretrain[len(r.Pretrain)-1].Test)
	if g.PretrainVal == nil {
		g.PretrainVal = make([]float64, len(r.Pretrain))
	}
	if len(g.PretrainVal) == len(r.Pretrain) {
		for i, e := range r.Pretrain {
			g.PretrainVal[i] += 100 * e.Val
		}
		g.pretrainValN++
	}
	md, mdOK := r.Choose("md")
	ctl, ctlOK := r.Choose("control")
	if mdOK && ctlOK {
		// Counted for kept seeds only: a left-out seed's runs chose nothing.
		for _, run := range r.Runs {
			if (run.Arm == "md" || run.Arm == "control") && run.Diverged != "" && len(run.Epochs) > 0 {
				g.Main.DivergedRuns++
			}
		}
		g.MainSeeds = append(g.MainSeeds, r.Cell.Seed)
		g.Main.Treated = append(g.Main.Treated, 100*md.Epoch.Test)
		g.Main.Control = append(g.Main.Control, 100*ctl.Epoch.Test)
		g.ChosenAlpha = append(g.ChosenAlpha, md.Run.Alpha)
		g.ChosenLR = append(g.ChosenLR, md.Run.LR)
		g.ControlLR = append(g.ControlLR, ctl.Run.LR)
		mc, err := mcnemarOf(md.Run.SelectedCorrect, ctl.Run.SelectedCorrect, r.TestImages)
		if err != nil {
			return err
		}
		g.McNemar = append(g.McNemar, mc)
		if mc.P < Alpha {
			g.Significant++
		}
	} else {
		g.Main.Diverged++
	}

	g.step = 100 / float64(r.TestImages)
	g.AuthorsAlpha = AuthorsAlpha(pr.Alphas)
	amd, amdOK := r.Find("md", g.AuthorsAlpha, pr.LR(1))
	actl, actlOK := r.Find("control", 0, pr.LR(1))
	if !amdOK || !actlOK {
		return fmt.Errorf("no run at α = %g and the pre-training lr for the authors' selection", g.AuthorsAlpha)
	}
	g.Authors.add(amd, actl, BestTestEpoch)

	if pr.FeatureNoise > 0 {
		if g.Noise == nil {
			g.Noise = &Comparison{Label: fmt.Sprintf("cross-entropy with N(0, %g²) noise at the doctor layer − control", pr.FeatureNoise)}
		}
		if n, ok := r.Choose("noise"); ok && ctlOK {
			g.Noise.Treated = append(g.Noise.Treated, 100*n.Epoch.Test)
			g.Noise.Control = append(g.Noise.Control, 100*ctl.Epoch.Test)
		} else {
			g.Noise.Diverged++
		}
	}
	if pr.Scratch {
		if g.Scratch == nil {
			g.Scratch = &Comparison{Label: fmt.Sprintf("Model Doctor from scratch (α = %g) − cross-entropy from scratch, as long as pre-training", AuthorsAlpha(pr.Alphas))}
		}
		if sc, ok := r.Choose("scratch-md"); ok {
			g.Scratch.Treated = append(g.Scratch.Treated, 100*sc.Epoch.Test)
			g.Scratch.Control = append(g.Scratch.Control, 100*r.Pretrain[SelectEpoch(r.Pretrain)].Test)
		} else {
			g.Scratch.Diverged++
		}
	}
	if g.PerAlpha == nil {
		for _, f := range pr.LRFactors {
			for _, a := range pr.Alphas {
				g.PerAlpha = append(g.PerAlpha, Comparison{Label: fmt.Sprintf("α = %g, lr = %g", a, pr.LR(f))})
			}
		}
	}
	k := 0
	for _, f := range pr.LRFactors {
		c, ok := r.Find("control", 0, pr.LR(f))
		if !ok {
			return fmt.Errorf("no control at lr %g", pr.LR(f))
		}
		for _, a := range pr.Alphas {
			m, ok := r.Find("md", a, pr.LR(f))
			if !ok {
				return fmt.Errorf("no run at α = %g, lr %g", a, pr.LR(f))
			}
			g.PerAlpha[k].add(m, c, SelectEpoch)
			k++
		}
	}
	return nil
}

// finish computes the statistics once every seed is in.
func (g *GroupSummary) finish(pr Protocol) error {
	for i := range g.PretrainVal {
		g.PretrainVal[i] /= float64(g.pretrainValN)
	}
	g.Main.Label = "validation-selected α, lr and epoch"
	g.Authors.Label = fmt.Sprintf("authors' selection: α = %g, lr %g, best test epoch", g.AuthorsAlpha, pr.PretrainLR)
	all := append([]*Comparison{&g.Main, &g.Authors}, ptrs(g.PerAlpha)...)
	for _, c := range []*Comparison{g.Noise, g.Scratch} {
		if c != nil {
			all = append(all, c)
		}
	}
	for _, c := range all {
		if len(c.Treated) == 0 {
			c.Diff, c.CI95 = stats.Paired{Mean: math.NaN(), SD: math.NaN(), TP: math.NaN(), Wilcoxon: stats.Wilcoxon{P: math.NaN()}}, stats.Interval{Lo: math.NaN(), Hi: math.NaN()}
			c.Verdict = "every seed diverged"
			continue
		}
		d, err := stats.PairedDiffStep(c.Treated, c.Control, g.step)
		if err != nil {
			return fmt.Errorf("%s: %v", g.Group, err)
		}
		c.Diff, c.CI95 = d, d.CI95()
		c.Verdict = d.Verdict(Alpha)
		if c.Diverged > 0 {
			c.Verdict += fmt.Sprintf(" (%d seeds left out: a run diverged)", c.Diverged)
		}
		if c.DivergedRuns > 0 {
			c.Verdict += fmt.Sprintf(" (%d runs diverged; validation chose among the epochs they finished and the other runs)", c.DivergedRuns)
		}
	}
	return nil
}

func ptrs(cs []Comparison) []*Comparison {
	out := make([]*Comparison, len(cs))
	for i := range cs {
		out[i] = &cs[i]
	}
	return out
}

// AuthorsAlpha is the authors' α = 10 when the grid has it, else the
// grid's largest.
func AuthorsAlpha(alphas []float64) float64 {
	a := append([]float64(nil), alphas...)
	sort.Float64s(a)
	for _, v := range a {
		if v == 10 {
			return v
		}
	}
	return a[len(a)-1]
}

// mcnemarOf tests two models from their test-correctness bitmaps.
func mcnemarOf(a, b string, n int) (stats.McNemarResult, error) {
	ca, err := train.DecodeCorrect(a, n)
	if err != nil {
		return stats.McNemarResult{}, err
	}
	cb, err := train.DecodeCorrect(b, n)
	if err != nil {
		return stats.McNemarResult{}, err
	}
	var b01, b10 int
	for i := range ca {
		switch {
		case ca[i] && !cb[i]:
			b01++
		case !ca[i] && cb[i]:
			b10++
		}
	}
	r := stats.McNemarCounts(b01, b10)
	r.N = n
	return r, nil
}

// meanOf is the mean of xs (NaN for none).
func meanOf(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
