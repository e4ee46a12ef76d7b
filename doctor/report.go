package doctor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

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
	Model      string            `json:"model"`
	Layer      string            `json:"layer"`
	Dataset    string            `json:"dataset"`
	Classes    []string          `json:"classes"`
	Alpha      float64           `json:"alpha"`
	Beta       float64           `json:"beta"`
	Theta      float64           `json:"theta"`
	Epochs     int               `json:"epochs"`
	LR         float64           `json:"lr"`
	Seed       uint64            `json:"seed"`
	Baseline   train.Metrics     `json:"baseline_test"`
	Treated    RunSummary        `json:"treated"`
	Control    RunSummary        `json:"control"`
	GainLast   float64           `json:"gain_vs_control_last"`
	GainBest   float64           `json:"gain_vs_control_best"`
	SparsityB  []float64         `json:"sparsity_before"`
	SparsityA  []float64         `json:"sparsity_after"`
	Versions   map[string]string `json:"versions"`
	Commands   []string          `json:"commands,omitempty"`
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
	s.Versions = versions()
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
		S     Summary
		Rows  []classRow
		After bool
	}{s, classRows(s), in.After != nil}); err != nil {
		return "", err
	}
	return page, nn.WriteFileAtomic(page, buf.Bytes())
}

type classRow struct {
	Name                             string
	Baseline, Treated, Control, Gain string
	SparsityB, SparsityA             string
}

func classRows(s Summary) []classRow {
	var rows []classRow
	pct := func(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) }
	for k, name := range s.Classes {
		r := classRow{Name: name, Baseline: pct(s.Baseline.PerClass[k]), Treated: pct(s.Treated.PerClassLast[k]),
			Control: pct(s.Control.PerClassLast[k]), Gain: fmt.Sprintf("%+.2f", 100*(s.Treated.PerClassLast[k]-s.Control.PerClassLast[k])),
			SparsityB: pct(s.SparsityB[k])}
		if s.SparsityA != nil {
			r.SparsityA = pct(s.SparsityA[k])
		}
		rows = append(rows, r)
	}
	return rows
}

// perClassPNG draws per-class test accuracy: baseline, treated, control.
func perClassPNG(path string, s Summary) error {
	p := plot.New()
	p.Title.Text = "per-class test accuracy (last epoch)"
	p.Y.Label.Text = "accuracy (%)"
	w := vg.Points(6)
	var bars []*plotter.BarChart
	for i, vals := range [][]float64{s.Baseline.PerClass, s.Treated.PerClassLast, s.Control.PerClassLast} {
		v := make(plotter.Values, len(vals))
		for k, a := range vals {
			v[k] = 100 * a
		}
		b, err := plotter.NewBarChart(v, w)
		if err != nil {
			return err
		}
		b.LineStyle.Width = 0
		b.Color = plotutil.Color(i)
		b.Offset = vg.Length(i-1) * w
		bars = append(bars, b)
		p.Add(b)
	}
	p.Legend.Add("baseline", bars[0])
	p.Legend.Add("treated", bars[1])
	p.Legend.Add("control", bars[2])
	p.Legend.Top = true
	p.Y.Max = 118 // room for the legend above the bars
	p.NominalX(s.Classes...)
	wt, err := p.WriterTo(8*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, buf.Bytes())
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": func(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) },
	"pp":  func(v float64) string { return fmt.Sprintf("%+.2f points", 100*v) },
}).Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Model Doctor report: {{.S.Model}} on {{.S.Dataset}}</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}img{max-width:100%}code{background:#f4f4f4;padding:1px 4px}</style></head>
<body>
<h1>Model Doctor: {{.S.Model}} on {{.S.Dataset}}</h1>
<p>Doctor layer <code>{{.S.Layer}}</code>; α = {{.S.Alpha}}, β = {{.S.Beta}}, θ = {{.S.Theta}};
fine-tuning {{.S.Epochs}} epochs from lr {{.S.LR}} (cosine), seed {{.S.Seed}}.
The control is fine-tuned with cross-entropy only on the identical schedule, seed and data order.</p>
<h2>Accuracy on the test split</h2>
<table><tr><th></th><th>last epoch</th><th>best epoch (selected on {{.S.Treated.Selection}})</th></tr>
<tr><th>before treatment</th><td>{{pct .S.Baseline.Accuracy}}</td><td></td></tr>
<tr><th>treated</th><td>{{pct .S.Treated.LastTest}} (epoch {{.S.Treated.LastEpoch}})</td><td>{{pct .S.Treated.BestTest}} (epoch {{.S.Treated.BestEpoch}})</td></tr>
<tr><th>control</th><td>{{pct .S.Control.LastTest}} (epoch {{.S.Control.LastEpoch}})</td><td>{{pct .S.Control.BestTest}} (epoch {{.S.Control.BestEpoch}})</td></tr>
<tr><th>treated − control</th><td>{{pp .S.GainLast}}</td><td>{{pp .S.GainBest}}</td></tr></table>
<h2>Per class</h2>
<table><tr><th>class</th><th>before</th><th>treated</th><th>control</th><th>treated − control</th><th>channels in mask (before)</th>{{if .After}}<th>(after)</th>{{end}}</tr>
{{range .Rows}}<tr><th>{{.Name}}</th><td>{{.Baseline}}</td><td>{{.Treated}}</td><td>{{.Control}}</td><td>{{.Gain}}</td><td>{{.SparsityB}}</td>{{if $.After}}<td>{{.SparsityA}}</td>{{end}}</tr>
{{end}}</table>
<p><img src="per_class.png" alt="per-class accuracy"></p>
<h2>Diagnosis: which channels each class relies on</h2>
<p>Rows are classes, columns the channels of <code>{{.S.Layer}}</code>, ordered so that each class's channels form a block; brightness is the normalised aggregated gradient, the red bar marks channels above θ.</p>
<h3>Before treatment</h3><p><img src="heatmap_before.png" alt="heat map before"></p>
{{if .After}}<h3>After treatment (same channel order)</h3><p><img src="heatmap_after.png" alt="heat map after"></p>{{end}}
<h2>Learning curves</h2><p><img src="curves.png" alt="learning curves"></p>
<p><small>Versions: {{range $k, $v := .S.Versions}}{{$k}} {{$v}}; {{end}}</small></p>
</body></html>
`))
