package train

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/devicetest"
)

// finishedCheckpoints caches the checkpoint bytes of one epoch of the
// tiny problem, by optimizer (Adam or not): the tests below edit copies.
var finishedCheckpoints sync.Map

// finishedRun puts the checkpoint of one finished epoch of the tiny
// problem in a fresh directory and returns the directory and its path.
func finishedRun(t *testing.T, s tinySetup) (dir, ckpt string) {
	t.Helper()
	b, ok := finishedCheckpoints.Load(s.Adam)
	if !ok {
		src := t.TempDir()
		s.Epochs, s.Horizon, s.Dir = 1, 2, src
		if err := newTinyTrainer(s).Run(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(src, "tiny.checkpoint.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ = finishedCheckpoints.LoadOrStore(s.Adam, data)
	}
	dir = t.TempDir()
	ckpt = filepath.Join(dir, "tiny.checkpoint.safetensors")
	if err := os.WriteFile(ckpt, b.([]byte), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, ckpt
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
			delete(ts, st.Name)
		}
	}
	for _, name := range sortedKeys(ts) { // added by edit
		entries = append(entries, nn.StateEntry{Name: name, Tensor: ts[name]})
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
	t.Run("stray tensor", func(t *testing.T) {
		dir, ckpt := finishedRun(t, tinySetup{})
		rewriteCheckpoint(t, ckpt, func(ts map[string]*tensor.Tensor, _ map[string]string) { ts["extra"] = tensor.Zeros(2) })
		requireErrorMentions(t, "stray tensor", resumeErr(t, tinySetup{Dir: dir}), ckpt, `"extra"`)
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
// history or its optimizer state (which is loaded after the model) must
// not leave the model or the optimizer half-overwritten.
func TestFailedResumeLeavesModelAlone(t *testing.T) {
	edits := map[string]func(map[string]*tensor.Tensor, map[string]string){
		"bad history": func(_ map[string]*tensor.Tensor, meta map[string]string) { meta["history"] = "nope" },
		"bad optimizer state": func(ts map[string]*tensor.Tensor, _ map[string]string) {
			ts["optim.momentum_buffer.3"] = tensor.Zeros(1, 2, 3)
		},
		"foreign optimizer state": func(ts map[string]*tensor.Tensor, _ map[string]string) {
			ts["optim.exp_avg.0"] = ts["optim.momentum_buffer.0"]
		},
	}
	for _, name := range sortedKeys(edits) {
		dir, ckpt := finishedRun(t, tinySetup{})
		rewriteCheckpoint(t, ckpt, edits[name])
		tr := newTinyTrainer(tinySetup{Epochs: 2, Dir: dir, Resume: true, InitSeed: 77})
		before := newTinyTrainer(tinySetup{InitSeed: 77})
		err := tr.Run()
		requireErrorMentions(t, name, err, ckpt)
		for i, e := range nn.StateDict(before.Model) {
			devicetest.RequireSameBits(t, name+": model "+e.Name, nn.StateDict(tr.Model)[i].Tensor, e.Tensor)
		}
		if st := tr.Opt.State(); len(st) != 0 {
			t.Errorf("%s: a fresh optimizer holds %d state tensors after the failed resume", name, len(st))
		}
		if len(tr.History) != 0 {
			t.Errorf("%s: history has %d records after the failed resume", name, len(tr.History))
		}
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

// TestResumeWithAnotherSeedIsAnError: the seed decides the data order,
// augmentation and dropout of the remaining epochs, so a resume with
// another seed would not continue the same run.
func TestResumeWithAnotherSeedIsAnError(t *testing.T) {
	dir := t.TempDir()
	tr := newTinyTrainer(tinySetup{Epochs: 1, Dir: dir, Horizon: 2})
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	again := newTinyTrainer(tinySetup{Epochs: 2, Dir: dir, Resume: true})
	again.Opts.Seed++
	err := again.Run()
	if err == nil || !strings.Contains(err.Error(), "seed") {
		t.Fatalf("resume with another seed: error %v", err)
	}
}
