package doctor

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/modeldoctor/modeldoctor/nn"
)

// classDiffs returns, in percentage points per class, the treated model's
// and the untreated (before) model's test accuracy minus the control's:
// the differences are a point or two, invisible on a 0–100 axis.
func classDiffs(s Summary) (treated, before []float64) {
	for k := range s.Classes {
		c := s.Control.PerClassLast[k]
		treated = append(treated, 100*(s.Treated.PerClassLast[k]-c))
		before = append(before, 100*(s.Baseline.PerClass[k]-c))
	}
	return treated, before
}

// diffAxis returns the half-height of an axis symmetric around 0 that
// holds every value with room for its label beyond the bar, and a round
// tick step that gives three to six labelled ticks on each side.
func diffAxis(vals ...[]float64) (lim, step float64) {
	m := 0.0
	for _, vs := range vals {
		for _, v := range vs {
			m = max(m, math.Abs(v))
		}
	}
	m = max(0.1, 1.25*m)
	p := math.Pow(10, math.Floor(math.Log10(m/3)))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if step = f * p; m/step <= 6 {
			break
		}
	}
	return step * math.Ceil(m/step-1e-9), step
}

// symTicks labels every multiple of step, with its sign.
type symTicks struct{ step float64 }

func (t symTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for i := math.Ceil(lo/t.step - 1e-9); i*t.step <= hi+1e-9; i++ {
		v := i * t.step
		label := fmt.Sprintf("%+g", v)
		if i == 0 {
			label = "0"
		}
		out = append(out, plot.Tick{Value: v, Label: label})
	}
	return out
}

// perClassPNG draws treated − control and before − control per class, in
// percentage points, with a zero line and the legend in its own column.
func perClassPNG(path string, s Summary) error {
	treated, before := classDiffs(s)
	k := len(s.Classes)
	mean := 0.0
	for _, v := range treated {
		mean += v / float64(max(k, 1))
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("per-class test accuracy minus the control's, last epoch (treated: mean %+.2f points)", mean)
	p.Y.Label.Text = "difference (percentage points)"
	p.Add(plotter.NewGrid())
	slot := 0.7 * vg.Inch
	if k > 20 { // names turned upright to fit narrower slots
		slot = 0.22 * vg.Inch
		p.X.Tick.Label.Rotation = math.Pi / 2
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	}
	const legendW = 2.2 * vg.Inch
	plotW := max(6*vg.Inch, vg.Length(k)*slot+vg.Inch)
	w := 0.38 * slot
	series := []struct {
		name string
		vals []float64
		col  color.Color
	}{
		{"before treatment − control", before, color.RGBA{150, 150, 150, 255}},
		{"treated − control", treated, color.RGBA{0, 114, 178, 255}},
	}
	legend := plot.NewLegend()
	legend.Left, legend.Top = true, true
	for i, sr := range series {
		b, err := plotter.NewBarChart(plotter.Values(sr.vals), w)
		if err != nil {
			return err
		}
		b.LineStyle.Width = 0
		b.Color = sr.col
		b.Offset = (vg.Length(i) - 0.5) * w
		p.Add(b)
		legend.Add(sr.name, b)
		if k <= 20 {
			if err := addValueLabels(p, sr.vals, b.Offset); err != nil {
				return err
			}
		}
	}
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.LineStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(1)}
	p.Add(zero)
	lim, step := diffAxis(treated, before)
	p.Y.Min, p.Y.Max = -lim, lim
	p.Y.Tick.Marker = symTicks{step}
	p.X.Min, p.X.Max = -0.5, float64(k)-0.5
	p.NominalX(s.Classes...)
	img := vgimg.New(plotW+legendW, 4*vg.Inch)
	dc := draw.New(img)
	area, side := dc, dc
	area.Max.X -= legendW
	side.Min.X = area.Max.X + vg.Inch/8
	side.Max.Y -= vg.Inch / 3
	p.Draw(area)
	legend.Draw(side)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, buf.Bytes())
}

// addValueLabels writes each bar's value beyond its end: above a positive
// bar, below a negative one.
func addValueLabels(p *plot.Plot, vals []float64, offset vg.Length) error {
	for _, positive := range []bool{true, false} {
		var xyl plotter.XYLabels
		for x, v := range vals {
			if (v >= 0) == positive {
				xyl.XYs = append(xyl.XYs, plotter.XY{X: float64(x), Y: v})
				xyl.Labels = append(xyl.Labels, fmt.Sprintf("%+.2f", v))
			}
		}
		if len(xyl.XYs) == 0 {
			continue
		}
		l, err := plotter.NewLabels(xyl)
		if err != nil {
			return err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].Font.Size = vg.Points(8)
			l.TextStyle[i].XAlign = draw.XCenter
			l.TextStyle[i].YAlign = draw.YBottom
			if !positive {
				l.TextStyle[i].YAlign = draw.YTop
			}
		}
		l.Offset = vg.Point{X: offset, Y: vg.Points(2)}
		if !positive {
			l.Offset.Y = -vg.Points(2)
		}
		p.Add(l)
	}
	return nil
}
