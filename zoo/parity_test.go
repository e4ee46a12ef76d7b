package zoo

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// fixture is one file of testdata (copied from the project's shared zoo
// fixtures, written by the reference PyTorch definitions).
type fixture struct {
	Model       string            `json:"model"`
	Parameters  int               `json:"parameters"`
	StateDict   []json.RawMessage `json:"state_dict"`
	HookedLayer string            `json:"hooked_layer"`
	LogitsEval  [][]float64       `json:"logits_eval"`
}

type stateEntry struct {
	name  string
	shape []int
}

func loadFixture(t *testing.T, path string) (fixture, []stateEntry) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	entries := make([]stateEntry, len(f.StateDict))
	for i, r := range f.StateDict {
		var row []json.RawMessage
		if err := json.Unmarshal(r, &row); err != nil || len(row) < 2 {
			t.Fatalf("%s: bad state_dict row %s", path, r)
		}
		json.Unmarshal(row[0], &entries[i].name)
		json.Unmarshal(row[1], &entries[i].shape)
	}
	return f, entries
}

func fixtures(t *testing.T) []string {
	paths, _ := filepath.Glob("testdata/*.json")
	if len(paths) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	return paths
}

// TestParity checks, for every model of the fixtures: parameter count,
// state-dict names, order and shapes, the doctor layer, and eval-mode
// logits with weights filled by the fixtures' rule.
func TestParity(t *testing.T) {
	for _, path := range fixtures(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			f, want := loadFixture(t, path)
			m, spec, err := New(f.Model, Config{})
			if err != nil {
				t.Fatal(err)
			}
			if got := nn.CountParameters(m); got != f.Parameters {
				t.Errorf("parameters: got %d, want %d", got, f.Parameters)
			}
			got := nn.StateDict(m)
			for i := 0; i < max(len(got), len(want)); i++ {
				var g, w string
				if i < len(got) {
					g = fmt.Sprintf("%s %v", got[i].Name, got[i].Tensor.Shape())
				}
				if i < len(want) {
					w = fmt.Sprintf("%s %v", want[i].name, want[i].shape)
				}
				if g != w {
					t.Fatalf("state dict entry %d: got %q, want %q", i, g, w)
				}
			}
			if spec.DoctorLayer != f.HookedLayer {
				t.Errorf("doctor layer: got %q, want %q", spec.DoctorLayer, f.HookedLayer)
			}
			if _, err := nn.Find(m, spec.DoctorLayer); err != nil {
				t.Errorf("doctor layer: %v", err)
			}
			FillForParity(m)
			nn.SetTraining(m, false)
			var logits *autograd.Value
			autograd.NoGrad(func() { logits = nn.Forward(m, autograd.Const(ParityInput())) })
			var scale, worst float64
			for _, row := range f.LogitsEval {
				for _, v := range row {
					scale = math.Max(scale, math.Abs(v))
				}
			}
			d := logits.Data()
			if len(d) != 20 {
				t.Fatalf("logits shape %v, want [2 10]", logits.Shape())
			}
			for b, row := range f.LogitsEval {
				for k, v := range row {
					worst = math.Max(worst, math.Abs(float64(d[b*10+k])-v)/scale)
				}
			}
			t.Logf("max logit difference %.2e (relative to the largest logit)", worst)
			if worst > 1e-4 {
				t.Errorf("logits differ by %.3g relative (> 1e-4): got %v, want %v", worst, d, f.LogitsEval)
			}
		})
	}
}

// TestTrainStepAndDoctorGradient checks, for every registered model, that
// one SGD step lowers the loss on a tiny batch and that the Model Doctor
// penalty Σ relu(∂z_y/∂A) at its doctor layer has a non-zero gradient with
// respect to the parameters (the second-order path the authors' public
// code lost).
func TestTrainStepAndDoctorGradient(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			if testing.Short() && heavy[name] {
				t.Skip("heavy model skipped in -short mode")
			}
			m, spec, err := New(name, Config{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			r := tensor.NewRNG(3)
			// Batch 2 unless the model needs more: efficientnetv2s ends on
			// 1×1 maps where train-mode batch norm over 2 numbers per
			// channel amplifies gradients ~50× per block (NaN at batch 2,
			// as in PyTorch with the reference init).
			batch := max(trainStepBatch[name], 2)
			x := autograd.Const(tensor.Normal(r, 0, 1, batch, 3, 32, 32))
			labels := make([]int, batch)
			for i := range labels {
				labels[i] = (1 + 6*i) % 10
			}
			params := nn.Trainable(m)
			// The loss after the step is measured with the dropout masks
			// of the loss before it: otherwise the comparison is between
			// two different random losses.
			var drops []*tensor.RNG
			var states []uint64
			nn.Walk(m, func(_ string, mod nn.Module) {
				if d, ok := mod.(*nn.Dropout); ok {
					drops, states = append(drops, d.RNG), append(states, d.RNG.State())
				}
			})

			layer, err := nn.Find(m, spec.DoctorLayer)
			if err != nil {
				t.Fatal(err)
			}
			var a *autograd.Value
			remove := layer.ModuleBase().AddHook(func(y *autograd.Value) *autograd.Value { a = y; return y })
			z := nn.Forward(m, x)
			remove()
			loss := autograd.CrossEntropy(z, labels)
			g := autograd.Grad([]*autograd.Value{autograd.Mean(autograd.PickLabels(z, labels), nil, false)}, []*autograd.Value{a}, nil, true)[0]
			penalty := autograd.SumAll(autograd.Relu(g))
			pg := autograd.GradWith([]*autograd.Value{penalty}, params, nil, autograd.GradOptions{RetainGraph: true})
			var norm float64
			for _, p := range pg {
				for _, v := range p.Data() {
					norm += float64(v) * float64(v)
				}
			}
			if norm == 0 {
				t.Errorf("penalty at %s has a zero parameter gradient", spec.DoctorLayer)
			}

			before := loss.Item()
			loss.Backward()
			autograd.NoGrad(func() {
				for _, p := range params {
					if p.Grad != nil {
						d, gd := p.Data(), p.Grad.Data()
						for i := range d {
							d[i] -= 0.01 * gd[i]
						}
					}
				}
			})
			for i, r := range drops {
				r.SetState(states[i])
			}
			var after float32
			autograd.NoGrad(func() { after = autograd.CrossEntropy(nn.Forward(m, x), labels).Item() })
			t.Logf("loss %.4f → %.4f, penalty gradient norm² %.3g", before, after, norm)
			if !(after < before) {
				t.Errorf("one SGD step did not lower the loss: %.5f → %.5f", before, after)
			}
		})
	}
}

var trainStepBatch = map[string]int{"efficientnetv2s": 8}

// heavy lists models whose training step takes more than a few seconds
// on two cores.
var heavy = map[string]bool{}
