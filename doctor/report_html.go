package doctor

import (
	"fmt"
	"html/template"
)

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

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": func(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) },
	"pp":  func(v float64) string { return fmt.Sprintf("%+.2f points", 100*v) },
}).Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Model Doctor report: {{.S.Model}} on {{.S.Dataset}}</title>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}img{max-width:100%}code{background:#f4f4f4;padding:1px 4px}</style></head>
<body>
<h1>Model Doctor: {{.S.Model}} on {{.S.Dataset}}</h1>
<p>Doctor layer <code>{{.S.Layer}}</code>; α = {{.S.Alpha}}, β = {{.S.Beta}}, θ = {{.S.Theta}};
fine-tuning {{.S.Epochs}} epochs from lr {{.S.LR}}{{with .S.Schedule}} ({{.}} schedule){{end}}, seed {{.S.Seed}}.
The control is fine-tuned with cross-entropy only on the identical schedule, seed and data order.</p>
<h2>Accuracy on the test split</h2>
<table><tr><th></th><th>last epoch</th><th>best epoch (selected on {{.S.Treated.Selection}})</th></tr>
<tr><th>before treatment (test)</th><td>{{pct .S.Baseline.Accuracy}}</td><td></td></tr>
<tr><th>treated (test)</th><td>{{pct .S.Treated.LastTest}} (epoch {{.S.Treated.LastEpoch}})</td><td>{{pct .S.Treated.BestTest}} (epoch {{.S.Treated.BestEpoch}})</td></tr>
<tr><th>control (test)</th><td>{{pct .S.Control.LastTest}} (epoch {{.S.Control.LastEpoch}})</td><td>{{pct .S.Control.BestTest}} (epoch {{.S.Control.BestEpoch}})</td></tr>
<tr><th>treated − control</th><td>{{pp .S.GainLast}}</td><td>{{pp .S.GainBest}}</td></tr></table>
<h2>Per class, on the test split (last epoch)</h2>
<table><tr><th>class</th><th>before: test accuracy</th><th>treated: test accuracy</th><th>control: test accuracy</th><th>treated − control (points)</th><th>channels in mask (before)</th>{{if .After}}<th>(after)</th>{{end}}</tr>
{{range .Rows}}<tr><th>{{.Name}}</th><td>{{.Baseline}}</td><td>{{.Treated}}</td><td>{{.Control}}</td><td>{{.Gain}}</td><td>{{.SparsityB}}</td>{{if $.After}}<td>{{.SparsityA}}</td>{{end}}</tr>
{{end}}</table>
<p>The chart shows each class's test accuracy minus the control's, in percentage points: blue for the treated model, grey for the model before treatment.</p>
<p><img src="per_class.png" alt="per-class test accuracy minus the control's"></p>
<h2>Diagnosis: which channels each class relies on</h2>
<p>Rows are classes, columns the channels of <code>{{.S.Layer}}</code>, ordered so that each class's channels form a block (channel indices below the map); colour is the aggregated gradient normalised per class (scale under the map: 0 = the class's weakest channel, 1 = its strongest); a red bar under a cell marks a channel in the class's mask (above θ = {{.S.Theta}}).</p>
<h3>Before treatment</h3><p><img src="heatmap_before.png" alt="heat map before"></p>
{{if .After}}<h3>After treatment (same channel order)</h3><p><img src="heatmap_after.png" alt="heat map after"></p>{{end}}
<h2>Learning curves</h2>
<p>Loss and accuracy per epoch on the training data and on the test split{{if .Val}} and the validation split{{end}}; colour tells the run, the line style the split.</p>
<p><img src="curves.png" alt="learning curves: train and test loss and accuracy per epoch"></p>
<p><small>Versions: {{range $k, $v := .S.Versions}}{{$k}} {{$v}}; {{end}}</small></p>
</body></html>
`))
