package study

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/study/stats"
)

// The summary's files: table.md (what the README shows), table.json (the
// same numbers for programs), treated-minus-control.png, and timing.md
// (step times: machine-dependent, so apart from the results).

// WriteSummary writes table.md, table.json and the plot into dir, and
// timing.md from the timing files in results.
func WriteSummary(dir string, s *Summary, results string) error {
	if err := WriteJSON(filepath.Join(dir, "table.json"), s.jsonView()); err != nil {
		return err
	}
	if err := writeText(filepath.Join(dir, "table.md"), s.Markdown()); err != nil {
		return err
	}
	if err := PlotDiffs(filepath.Join(dir, "treated-minus-control.png"), s); err != nil {
		return err
	}
	t, err := TimingMarkdown(results)
	if err != nil {
		return err
	}
	return writeText(filepath.Join(dir, "timing.md"), t)
}

// Markdown is the study's table: per group, treated − control with its
// 95% interval and tests, then the authors' selection and every fixed α.
func (s *Summary) Markdown() string {
	var b strings.Builder
	pr := s.Protocol
	fmt.Fprintf(&b, "# Study %q: does Model Doctor beat a cross-entropy control?\n\n", s.Plan)
	fmt.Fprintf(&b, "%d cells. Protocol: pre-training %d epochs%s at lr %g (cosine); every fine-tuning arm runs %d epochs from the same pre-trained weights with the same data order, "+
		"at lr %s (cosine)%s; α ∈ {%s}; batch %d, %d px; %s. "+
		"Test top-1 (%%), mean over seeds. The treated model's α, lr and epoch (among %d runs) and the control's lr and epoch (among %d) are chosen on validation "+
		"(ties: the earlier epoch, then the run listed first); the test split is evaluated after every epoch but never used for a choice, except in the authors' selection below, labelled. "+
		"Each seed draws its own validation split, shared by all of its arms. Treated − control: mean of the paired differences in points, 95%% t interval, "+
		"paired t-test and Wilcoxon signed-rank p-values (α = %g; the Wilcoxon p is exact, ties included, up to %d seeds, and with n seeds cannot go below 2/2ⁿ: 0.25 for 3, 0.0625 for 5, 0.031 for 6); "+
		"McNemar: seeds whose chosen models differ significantly on the test images.\n\n",
		s.Cells, pr.PretrainEpochs, pretrainingOverrides(s), pr.PretrainLR, pr.FinetuneEpochs, lrList(pr), scratchNote(pr), floatList(pr.Alphas), pr.Batch, pr.Size, splitNote(pr),
		len(pr.Alphas)*len(pr.LRFactors), len(pr.LRFactors), Alpha, stats.ExactMaxN)
	b.WriteString(s.MainTable())
	b.WriteString("\nPre-training's validation accuracy (%, mean over seeds) over its last epochs — the plateau the arms start from:\n\n")
	for _, g := range s.Groups {
		last := g.PretrainVal[max(0, len(g.PretrainVal)-5):]
		var parts []string
		for i, v := range last {
			parts = append(parts, fmt.Sprintf("epoch %d: %.2f", len(g.PretrainVal)-len(last)+i+1, v))
		}
		fmt.Fprintf(&b, "- %s: %s\n", modelLabel(g), strings.Join(parts, ", "))
	}
	b.WriteString("\nWhat validation chose for the treated model (α, lr per seed):\n\n")
	for _, g := range s.Groups {
		var parts []string
		for i, seed := range g.MainSeeds {
			parts = append(parts, fmt.Sprintf("seed %d: α %g, lr %g (control lr %g)", seed, g.ChosenAlpha[i], g.ChosenLR[i], g.ControlLR[i]))
		}
		fmt.Fprintf(&b, "- %s: %s\n", modelLabel(g), strings.Join(parts, "; "))
	}
	b.WriteString("\nThe authors' selection — α and lr fixed, each run's epoch with the best **test** accuracy (it reads the test split to choose, so it overstates):\n\n")
	b.WriteString("| model | data set | selection | control | treated | treated − control [95% CI] | p (t) |\n|---|---|---|---:|---:|---:|---:|\n")
	for _, g := range s.Groups {
		fmt.Fprintf(&b, "| %s | %s | %s | %.2f | %.2f | %s | %s |\n", modelLabel(g), g.Dataset, g.Authors.Label,
			meanOf(g.Authors.Control), meanOf(g.Authors.Treated), diffCell(g.Authors), pStr(g.Authors.Diff.TP))
	}
	b.WriteString("\nEvery fixed α and lr (epochs chosen on validation), treated − control at the same lr:\n\n")
	b.WriteString("| model | data set | α, lr | treated − control [95% CI] | p (t) |\n|---|---|---|---:|---:|\n")
	for _, g := range s.Groups {
		for _, c := range g.PerAlpha {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", modelLabel(g), g.Dataset, c.Label, diffCell(c), pStr(c.Diff.TP))
		}
	}
	var optional []string
	for _, g := range s.Groups {
		for _, c := range []*Comparison{g.Noise, g.Scratch} {
			if c != nil {
				optional = append(optional, fmt.Sprintf("| %s | %s | %s | %.2f | %.2f | %s | %s |\n", modelLabel(g), g.Dataset, c.Label,
					meanOf(c.Control), meanOf(c.Treated), diffCell(*c), pStr(c.Diff.TP)))
			}
		}
	}
	if len(optional) > 0 {
		b.WriteString("\nOptional arms:\n\n| model | data set | comparison | reference | arm | difference [95% CI] | p (t) |\n|---|---|---|---:|---:|---:|---:|\n")
		b.WriteString(strings.Join(optional, ""))
	}
	return b.String()
}

