package doctor

import (
	"bytes"
	"encoding/json"
	"path/filepath"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/train"
)

// RunSummary condenses one fine-tuning run. Test accuracy is reported at
// the last epoch and at the epoch selected on the validation split (never
// on the test split, which would inflate the number).
type RunSummary struct {
	LastEpoch    int       `json:"last_epoch"`
	LastTest     float64   `json:"last_test_accuracy"`
	BestEpoch    int       `json:"best_epoch"`
	BestVal      float64   `json:"best_val_accuracy"`
	BestTest     float64   `json:"best_epoch_test_accuracy"`
	Selection    string    `json:"selection_split"`
	PerClassLast []float64 `json:"per_class_last"`
}

// Summary is the report's JSON.
type Summary struct {
	Model     string            `json:"model"`
	Layer     string            `json:"layer"`
	Dataset   string            `json:"dataset"`
	Classes   []string          `json:"classes"`
	Alpha     float64           `json:"alpha"`
	Beta      float64           `json:"beta"`
	Theta     float64           `json:"theta"`
	Epochs    int               `json:"epochs"`
	LR        float64           `json:"lr"`
	Schedule  string            `json:"schedule"` // the learning-rate schedule, e.g. "cosine"
	Seed      uint64            `json:"seed"`
	Baseline  train.Metrics     `json:"baseline_test"`
	Treated   RunSummary        `json:"treated"`
	Control   RunSummary        `json:"control"`
	GainLast  float64           `json:"gain_vs_control_last"`
	GainBest  float64           `json:"gain_vs_control_best"`
	SparsityB []float64         `json:"sparsity_before"`
	SparsityA []float64         `json:"sparsity_after"`
	Versions  map[string]string `json:"versions"`
	Commands  []string          `json:"commands,omitempty"`
	// Provenance is the treated run's record: the settings and data the
	// numbers above came from.
	Provenance *train.Provenance `json:"provenance,omitempty"`
	ReportHTML string            `json:"report_html"`
}

// Summarize condenses a run's history.
func Summarize(h []train.EpochRecord) RunSummary {
	last := h[len(h)-1]
	best := train.BestEpoch(h)
	s := RunSummary{LastEpoch: last.Epoch, LastTest: last.Eval.Accuracy, BestEpoch: best.Epoch, BestTest: best.Eval.Accuracy,
		Selection: "none (no validation split): last epoch", PerClassLast: last.Eval.PerClass}
	if best.Val != nil {
		s.BestVal, s.Selection = best.Val.Accuracy, "validation (held out from the training set)"
	}
	return s
}

// allValidated says whether every epoch has validation metrics, which is
// when the curves draw them.
func allValidated(h []train.EpochRecord) bool {
	for _, r := range h {
		if r.Val == nil {
			return false
		}
	}
	return len(h) > 0
}

// ReportInput is everything the report shows.
type ReportInput struct {
	Summary          Summary
	Before, After    *Diagnosis
	Treated, Control []train.EpochRecord
}

// WriteReport writes report.html, summary.json and the PNG plots into dir
// and returns the path of the HTML page.
func WriteReport(dir string, in ReportInput) (string, error) {
	s := in.Summary
	s.Treated, s.Control = Summarize(in.Treated), Summarize(in.Control)
	s.GainLast = s.Treated.LastTest - s.Control.LastTest
	s.GainBest = s.Treated.BestTest - s.Control.BestTest
	s.SparsityB = in.Before.Sparsity()
	if in.After != nil {
		s.SparsityA = in.After.Sparsity()
	}
	s.Versions = train.Versions()
	order := ChannelOrder(in.Before.Norm)
	if err := HeatmapPNG(filepath.Join(dir, "heatmap_before.png"), in.Before, order); err != nil {
		return "", err
	}
	if in.After != nil {
		if err := HeatmapPNG(filepath.Join(dir, "heatmap_after.png"), in.After, order); err != nil {
			return "", err
		}
	}
	if err := train.PlotCurves(filepath.Join(dir, "curves.png"), map[string][]train.EpochRecord{"treated": in.Treated, "control": in.Control}); err != nil {
		return "", err
	}
	if err := perClassPNG(filepath.Join(dir, "per_class.png"), s); err != nil {
		return "", err
	}
	page := filepath.Join(dir, "report.html")
	s.ReportHTML = page
	js, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return "", err
	}
	if err := nn.WriteFileAtomic(filepath.Join(dir, "summary.json"), js); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, struct {
		S          Summary
		Rows       []classRow
		After, Val bool
	}{s, classRows(s), in.After != nil, allValidated(in.Treated)}); err != nil {
		return "", err
	}
	return page, nn.WriteFileAtomic(page, buf.Bytes())
}
