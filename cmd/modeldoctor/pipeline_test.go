package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/zoo"
)

// TestPipelineRecordsAndChecksProvenance runs train → sift → diagnose →
// treat → report on a small MNIST subset and checks that each later stage
// reads what the earlier ones recorded: report states the α, lr and
// schedule treat ran with (without being told), a resume with a changed
// setting and a sift file made from other images are refused, naming the
// settings.
func TestPipelineRecordsAndChecksProvenance(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	common := []string{"--model", "lenet", "--dataset", "mnist", "--limit", "600", "--batch", "50"}
	ok := func(args ...string) cliResult {
		t.Helper()
		r := cli(t, dir, args...)
		if r.status != 0 {
			t.Fatalf("%v: status %d\n%s", args, r.status, r.stderr)
		}
		return r
	}
	ok(append([]string{"train", "--epochs", "2", "--out", out}, common...)...)
	weights := filepath.Join(out, "lenet-mnist.safetensors")

	// Resuming with another learning rate or limit is refused, naming both.
	args := append([]string{"train", "--epochs", "2", "--out", out, "--resume", "--lr", "0.01"}, common...)
	requireLastLineError(t, cli(t, dir, args...), args, "--lr 0.01 (was 0.05)")

	doc := append([]string{"--weights", weights, "--out", out, "--n", "5", "--n-low", "2"}, common...)
	ok(append([]string{"sift"}, doc...)...)
	ok(append([]string{"diagnose"}, doc...)...)
	ok(append([]string{"treat", "--alpha", "1", "--lr", "0.003", "--epochs", "1", "--schedule", "constant"}, doc...)...)

	// sift.json holds positions among the images left after --limit and
	// the hold-out: another --limit must not silently diagnose others.
	other := []string{"diagnose", "--weights", weights, "--out", out, "--n", "5", "--n-low", "2",
		"--model", "lenet", "--dataset", "mnist", "--limit", "700", "--batch", "50"}
	requireOneLineError(t, cli(t, dir, other...), other, "--limit 700 (was 600)")

	// Resuming the finished training rewrites its weights file; the same
	// weights keep their identity, so the doctor's files stay valid.
	ok(append([]string{"train", "--epochs", "2", "--out", out, "--resume"}, common...)...)
	// The weights say how they were trained: another input size is refused
	// before any data is read.
	args = append(append([]string{"sift"}, doc...), "--size", "36")
	requireOneLineError(t, cli(t, dir, args...), args, "--size 36 (was 32)")

	ok(append([]string{"report"}, doc...)...)
	var sum struct {
		Alpha    float64 `json:"alpha"`
		LR       float64 `json:"lr"`
		Schedule string  `json:"schedule"`
		Epochs   int     `json:"epochs"`
	}
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	if sum.Alpha != 1 || sum.LR != 0.003 || sum.Schedule != "constant" || sum.Epochs != 1 {
		t.Errorf("summary.json says α %g, lr %g, schedule %q, %d epochs; treat ran α 1, lr 0.003, constant, 1 epoch", sum.Alpha, sum.LR, sum.Schedule, sum.Epochs)
	}
	// A treated run whose final weights are missing (interrupted) is not
	// reported on.
	must(t, os.Remove(filepath.Join(out, "treated.safetensors")))
	args = append([]string{"report"}, doc...)
	requireOneLineError(t, cli(t, dir, args...), args, "treated.safetensors")

	var sift siftFile
	readJSON(t, filepath.Join(out, "sift.json"), &sift)
	if sift.Provenance == nil || sift.Provenance.Setting("limit") != "600" || sift.Provenance.Data["doctor_train"] == "" {
		t.Errorf("sift.json provenance %+v lacks the limit or the data's fingerprint", sift.Provenance)
	}
}

// TestNaNStopsTraining: a diverging run stops at the first non-finite loss
// with the epoch and batch named, and no stack trace.
func TestNaNStopsTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	dir := t.TempDir()
	args := []string{"train", "--model", "lenet", "--limit", "2000", "--epochs", "1", "--lr", "100", "--momentum", "0.99", "--out", dir}
	r := cli(t, dir, args...)
	requireLastLineError(t, r, args, "epoch 1 batch")
	if !strings.Contains(r.stderr, "NaN") && !strings.Contains(r.stderr, "Inf") {
		t.Errorf("message does not say which non-finite value: %s", r.stderr)
	}
}

// TestNonFiniteWeightsAreNamed: eval warns that weights hold NaN (the
// accuracy of such a model means nothing), and the doctor refuses them.
func TestNonFiniteWeightsAreNamed(t *testing.T) {
	if testing.Short() {
		t.Skip("reads MNIST")
	}
	dir := t.TempDir()
	m, _, err := zoo.New("lenet", zoo.Config{Classes: 10, InChannels: 1, Seed: 1})
	must(t, err)
	p := nn.Parameters(m)[0]
	p.Value.Tensor().Data()[3] = float32(math.NaN())
	w := filepath.Join(dir, "nan.safetensors")
	must(t, nn.SaveWeights(w, m))

	r := cli(t, dir, "eval", "--weights", w, "--limit", "100")
	if r.status != 0 || !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, p.Name) {
		t.Errorf("eval of NaN weights: status %d, stderr %q; want a warning naming %s", r.status, r.stderr, p.Name)
	}
	args := []string{"sift", "--weights", w, "--limit", "100", "--out", filepath.Join(dir, "out")}
	requireLastLineError(t, cli(t, dir, args...), args, p.Name)
}

// TestDetectAnomalyNamesTheOp: with --detect-anomaly a diverging run is
// stopped at the first op whose output is not finite, named.
func TestDetectAnomalyNamesTheOp(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	dir := t.TempDir()
	args := []string{"train", "--model", "lenet", "--limit", "2000", "--epochs", "1", "--lr", "100", "--momentum", "0.99", "--out", dir, "--detect-anomaly"}
	r := cli(t, dir, args...)
	requireLastLineError(t, r, args, "autograd: anomaly: \"")
	if !strings.Contains(r.stderr, "epoch 1 batch ") {
		t.Errorf("the anomaly's place in the run is not named: %s", r.stderr)
	}
}
