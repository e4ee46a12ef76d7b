package nn

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// TestLoadPyTorchWeights loads a state dict that PyTorch produced
// (testdata/gen_torch_safetensors.py) into the Go twin of its model and
// compares eval-mode logits, then round-trips the weights through our
// writer.
func TestLoadPyTorchWeights(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_model.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		StateDictOrder []string  `json:"state_dict_order"`
		Input          []float64 `json:"input"`
		InputShape     []int     `json:"input_shape"`
		Logits         []float64 `json:"logits"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	r := tensor.NewRNG(1)
	twin := func() Module {
		return NewSequential(
			NewConv2d(r, 3, 4, 3, ConvOptions{Padding: 1}),
			NewBatchNorm2d(4, BatchNormOptions{}),
			ReLU(),
			AdaptiveAvgPool2d(1, 1),
			Flatten(),
			NewLinear(r, 4, 5, true),
		)
	}
	m := twin()
	for i, e := range StateDict(m) {
		if e.Name != fx.StateDictOrder[i] {
			t.Fatalf("state dict entry %d: %s, PyTorch %s", i, e.Name, fx.StateDictOrder[i])
		}
	}
	rep, err := LoadWeights("testdata/torch_model.safetensors", m, true)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Clean() {
		t.Fatalf("load report: %v", rep)
	}
	logits := func(m Module) []float32 {
		SetTraining(m, false)
		var out *autograd.Value
		autograd.NoGrad(func() { out = Forward(m, autograd.Const(tensor.FromFloat64(fx.Input, fx.InputShape...))) })
		return out.Data()
	}
	got := logits(m)
	for i, w := range fx.Logits {
		if math.Abs(float64(got[i])-w) > 1e-5*(1+math.Abs(w)) {
			t.Fatalf("logit %d: %v, PyTorch %v", i, got[i], w)
		}
	}
	path := t.TempDir() + "/roundtrip.safetensors"
	if err := SaveWeights(path, m); err != nil {
		t.Fatal(err)
	}
	m2 := twin()
	if _, err := LoadWeights(path, m2, true); err != nil {
		t.Fatal(err)
	}
	for i, v := range logits(m2) {
		if v != got[i] {
			t.Fatalf("round trip changed logit %d: %v → %v", i, got[i], v)
		}
	}
}
