package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// metricsEpochs reads a metrics log and returns the epoch of every line.
func metricsEpochs(t *testing.T, path string) []int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var epochs []int
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r EpochRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: line %d is not a record: %v", path, len(epochs)+1, err)
		}
		epochs = append(epochs, r.Epoch)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return epochs
}

// pngSize decodes a PNG and returns its width and height.
func pngSize(t *testing.T, path string) (int, int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img.Bounds().Dx(), img.Bounds().Dy()
}

// TestLogsRewrittenOnResume: the metrics log (JSON lines) and the learning
// curves (PNG) are written after every epoch and, on resume, rewritten
// from the whole history, with no epoch twice.
func TestLogsRewrittenOnResume(t *testing.T) {
	dir := t.TempDir()
	jsonl := filepath.Join(dir, "tiny.metrics.jsonl")
	curves := filepath.Join(dir, "tiny.curves.png")

	first := newTinyTrainer(tinySetup{Epochs: 2, Horizon: 4, Dir: dir, Val: true})
	if err := first.Run(); err != nil {
		t.Fatal(err)
	}
	if got := metricsEpochs(t, jsonl); len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Fatalf("metrics log has epochs %v, want [1 2]", got)
	}
	if w, h := pngSize(t, curves); w == 0 || h == 0 {
		t.Fatalf("curves are %d×%d", w, h)
	}
	before, _ := os.ReadFile(curves)

	resumed := newTinyTrainer(tinySetup{Epochs: 4, Dir: dir, Resume: true, Val: true})
	if err := resumed.Run(); err != nil {
		t.Fatal(err)
	}
	if got := metricsEpochs(t, jsonl); len(got) != 4 || got[0] != 1 || got[3] != 4 {
		t.Fatalf("metrics log after resume has epochs %v, want [1 2 3 4]", got)
	}
	after, _ := os.ReadFile(curves)
	if bytes.Equal(before, after) {
		t.Error("curves were not redrawn after the resumed epochs")
	}
	pngSize(t, curves)

	// The lines carry what the history holds: the records round-trip.
	raw, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	for i, line := range lines {
		var r EpochRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		h := resumed.History[i]
		if r.TrainLoss != h.TrainLoss || r.LR != h.LR || r.Eval.Accuracy != h.Eval.Accuracy || r.Val == nil || r.Val.Loss != h.Val.Loss {
			t.Errorf("line %d = %+v, history has %+v", i+1, r, h)
		}
		if len(r.Eval.Confused) != tinyClasses || len(r.Eval.PerClass) != tinyClasses {
			t.Errorf("line %d lacks the per-class metrics: %+v", i+1, r.Eval)
		}
	}

	// No temporary files are left behind by the atomic writes, and every
	// file is readable as an ordinary one (not CreateTemp's 0600).
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want -rw-r--r--", e.Name(), fi.Mode().Perm())
		}
	}
}

// TestPlotCurvesSeveralRuns draws two runs side by side.
func TestPlotCurvesSeveralRuns(t *testing.T) {
	h := []EpochRecord{
		{Epoch: 1, TrainLoss: 1, TrainAcc: 0.5, Eval: Metrics{Loss: 1.1, Accuracy: 0.4}},
		{Epoch: 2, TrainLoss: 0.5, TrainAcc: 0.8, Eval: Metrics{Loss: 0.7, Accuracy: 0.7}},
	}
	path := filepath.Join(t.TempDir(), "sub", "curves.png")
	if err := PlotCurves(path, map[string][]EpochRecord{"a": h, "b": h[:1]}); err != nil {
		t.Fatal(err)
	}
	if w, h := pngSize(t, path); w <= h {
		t.Errorf("curves are %d×%d; want two plots side by side", w, h)
	}
}

// TestProgressAndLogLines: the live bar (forced on) shows rate and ETA and
// is erased at the end of the epoch; a plain writer gets one line per
// epoch and nothing else.
func TestProgressAndLogLines(t *testing.T) {
	var live bytes.Buffer
	tr := newTinyTrainer(tinySetup{Epochs: 1})
	tr.Opts.Log, tr.Opts.Progress = &live, true
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\r", "batch/s", "ETA", "12/12", "\r\033[K", "tiny epoch 1/1"} {
		if !strings.Contains(live.String(), want) {
			t.Errorf("live output lacks %q:\n%q", want, live.String())
		}
	}

	var plain bytes.Buffer
	tr = newTinyTrainer(tinySetup{Epochs: 2})
	tr.Opts.Log = &plain
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(plain.String(), "\n"), "\n")
	if len(lines) != 2 || strings.Contains(plain.String(), "\r") {
		t.Fatalf("plain log is not one line per epoch:\n%q", plain.String())
	}
	for i, l := range lines {
		for _, want := range []string{"epoch " + string(rune('1'+i)) + "/2", "train loss", "test loss", "acc"} {
			if !strings.Contains(l, want) {
				t.Errorf("line %q lacks %q", l, want)
			}
		}
	}
}

// TestLogsWrittenWhenNothingLeftToTrain: a run killed after its last
// checkpoint but before its logs were written gets them on resume.
func TestLogsWrittenWhenNothingLeftToTrain(t *testing.T) {
	dir := t.TempDir()
	if err := newTinyTrainer(tinySetup{Epochs: 2, Dir: dir}).Run(); err != nil {
		t.Fatal(err)
	}
	jsonl := filepath.Join(dir, "tiny.metrics.jsonl")
	curves := filepath.Join(dir, "tiny.curves.png")
	for _, p := range []string{jsonl, curves} {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := newTinyTrainer(tinySetup{Epochs: 2, Dir: dir, Resume: true}).Run(); err != nil {
		t.Fatal(err)
	}
	if got := metricsEpochs(t, jsonl); len(got) != 2 {
		t.Errorf("metrics log has epochs %v, want [1 2]", got)
	}
	pngSize(t, curves)
}
