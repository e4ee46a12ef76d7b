package zoo

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/nn"
)

// paperMACs is the "forward MACs per 32×32 image" column of the shared
// zoo fixtures' README, in millions, with its precision (0.1 M, except
// resnet34's "~1,160 M").
var paperMACs = map[string]struct {
	millions, tolerance float64
}{
	"alexnet":         {62.7, 0.05},
	"vgg16":           {332.1, 0.05},
	"resnet50":        {1297.8, 0.05},
	"senet34":         {1159.6, 0.05},
	"wideresnet28":    {5951.1, 0.05},
	"resnext50":       {750.7, 0.05},
	"densenet121":     {888.4, 0.05},
	"simplenetv1":     {631.5, 0.05},
	"efficientnetv2s": {62.2, 0.05},
	"googlenet":       {531.9, 0.05},
	"xception":        {1129.7, 0.05},
	"mobilenetv2":     {64.8, 0.05},
	"inceptionv3":     {3390.5, 0.05},
	"shufflenetv2":    {43.6, 0.05},
	"squeezenet":      {52.5, 0.05},
	"mnasnet":         {6.4, 0.05},
	"resnet34":        {1160, 5},
}

// TestSummaryMatchesFixtures checks Summarize's totals against every
// fixture: parameters equal, MACs equal to the README's table at its
// precision.
func TestSummaryMatchesFixtures(t *testing.T) {
	for _, path := range fixtures(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			f, _ := loadFixture(t, path)
			want, ok := paperMACs[f.Model]
			if !ok {
				t.Fatalf("no MACs figure for %s", f.Model)
			}
			m, _, err := New(f.Model, Config{})
			if err != nil {
				t.Fatal(err)
			}
			s := Summarize(m, []int{3, 32, 32})
			if s.Parameters != f.Parameters {
				t.Errorf("parameters: got %d, want %d", s.Parameters, f.Parameters)
			}
			got := float64(s.MACs) / 1e6
			t.Logf("%d parameters, %.3f M MACs (table: %.1f M)", s.Parameters, got, want.millions)
			if math.Abs(got-want.millions) > want.tolerance {
				t.Errorf("MACs: got %.3f M, want %.1f M ± %g", got, want.millions, want.tolerance)
			}
			if len(s.Output) != 2 || s.Output[0] != 1 || s.Output[1] != 10 {
				t.Errorf("output shape %v, want [1 10]", s.Output)
			}
		})
	}
}

// TestSummaryRows checks the rows of a small model: names in state-dict
// order, types, output shapes, per-layer parameters and MACs, subtree
// sums, and that the model's training flags are restored.
func TestSummaryRows(t *testing.T) {
	m, _, err := New("alexnet", Config{})
	if err != nil {
		t.Fatal(err)
	}
	// A mixed train/eval state must survive Summarize's eval-mode pass.
	dropout, err := nn.Find(m, "classifier.0")
	if err != nil {
		t.Fatal(err)
	}
	nn.SetTraining(dropout, false)
	s := Summarize(m, []int{3, 32, 32})
	byName := map[string]LayerRow{}
	for _, r := range s.Rows {
		byName[r.Name] = r
	}
	first := s.Rows[0]
	if first.Name != "features" || first.Leaf || first.Depth != 1 {
		t.Errorf("first row %+v, want the features container", first)
	}
	conv := byName["features.0"]
	if conv.Type != "Conv2d" || !conv.Leaf || conv.Calls != 1 || conv.Depth != 2 {
		t.Errorf("features.0: %+v", conv)
	}
	w := conv.Output
	// out elements × in·kh·kw
	wantMACs := int64(w[1]*w[2]*w[3]) * int64(conv.Parameters-w[1]) / int64(w[1])
	if conv.MACs != wantMACs {
		t.Errorf("features.0 MACs %d, want %d (output %v, %d parameters)", conv.MACs, wantMACs, w, conv.Parameters)
	}
	if r := byName["features.1"]; r.Type != "ReLU" || r.Parameters != 0 || r.MACs != 0 {
		t.Errorf("features.1: %+v", r)
	}
	var top int64
	var params int
	for _, r := range s.Rows {
		if r.Depth == 1 {
			top += r.MACs
			params += r.Parameters
		}
	}
	if top != s.MACs || params != s.Parameters {
		t.Errorf("top-level rows sum to %d MACs, %d parameters; totals %d, %d", top, params, s.MACs, s.Parameters)
	}
	if !m.ModuleBase().Training() || dropout.ModuleBase().Training() {
		t.Errorf("train flags not restored: model %v, classifier.0 %v (want true, false)",
			m.ModuleBase().Training(), dropout.ModuleBase().Training())
	}
	if got := FormatShape([]int{1, 64, 8, 8}); got != "1×64×8×8" {
		t.Errorf("FormatShape: %q", got)
	}
}
