package study

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/modeldoctor/modeldoctor/nn"
)

// PlotDiffs draws, per group, the mean treated − control difference (the
// validation-selected comparison) with its 95% interval and each seed's
// difference, around a zero line: a bar that does not cross zero is a
// difference the seeds agree on.
func PlotDiffs(path string, s *Summary) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: treated − control, test top-1 (points), mean and 95%% CI over seeds", s.Plan)
	p.Y.Label.Text = "treated − control (percentage points)"
	var names []string
	lo, hi := -0.5, 0.5
	var means, seeds plotter.XYs
	var bars plotter.XYs
	var errs plotter.YErrors
	for i, g := range s.Groups {
		names = append(names, modelLabel(g)+" / "+g.Dataset)
		c := g.Main
		means = append(means, plotter.XY{X: float64(i), Y: c.Diff.Mean})
		for _, d := range c.Diff.D {
			seeds = append(seeds, plotter.XY{X: float64(i) + 0.15, Y: d})
			lo, hi = math.Min(lo, d), math.Max(hi, d)
		}
		if !math.IsNaN(c.CI95.Lo) {
			bars = append(bars, plotter.XY{X: float64(i), Y: c.Diff.Mean})
			errs = append(errs, struct{ Low, High float64 }{c.Diff.Mean - c.CI95.Lo, c.CI95.Hi - c.Diff.Mean})
			lo, hi = math.Min(lo, c.CI95.Lo), math.Max(hi, c.CI95.Hi)
		}
	}
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.Color = color.Black
	p.Add(zero)
	if len(bars) > 0 {
		eb := &plotter.YErrorBars{XYs: bars, YErrors: errs, LineStyle: draw.LineStyle{Color: color.RGBA{0, 90, 180, 255}, Width: vg.Points(1.5)}, CapWidth: vg.Points(8)}
		p.Add(eb)
	}
	m, err := plotter.NewScatter(means)
	if err != nil {
		return err
	}
	m.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{0, 90, 180, 255}, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
	sc, err := plotter.NewScatter(seeds)
	if err != nil {
		return err
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: color.RGBA{120, 120, 120, 255}, Radius: vg.Points(2), Shape: draw.RingGlyph{}}
	p.Add(m, sc)
	p.Legend.Add("mean and 95% CI", m)
	p.Legend.Add("one seed", sc)
	p.Legend.Top = true
	pad := 0.15 * (hi - lo)
	p.Y.Min, p.Y.Max = lo-pad, hi+3*pad // room for the legend above the data
	p.X.Min, p.X.Max = -0.5, float64(len(s.Groups))-0.5
	p.NominalX(names...)
	w := vg.Length(2+1.2*float64(len(s.Groups))) * vg.Inch
	wt, err := p.WriterTo(max(w, 5*vg.Inch), 4*vg.Inch, "png")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, buf.Bytes())
}
