package doctor

import (
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/train"
)

// reportInput is a three-class, six-channel run whose differences from
// the control are a fraction of a point, as in real runs.
func reportInput(schedule string) ReportInput {
	raw := [][]float64{{5, 4, 0, 1, 0, 0}, {0, 1, 6, 5, 0, 1}, {1, 0, 0, 0, 3, 4}}
	norm, mask := NormalizeAndThreshold(raw, 0.2)
	d := &Diagnosis{Layer: "conv", Theta: 0.2, Classes: []string{"cat", "dog", "ship"}, Channels: 6, Raw: raw, Norm: norm, Mask: mask}
	hist := func(pc []float64) []train.EpochRecord {
		return []train.EpochRecord{
			{Epoch: 1, TrainLoss: 1, TrainAcc: 0.8, Eval: train.Metrics{Loss: 1.1, Accuracy: 0.79, PerClass: pc}},
			{Epoch: 2, TrainLoss: 0.6, TrainAcc: 0.9, Eval: train.Metrics{Loss: 0.9, Accuracy: 0.85, PerClass: pc}},
		}
	}
	return ReportInput{
		Summary: Summary{Model: "toy", Layer: "conv", Dataset: "toyset", Classes: d.Classes, Theta: 0.2, Epochs: 2, LR: 0.01,
			Schedule: schedule, Baseline: train.Metrics{Accuracy: 0.8, PerClass: []float64{0.80, 0.82, 0.84}}},
		Before: d, After: d,
		Treated: hist([]float64{0.851, 0.860, 0.874}), Control: hist([]float64{0.850, 0.844, 0.876}),
	}
}

// TestWriteReportSaysTestAndSchedule: the page names the test split and
// the schedule it is given (no schedule is invented), summary.json keeps
// its field names and gains "schedule", and every PNG decodes.
func TestWriteReportSaysTestAndSchedule(t *testing.T) {
	dir := t.TempDir()
	page, err := WriteReport(dir, reportInput("step"))
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(step schedule)", "Accuracy on the test split", "treated (test)", "control: test accuracy", "on the test split"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(string(html), "cosine") || strings.Contains(string(html), "eval") {
		t.Errorf("report names a schedule it was not given, or says eval:\n%s", html)
	}
	var js map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"schedule", "baseline_test", "treated", "control", "gain_vs_control_last"} {
		if _, ok := js[key]; !ok {
			t.Errorf("summary.json lacks %q", key)
		}
	}
	if js["schedule"] != "step" {
		t.Errorf("schedule %v, want step", js["schedule"])
	}
	for _, name := range []string{"per_class.png", "curves.png", "heatmap_before.png", "heatmap_after.png"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		f.Close()
	}

	page, err = WriteReport(t.TempDir(), reportInput(""))
	if err != nil {
		t.Fatal(err)
	}
	if html, _ := os.ReadFile(page); strings.Contains(string(html), "schedule)") {
		t.Errorf("report names a schedule when none was given")
	}
}

// TestClassDiffs: points of test accuracy against the control's, for the
// treated model and the model before treatment.
func TestClassDiffs(t *testing.T) {
	in := reportInput("")
	s := in.Summary
	s.Treated, s.Control = Summarize(in.Treated), Summarize(in.Control)
	tr, be := classDiffs(s)
	wantT, wantB := []float64{0.1, 1.6, -0.2}, []float64{-5, -2.4, -3.6}
	for k := range wantT {
		if math.Abs(tr[k]-wantT[k]) > 1e-9 || math.Abs(be[k]-wantB[k]) > 1e-9 {
			t.Errorf("class %d: treated %.3f before %.3f, want %.3f %.3f", k, tr[k], be[k], wantT[k], wantB[k])
		}
	}
}

// TestDiffAxisFitsTheData: the axis is symmetric, holds the largest
// difference with room for its label, is not many times larger than it,
// and has a few round ticks a side including 0.
func TestDiffAxisFitsTheData(t *testing.T) {
	for _, m := range []float64{0.01, 0.16, 1.6, 7, 42} {
		lim, step := diffAxis([]float64{m / 3, -m}, []float64{m / 2})
		if lim < 1.25*m || lim > max(0.2, 2.5*m) {
			t.Errorf("max %g: axis ±%g does not fit the data", m, lim)
		}
		ticks := symTicks{step}.Ticks(-lim, lim)
		if n := len(ticks); n < 7 || n > 13 || ticks[n/2].Label != "0" || ticks[0].Value != -lim || ticks[n-1].Value != lim {
			t.Errorf("max %g: ticks %+v", m, ticks)
		}
		if last := ticks[len(ticks)-1].Label; !strings.HasPrefix(last, "+") {
			t.Errorf("max %g: positive tick %q lacks its sign", m, last)
		}
	}
}
