package train

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
)

func TestProvenanceChangedNamesEachSetting(t *testing.T) {
	was := &Provenance{Settings: map[string]string{"lr": "0.05", "batch": "64", "limit": "0"}, Data: map[string]string{"train": "abc"},
		Version: map[string]string{"go": "old"}}
	now := &Provenance{Settings: map[string]string{"lr": "0.01", "batch": "64", "epochs": "3"}, Data: map[string]string{"train": "abd"},
		Version: map[string]string{"go": "new"}}
	got := strings.Join(now.Changed(was), "; ")
	want := "--epochs 3 (unset before); --limit unset (was 0); --lr 0.01 (was 0.05); data train abd (was abc)"
	if got != want {
		t.Errorf("Changed:\n got %s\nwant %s", got, want)
	}
	if c := was.Changed(was); len(c) != 0 {
		t.Errorf("a record differs from itself: %v", c)
	}
}

// TestResumeRefusesChangedSettings: a checkpoint made with one learning
// rate is not continued with another; the message names the flag and both
// values, and the model is left untouched.
func TestResumeRefusesChangedSettings(t *testing.T) {
	dir := t.TempDir()
	first := newTinyTrainer(tinySetup{Epochs: 1, Horizon: 2, Dir: dir})
	first.Opts.Provenance = NewProvenance("train", map[string]string{"lr": "0.05", "epochs": "2"}, nil)
	if err := first.Run(); err != nil {
		t.Fatal(err)
	}
	again := newTinyTrainer(tinySetup{Epochs: 2, Dir: dir, Resume: true})
	again.Opts.Provenance = NewProvenance("train", map[string]string{"lr": "0.01", "epochs": "2"}, nil)
	err := again.Run()
	if err == nil || !strings.Contains(err.Error(), "--lr 0.01 (was 0.05)") {
		t.Fatalf("resume with another lr: error %v, want one naming --lr 0.01 (was 0.05)", err)
	}
	if len(again.History) != 0 {
		t.Errorf("refused resume left %d epochs of history", len(again.History))
	}
	same := newTinyTrainer(tinySetup{Epochs: 2, Dir: dir, Resume: true})
	same.Opts.Provenance = NewProvenance("train", map[string]string{"lr": "0.05", "epochs": "2"}, nil)
	if err := same.Run(); err != nil {
		t.Fatalf("resume with the same settings: %v", err)
	}
}

// TestProvenanceTravelsWithTheOutputs: the weights file's metadata and the
// provenance file say what produced them.
func TestProvenanceTravelsWithTheOutputs(t *testing.T) {
	dir := t.TempDir()
	tr := newTinyTrainer(tinySetup{Epochs: 1, Dir: dir})
	tr.Opts.Provenance = NewProvenance("train", map[string]string{"alpha": "1"}, map[string]string{"dataset": "tiny"})
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	p, err := ReadProvenance(tr.ProvenancePath())
	if err != nil {
		t.Fatal(err)
	}
	if p.Setting("alpha") != "1" || p.Data["dataset"] != "tiny" || p.Version["go"] == "" {
		t.Errorf("provenance file: %+v", p)
	}
	_, meta, err := nn.ReadSafetensors(filepath.Join(dir, tr.Opts.Name+".safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	var q Provenance
	if err := json.Unmarshal([]byte(meta["provenance"]), &q); err != nil || q.Setting("alpha") != "1" {
		t.Errorf("weights metadata provenance %q: %v", meta["provenance"], err)
	}
	if meta["format"] != "pt" {
		t.Errorf("weights metadata lost format=pt: %v", meta)
	}
}

// TestFreshRunRetiresEarlierOutputs: a run started from scratch over an
// earlier run of the same name writes its provenance first and removes
// the earlier final weights and metrics, so a run that then fails leaves
// nothing that passes for its result.
func TestFreshRunRetiresEarlierOutputs(t *testing.T) {
	dir := t.TempDir()
	old := newTinyTrainer(tinySetup{Epochs: 1, Dir: dir})
	old.Opts.Provenance = NewProvenance("train", map[string]string{"alpha": "3"}, nil)
	if err := old.Run(); err != nil {
		t.Fatal(err)
	}
	failing := newTinyTrainer(tinySetup{Epochs: 1, Dir: dir})
	failing.Opts.Provenance = NewProvenance("train", map[string]string{"alpha": "10"}, nil)
	failing.Loss = func(m nn.Module, x *autograd.Value, b data.Batch) (*autograd.Value, *autograd.Value, map[string]float64) {
		loss, logits, _ := CrossEntropyLoss(m, x, b)
		return autograd.MulScalar(loss, float32(math.Inf(1))), logits, nil
	}
	if err := failing.Run(); err == nil {
		t.Fatal("an infinite loss did not stop the run")
	}
	for _, name := range []string{"tiny.safetensors", "tiny.metrics.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s of the earlier run is still there (%v)", name, err)
		}
	}
	p, err := ReadProvenance(failing.ProvenancePath())
	if err != nil || p.Setting("alpha") != "10" {
		t.Errorf("provenance after the failed run: %+v, %v; want the failed run's", p, err)
	}
}
