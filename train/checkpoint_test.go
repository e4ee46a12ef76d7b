package train

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// finishedRun trains the tiny problem for one epoch in a fresh directory
// and returns the directory and the checkpoint's path.
func finishedRun(t *testing.T, s tinySetup) (dir, ckpt string) {
	t.Helper()
	dir = t.TempDir()
	s.Epochs, s.Dir = 1, dir
	if err := newTinyTrainer(s).Run(); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, "tiny.checkpoint.safetensors")
}

// resumeErr resumes the tiny problem from dir and returns Run's error.
func resumeErr(t *testing.T, s tinySetup) error {
	t.Helper()
	s.Epochs, s.Resume = 2, true
	return newTinyTrainer(s).Run()
}

// rewriteCheckpoint replaces the checkpoint with its tensors and metadata
// passed through edit.
func rewriteCheckpoint(t *testing.T, path string, edit func(map[string]*tensor.Tensor, map[string]string)) {
	t.Helper()
	f, err := nn.ReadSafetensorsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ts, meta := f.Map(), f.Metadata
	edit(ts, meta)
	var entries []nn.StateEntry
	for _, st := range f.Tensors {
		if v, ok := ts[st.Name]; ok {
			entries = append(entries, nn.StateEntry{Name: st.Name, Tensor: v, Int: st.DType == "I64"})
		}
	}
	if err := nn.SaveSafetensors(path, entries, meta); err != nil {
		t.Fatal(err)
	}
}

func requireErrorMentions(t *testing.T, what string, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not mention %q", what, err, p)
		}
	}
	if strings.Count(err.Error(), "\n") > 0 {
		t.Errorf("%s: error is not one line: %q", what, err)
	}
}

// TestCheckpointErrors: a checkpoint that cannot be resumed from is an
// error naming the file and what is wrong, never a panic or a silent
// fresh start.
func TestCheckpointErrors(t *testing.T) {
	t.Run("garbage", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		if err := os.WriteFile(ckpt, []byte("this is not a checkpoint"), 0o644); err != nil {
			t.Fatal(err)
		}
		requireErrorMentions(t, "garbage", resumeErr(t, tinySetup{Dir: dir}), ckpt)
	})
	t.Run("truncated", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		b, err := os.ReadFile(ckpt)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(ckpt, b[:len(b)/2], 0o644); err != nil {
			t.Fatal(err)
		}
		requireErrorMentions(t, "truncated", resumeErr(t, tinySetup{Dir: dir}), ckpt, "truncated")
	})
	t.Run("empty", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		if err := os.WriteFile(ckpt, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		requireErrorMentions(t, "empty", resumeErr(t, tinySetup{Dir: dir}), ckpt)
	})
	t.Run("bad epoch", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		rewriteCheckpoint(t, ckpt, func(_ map[string]*tensor.Tensor, meta map[string]string) { meta["epoch"] = "two" })
		requireErrorMentions(t, "bad epoch", resumeErr(t, tinySetup{Dir: dir}), ckpt, "epoch", `"two"`)
	})
	t.Run("negative epoch", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		rewriteCheckpoint(t, ckpt, func(_ map[string]*tensor.Tensor, meta map[string]string) { meta["epoch"] = "-1" })
		requireErrorMentions(t, "negative epoch", resumeErr(t, tinySetup{Dir: dir}), ckpt, "epoch")
	})
	t.Run("no metadata", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		rewriteCheckpoint(t, ckpt, func(_ map[string]*tensor.Tensor, meta map[string]string) { clear(meta) })
		requireErrorMentions(t, "no metadata", resumeErr(t, tinySetup{Dir: dir}), ckpt, "epoch")
	})
	t.Run("bad history", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		rewriteCheckpoint(t, ckpt, func(_ map[string]*tensor.Tensor, meta map[string]string) { meta["history"] = "[{" })
		requireErrorMentions(t, "bad history", resumeErr(t, tinySetup{Dir: dir}), ckpt, "history")
	})
	t.Run("history disagrees with epoch", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		rewriteCheckpoint(t, ckpt, func(_ map[string]*tensor.Tensor, meta map[string]string) { meta["history"] = "[]" })
		requireErrorMentions(t, "history disagrees", resumeErr(t, tinySetup{Dir: dir}), ckpt, "history")
	})
	t.Run("missing weight", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		rewriteCheckpoint(t, ckpt, func(ts map[string]*tensor.Tensor, _ map[string]string) { delete(ts, "model.0.weight") })
		requireErrorMentions(t, "missing weight", resumeErr(t, tinySetup{Dir: dir}), ckpt, "0.weight")
	})
	t.Run("mis-shaped buffer", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		rewriteCheckpoint(t, ckpt, func(ts map[string]*tensor.Tensor, _ map[string]string) {
			ts["model.1.running_mean"] = tensor.Zeros(5)
		})
		requireErrorMentions(t, "mis-shaped buffer", resumeErr(t, tinySetup{Dir: dir}), ckpt, "1.running_mean")
	})
	t.Run("other optimizer", func(t *testing.T) {
		// Adam's checkpoint into an SGD run (and back): the state does not
		// fit, and silently dropping it would break exact resume.
		dir, ckpt := finishedRun(t, tinySetup{Adam: true})
		requireErrorMentions(t, "adam→sgd", resumeErr(t, tinySetup{Dir: dir}), ckpt, "optim")
		dir, ckpt = finishedRun(t, tinySetup{})
		requireErrorMentions(t, "sgd→adam", resumeErr(t, tinySetup{Dir: dir, Adam: true}), ckpt)
	})
	t.Run("mis-shaped optimizer state", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		rewriteCheckpoint(t, ckpt, func(ts map[string]*tensor.Tensor, _ map[string]string) {
			ts["optim.momentum_buffer.0"] = tensor.Zeros(3)
		})
		requireErrorMentions(t, "mis-shaped optimizer state", resumeErr(t, tinySetup{Dir: dir}), ckpt, "momentum_buffer.0")
	})
	t.Run("unreadable", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		if err := os.Remove(ckpt); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(ckpt, 0o755); err != nil { // a directory where the file should be
			t.Fatal(err)
		}
		requireErrorMentions(t, "unreadable", resumeErr(t, tinySetup{Dir: dir}), ckpt)
	})
}

