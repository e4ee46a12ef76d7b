package train

import (
	"bytes"
	"encoding/json"
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
	if err := nn.WriteFileAtomic(filepath.Join(t.Opts.Dir, t.Opts.Name+".metrics.jsonl"), buf.Bytes()); err != nil {
		return err
	}
	return PlotCurves(filepath.Join(t.Opts.Dir, t.Opts.Name+".curves.png"), map[string][]EpochRecord{t.Opts.Name: t.History})
}

// PlotCurves draws loss and accuracy per epoch for one or more runs side
// by side in a PNG.
func PlotCurves(path string, runs map[string][]EpochRecord) error {
	loss := plot.New()
	loss.Title.Text = "loss"
	loss.X.Label.Text = "epoch"
	acc := plot.New()
	acc.Title.Text = "accuracy (%)"
	acc.X.Label.Text = "epoch"
	var lossArgs, accArgs []any
	for _, name := range sortedKeys(runs) {
		h := runs[name]
		tl, el, ta, ea := make(plotter.XYs, len(h)), make(plotter.XYs, len(h)), make(plotter.XYs, len(h)), make(plotter.XYs, len(h))
		for i, r := range h {
			x := float64(r.Epoch)
			tl[i], el[i] = plotter.XY{X: x, Y: r.TrainLoss}, plotter.XY{X: x, Y: r.Eval.Loss}
			ta[i], ea[i] = plotter.XY{X: x, Y: 100 * r.TrainAcc}, plotter.XY{X: x, Y: 100 * r.Eval.Accuracy}
		}
		lossArgs = append(lossArgs, name+" train", tl, name+" eval", el)
		accArgs = append(accArgs, name+" train", ta, name+" eval", ea)
	}
	if err := plotutil.AddLinePoints(loss, lossArgs...); err != nil {
		return err
	}
	if err := plotutil.AddLinePoints(acc, accArgs...); err != nil {
		return err
	}
	img := vgimg.New(12*vg.Inch, 4*vg.Inch)
	canvases := plot.Align([][]*plot.Plot{{loss, acc}}, draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 4}, draw.New(img))
	loss.Draw(canvases[0][0])
	acc.Draw(canvases[0][1])
	var out bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&out); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, out.Bytes())
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