// splitNote says which images train and which validate.
func splitNote(pr Protocol) string {
	held := fmt.Sprintf("%.4g of", pr.ValFraction)
	if pr.Limit > 0 {
		return fmt.Sprintf("a stratified subset of %d training images, drawn per seed, %s it held out (stratified) for validation", pr.Limit, held)
	}
	return fmt.Sprintf("%s the training split held out (stratified) for validation", held)
}

// scratchNote says how long the optional from-scratch arms run.
func scratchNote(pr Protocol) string {
	if !pr.Scratch {
		return ""
	}
	return "; the from-scratch arms run as long as pre-training, from the random initialisation"
}

// pretrainingOverrides names the groups whose cells set their own
// pre-training length (the plan keeps one length per group).
func pretrainingOverrides(s *Summary) string {
	var parts []string
	for _, g := range s.Groups {
		if len(g.PretrainVal) != s.Protocol.PretrainEpochs {
			parts = append(parts, fmt.Sprintf("%s on %s: %d", modelLabel(g), g.Dataset, len(g.PretrainVal)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// MainTable is the study's headline: treated against control, both chosen
// on validation, per group (what the README shows).
func (s *Summary) MainTable() string {
	var b strings.Builder
	b.WriteString("| model | data set | seeds | before | control | treated | treated − control [95% CI] | p (t) | p (Wilcoxon) | McNemar | verdict |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, g := range s.Groups {
		fmt.Fprintf(&b, "| %s | %s | %d | %.2f | %.2f | %.2f | %s | %s | %s | %d of %d | %s |\n",
			modelLabel(g), g.Dataset, len(g.Seeds), meanOf(g.Before), meanOf(g.Main.Control), meanOf(g.Main.Treated),
			diffCell(g.Main), pStr(g.Main.Diff.TP), pStr(g.Main.Diff.Wilcoxon.P), g.Significant, len(g.McNemar), g.Main.Verdict)
	}
	return b.String()
}

func modelLabel(g GroupSummary) string {
	if g.Width == 1 {
		return g.Model
	}
	return fmt.Sprintf("%s ×%g", g.Model, g.Width)
}

func diffCell(c Comparison) string {
	if math.IsNaN(c.CI95.Lo) {
		return fmt.Sprintf("%+.2f", c.Diff.Mean)
	}
	return fmt.Sprintf("%+.2f [%+.2f, %+.2f]", c.Diff.Mean, c.CI95.Lo, c.CI95.Hi)
}

func pStr(p float64) string {
	if math.IsNaN(p) {
		return "–"
	}
	return fmt.Sprintf("%.2g", p)
}

func lrList(pr Protocol) string {
	var lrs []float64
	for _, f := range pr.LRFactors {
		lrs = append(lrs, pr.LR(f))
	}
	return floatList(lrs)
}

func floatList(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%g", x)
	}
	return strings.Join(parts, ", ")
}

// jsonView is the summary with every statistic as a number or null (JSON
// has no NaN).
func (s *Summary) jsonView() any {
	type cmp struct {
		Label     string     `json:"label"`
		Treated   []float64  `json:"treated"`
		Control   []float64  `json:"control"`
		MeanDiff  *float64   `json:"mean_diff"`
		SD        *float64   `json:"sd"`
		CI95      []*float64 `json:"ci95"`
		TTestP    *float64   `json:"t_test_p"`
		WilcoxonP *float64   `json:"wilcoxon_p"`
		Verdict   string     `json:"verdict"`
	}
	view := func(c Comparison) cmp {
		return cmp{c.Label, c.Treated, c.Control, num(c.Diff.Mean), num(c.Diff.SD), []*float64{num(c.CI95.Lo), num(c.CI95.Hi)},
			num(c.Diff.TP), num(c.Diff.Wilcoxon.P), c.Verdict}
	}
	type mcn struct {
		Seed uint64  `json:"seed"`
		B01  int     `json:"treated_wrong_control_right"`
		B10  int     `json:"treated_right_control_wrong"`
		P    float64 `json:"p"`
	}
	type group struct {
		Group       string    `json:"group"`
		Model       string    `json:"model"`
		Width       float64   `json:"width"`
		Dataset     string    `json:"dataset"`
		Seeds       []uint64  `json:"seeds"`
		Before      []float64 `json:"before"`
		Main        cmp       `json:"main"`
		MainSeeds   []uint64  `json:"main_seeds"`
		ChosenAlpha []float64 `json:"chosen_alpha"`
		ChosenLR    []float64 `json:"chosen_lr"`
		ControlLR   []float64 `json:"control_lr"`
		McNemar     []mcn     `json:"mcnemar"`
		Authors     cmp       `json:"authors_selection"`
		PerAlpha    []cmp     `json:"per_alpha"`
		Noise       *cmp      `json:"feature_noise,omitempty"`
		Scratch     *cmp      `json:"scratch,omitempty"`
	}
	out := struct {
		Plan     string   `json:"plan"`
		Protocol Protocol `json:"protocol"`
		Cells    int      `json:"cells"`
		Groups   []group  `json:"groups"`
	}{Plan: s.Plan, Protocol: s.Protocol, Cells: s.Cells}
	for _, g := range s.Groups {
		v := group{Group: g.Group, Model: g.Model, Width: g.Width, Dataset: g.Dataset, Seeds: g.Seeds, Before: g.Before,
			Main: view(g.Main), MainSeeds: g.MainSeeds, ChosenAlpha: g.ChosenAlpha, ChosenLR: g.ChosenLR, ControlLR: g.ControlLR, Authors: view(g.Authors)}
		for i, m := range g.McNemar {
			// McNemar ran with the treated model as A: B01 = A right, B wrong.
			v.McNemar = append(v.McNemar, mcn{Seed: g.MainSeeds[i], B01: m.B10, B10: m.B01, P: m.P})
		}
		for _, c := range g.PerAlpha {
			v.PerAlpha = append(v.PerAlpha, view(c))
		}
		if g.Noise != nil {
			n := view(*g.Noise)
			v.Noise = &n
		}
		if g.Scratch != nil {
			sc := view(*g.Scratch)
			v.Scratch = &sc
		}
		out.Groups = append(out.Groups, v)
	}
	return out
}

func num(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// TimingMarkdown tabulates the cells' timing files in dir: seconds of
// training per epoch, and the treated/plain step-time ratio per model.
func TimingMarkdown(dir string) (string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.timing.json"))
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("# Step times\n\nTraining seconds per epoch (no evaluation) and the Model Doctor step against a plain one (first α, restart lr), per cell, as measured where the cell ran.\n\n")
	b.WriteString("| cell | CPU | threads | pre-training s/epoch | treat / plain step time | cell wall time (min) |\n|---|---|---:|---:|---:|---:|\n")
	ratios := map[string][]float64{}
	var models []string
	for _, n := range names {
		var t Timing
		if err := readJSON(n, &t); err != nil {
			return "", err
		}
		where := t.CPU
		if t.Device != "" {
			where += " + " + t.Device
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %.1f | %.2f | %.1f |\n", t.Cell.ID(), where, t.GOMAXPROCS, t.Pretrain, t.TreatVsPlain, t.WallSeconds/60)
		key := t.Cell.Group()
		if _, seen := ratios[key]; !seen {
			models = append(models, key)
		}
		ratios[key] = append(ratios[key], t.TreatVsPlain)
	}
	if len(models) > 0 {
		b.WriteString("\nPer model, the treat / plain step-time ratio over its cells (mean, min–max):\n\n")
		for _, m := range models {
			rs := ratios[m]
			lo, hi := rs[0], rs[0]
			for _, r := range rs {
				lo, hi = math.Min(lo, r), math.Max(hi, r)
			}
			fmt.Fprintf(&b, "- %s: %.2f (%.2f–%.2f, %d cells)\n", m, meanOf(rs), lo, hi, len(rs))
		}
	}
	return b.String(), nil
}

func writeText(path, s string) error { return nn.WriteFileAtomic(path, []byte(s)) }

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}
