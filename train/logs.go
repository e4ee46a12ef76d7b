package train

import (
	"bytes"
	"encoding/json"
	"image/color"
	"os"
	"path/filepath"

	"github.com/modeldoctor/modeldoctor/nn"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// writeLogs rewrites the metrics log (JSON lines) and the learning-curve
// PNG from the whole history, so a resumed run never duplicates lines.
func (t *Trainer) writeLogs() error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range t.History {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	if err := nn.WriteFileAtomic(t.metricsPath(), buf.Bytes()); err != nil {
		return err
	}
	return PlotCurves(filepath.Join(t.Opts.Dir, t.Opts.Name+".curves.png"), map[string][]EpochRecord{t.Opts.Name: t.History})
}

// PlotCurves draws loss and accuracy per epoch for one or more runs side
// by side in a PNG: colour tells the run, the line style the split (train
// solid, test dashed, validation dotted). The legend sits in a column of
// its own to the right, so it never covers a curve.
func PlotCurves(path string, runs map[string][]EpochRecord) error {
	loss := plot.New()
	loss.Title.Text = "loss"
	loss.X.Label.Text = "epoch"
	acc := plot.New()
	acc.Title.Text = "accuracy (%)"
	acc.X.Label.Text = "epoch"
	loss.Add(plotter.NewGrid())
	acc.Add(plotter.NewGrid())
	legend := plot.NewLegend()
	legend.Left, legend.Top = true, true
	legend.ThumbnailWidth = vg.Points(30)
	for i, name := range sortedKeys(runs) {
		for j, s := range curveSplits(runs[name]) {
			style := draw.LineStyle{Color: runColors[i%len(runColors)], Width: vg.Points(1.5), Dashes: plotutil.Dashes(j)}
			var shown []plot.Thumbnailer
			for _, target := range []struct {
				p  *plot.Plot
				xy plotter.XYs
			}{{loss, s.loss}, {acc, s.acc}} {
				l, pts, err := plotter.NewLinePoints(target.xy)
				if err != nil {
					return err
				}
				l.LineStyle = style
				pts.Color, pts.Shape = style.Color, plotutil.Shape(j)
				target.p.Add(l, pts)
				shown = []plot.Thumbnailer{l, pts}
			}
			legend.Add(name+" "+s.name, shown...)
		}
	}
	const legendW = 2 * vg.Inch
	img := vgimg.New(12*vg.Inch+legendW, 4*vg.Inch)
	dc := draw.New(img)
	plots, side := dc, dc
	plots.Max.X -= legendW
	side.Min.X = plots.Max.X + vg.Inch/8
	side.Max.Y -= vg.Inch / 4 // level with the plot titles
	canvases := plot.Align([][]*plot.Plot{{loss, acc}}, draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 4}, plots)
	loss.Draw(canvases[0][0])
	acc.Draw(canvases[0][1])
	legend.Draw(side)
	var out bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&out); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, out.Bytes())
}

// runColors tell runs apart for colour-blind readers too (Okabe–Ito).
var runColors = []color.Color{
	color.RGBA{0, 114, 178, 255}, color.RGBA{230, 159, 0, 255}, color.RGBA{0, 158, 115, 255},
	color.RGBA{204, 121, 167, 255}, color.RGBA{86, 180, 233, 255}, color.RGBA{213, 94, 0, 255},
}

// split is one run's loss and accuracy curves on one data split.
type split struct {
	name      string
	loss, acc plotter.XYs
}

// curveSplits returns the train and test curves of a history, and the
// validation curve where every epoch has one. EpochRecord.Eval is the
// test split (see Trainer.Eval), so it is labelled "test".
func curveSplits(h []EpochRecord) []split {
	tr, te := split{name: "train"}, split{name: "test"}
	val := split{name: "validation"}
	for _, r := range h {
		x := float64(r.Epoch)
		tr.loss = append(tr.loss, plotter.XY{X: x, Y: r.TrainLoss})
		tr.acc = append(tr.acc, plotter.XY{X: x, Y: 100 * r.TrainAcc})
		te.loss = append(te.loss, plotter.XY{X: x, Y: r.Eval.Loss})
		te.acc = append(te.acc, plotter.XY{X: x, Y: 100 * r.Eval.Accuracy})
		if r.Val != nil {
			val.loss = append(val.loss, plotter.XY{X: x, Y: r.Val.Loss})
			val.acc = append(val.acc, plotter.XY{X: x, Y: 100 * r.Val.Accuracy})
		}
	}
	out := []split{tr, te}
	if len(h) > 0 && len(val.loss) == len(h) {
		out = append(out, val)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