// TestFailedResumeLeavesModelAlone: a checkpoint rejected for its
// optimizer state or history must not have half-overwritten the model.
func TestFailedResumeLeavesModelAlone(t *testing.T) {
	dir, ckpt := finishedRun(t, tinySetup{})
	rewriteCheckpoint(t, ckpt, func(_ map[string]*tensor.Tensor, meta map[string]string) { meta["history"] = "nope" })
	tr := newTinyTrainer(tinySetup{Epochs: 2, Dir: dir, Resume: true, InitSeed: 77})
	before := newTinyTrainer(tinySetup{InitSeed: 77})
	if err := tr.Run(); err == nil {
		t.Fatal("no error")
	}
	for i, e := range nn.StateDict(before.Model) {
		requireSameBits(t, "model "+e.Name, nn.StateDict(tr.Model)[i].Tensor, e.Tensor)
	}
}

// scaleLossAt multiplies the loss of one batch by c (NaN or Inf).
func scaleLossAt(epoch, batch int, c float32) LossFunc {
	return func(m nn.Module, x *autograd.Value, b data.Batch) (*autograd.Value, *autograd.Value, map[string]float64) {
		loss, logits, extra := CrossEntropyLoss(m, x, b)
		if b.Epoch == epoch && b.Index == batch {
			loss = autograd.MulScalar(loss, c)
		}
		return loss, logits, extra
	}
}

// TestNonFiniteLoss: a NaN or infinite loss stops the run with an error
// naming the run, the 1-based epoch and batch; the checkpoint of the last
// good epoch stays.
func TestNonFiniteLoss(t *testing.T) {
	for _, c := range []struct {
		name  string
		scale float32
		say   string
	}{{"NaN", float32(math.NaN()), "NaN"}, {"Inf", float32(math.Inf(1)), "Inf"}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			tr := newTinyTrainer(tinySetup{Epochs: 3, Dir: dir})
			tr.Loss = scaleLossAt(1, 2, c.scale)
			err := tr.Run()
			requireErrorMentions(t, c.name, err, "tiny", c.say, "epoch 2 batch 3")
			_, meta, rerr := nn.ReadSafetensors(filepath.Join(dir, "tiny.checkpoint.safetensors"))
			if rerr != nil {
				t.Fatal(rerr)
			}
			if meta["epoch"] != "1" {
				t.Errorf("checkpoint says epoch %q after the failure, want 1", meta["epoch"])
			}
			for _, e := range nn.StateDict(tr.Model) {
				for _, v := range e.Tensor.Data() {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
						t.Fatalf("%s holds %v: the bad loss was stepped on", e.Name, v)
					}
				}
			}
		})
	}
}

// TestNoDirWritesNothing: without Dir a run keeps everything in memory.
func TestNoDirWritesNothing(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(wd)
	tr := newTinyTrainer(tinySetup{Epochs: 1})
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadDir(wd)
	if len(after) != len(before) {
		t.Errorf("a run without Dir wrote %d files in %s", len(after)-len(before), wd)
	}
	if len(tr.History) != 1 {
		t.Errorf("history has %d records", len(tr.History))
	}
}
