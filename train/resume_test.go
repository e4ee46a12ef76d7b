package train

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
)

// Child processes: the test binary re-executed with $childRoleEnv set
// plays a role in $childDirEnv instead of testing. In TestKillAndResume
// ("kill-me") it trains the tiny problem with checkpoints there and, in
// the middle of epoch killEpoch, creates the file "ready" and waits to be
// killed.
const (
	childRoleEnv = "MODELDOCTOR_TRAIN_TEST_CHILD"
	childDirEnv  = "MODELDOCTOR_TRAIN_TEST_DIR"
	resumeEpochs = 4
	killEpoch    = 2 // 0-based: the third of four epochs
	killBatch    = 3 // after batches 0..2 of it have updated the weights
)

// TestKillAndResume: a run killed mid-way with
// SIGKILL and resumed from its checkpoint ends with the same bits
// (weights, batch-norm buffers, optimizer state, history) as a run that
// was never interrupted. The model has dropout and the loader random
// crops and flips, so the per-epoch reseeding and the loader's pure
// (seed, epoch, batch) streams are both exercised. The child also runs
// with GOMAXPROCS=1 and the parent with the test's setting, so the result
// must not depend on the thread count either.
func TestKillAndResume(t *testing.T) {
	if os.Getenv(childRoleEnv) == "kill-me" {
		runKilledChild(t)
		return
	}
	dir := t.TempDir()
	killChild(t, "^TestKillAndResume$", "kill-me", dir, 0)

	// What the kill left: the checkpoint of the last finished epoch, and
	// logs that stop there.
	ckpt := filepath.Join(dir, "tiny.checkpoint.safetensors")
	_, meta, err := nn.ReadSafetensors(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	if meta["epoch"] != fmt.Sprint(killEpoch) {
		t.Fatalf("checkpoint after the kill says epoch %q, want %d", meta["epoch"], killEpoch)
	}
	if got := metricsEpochs(t, filepath.Join(dir, "tiny.metrics.jsonl")); len(got) != killEpoch {
		t.Fatalf("metrics log after the kill has epochs %v, want 1..%d", got, killEpoch)
	}
	if _, err := os.Stat(filepath.Join(dir, "tiny.safetensors")); err == nil {
		t.Fatal("final weights exist although the run was killed")
	}
	// A kill during a checkpoint write leaves a temporary file beside the
	// checkpoint (the rename never happened): resume must ignore it.
	leftover := filepath.Join(dir, ".tiny.checkpoint.safetensors.tmp-1234")
	if err := os.WriteFile(leftover, []byte("half a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}

	// Resume in-process, from different initial weights: everything must
	// come from the checkpoint.
	resumed := newTinyTrainer(tinySetup{Epochs: resumeEpochs, Dir: dir, Resume: true, InitSeed: 99})
	var log bytes.Buffer
	resumed.Opts.Log = &log
	if err := resumed.Run(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(log.Bytes(), []byte(fmt.Sprintf("after epoch %d", killEpoch))) {
		t.Fatalf("resumed run did not say it resumed after epoch %d:\n%s", killEpoch, log.String())
	}

	straight := newTinyTrainer(tinySetup{Epochs: resumeEpochs, Dir: t.TempDir()})
	if err := straight.Run(); err != nil {
		t.Fatal(err)
	}
	requireSameState(t, resumed, straight)
	if straight.History[len(straight.History)-1].TrainAcc <= straight.History[0].TrainAcc {
		t.Errorf("the tiny model did not learn: train accuracy per epoch %v", trainAccs(straight.History))
	}

	// The final weights files are byte-identical too, and the logs hold
	// every epoch exactly once.
	a, err := os.ReadFile(resumed.WeightsPath())
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(straight.WeightsPath())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("final weights files differ")
	}
	if got := metricsEpochs(t, filepath.Join(dir, "tiny.metrics.jsonl")); fmt.Sprint(got) != "[1 2 3 4]" {
		t.Errorf("metrics log after resume has epochs %v, want [1 2 3 4]", got)
	}
}

// killChild re-executes the test binary running test in the child role
// role with $childDirEnv=dir and GOMAXPROCS=1, waits until the child
// creates dir/ready, waits delay more and kills it with SIGKILL.
func killChild(t *testing.T, test, role, dir string, delay time.Duration) {
	t.Helper()
	switch runtime.GOOS {
	case "windows", "plan9", "js", "wasip1", "ios", "android":
		t.Skipf("needs SIGKILL and a re-executable test binary; not on %s", runtime.GOOS)
	}
	ready := filepath.Join(dir, "ready")
	os.Remove(ready)
	cmd := exec.Command(os.Args[0], "-test.run="+test, "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childRoleEnv+"="+role, childDirEnv+"="+dir, "GOMAXPROCS=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(60 * time.Second)
	for waiting := true; waiting; {
		select {
		case err := <-exited:
			t.Fatalf("child exited before it was killed (%v):\n%s", err, out.String())
		case <-deadline:
			cmd.Process.Kill()
			<-exited
			t.Fatalf("child did not get ready within a minute:\n%s", out.String())
		case <-time.After(2 * time.Millisecond):
			_, err := os.Stat(ready)
			waiting = err != nil
		}
	}
	time.Sleep(delay)
	if err := cmd.Process.Signal(os.Kill); err != nil { // SIGKILL on Unix
		t.Fatal(err)
	}
	err := <-exited
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Exited() {
		t.Fatalf("child was not killed by a signal: %v\n%s", err, out.String())
	}
}

// runKilledChild trains until the middle of epoch killEpoch, announces it
// and sleeps until the parent kills it.
func runKilledChild(t *testing.T) {
	dir := os.Getenv(childDirEnv)
	tr := newTinyTrainer(tinySetup{Epochs: resumeEpochs, Dir: dir, Resume: true})
	tr.Loss = func(m nn.Module, x *autograd.Value, b data.Batch) (*autograd.Value, *autograd.Value, map[string]float64) {
		if b.Epoch == killEpoch && b.Index == killBatch {
			if err := os.WriteFile(filepath.Join(dir, "ready"), nil, 0o644); err != nil {
				panic(err)
			}
			time.Sleep(time.Minute) // the parent kills us long before
			panic("child was not killed")
		}
		return CrossEntropyLoss(m, x, b)
	}
	if err := tr.Run(); err != nil {
		t.Fatal(err)
	}
	t.Fatal("child finished training; it should have been killed")
}

// TestResumeInProcess checks exact resume without a kill, with Adam (whose
// step counter is part of the state) and a validation split: two epochs,
// then a new trainer resumed to four, against four straight.
func TestResumeInProcess(t *testing.T) {
	dir := t.TempDir()
	first := newTinyTrainer(tinySetup{Epochs: 2, Horizon: 4, Dir: dir, Adam: true, Val: true})
	if err := first.Run(); err != nil {
		t.Fatal(err)
	}
	resumed := newTinyTrainer(tinySetup{Epochs: 4, Dir: dir, Resume: true, Adam: true, Val: true, InitSeed: 42})
	if err := resumed.Run(); err != nil {
		t.Fatal(err)
	}
	straight := newTinyTrainer(tinySetup{Epochs: 4, Adam: true, Val: true})
	if err := straight.Run(); err != nil {
		t.Fatal(err)
	}
	requireSameState(t, resumed, straight)

	// Resuming a finished run trains nothing and changes nothing.
	again := newTinyTrainer(tinySetup{Epochs: 4, Dir: dir, Resume: true, Adam: true, Val: true, InitSeed: 43})
	if err := again.Run(); err != nil {
		t.Fatal(err)
	}
	requireSameState(t, again, straight)
}

// TestResumeWithoutCheckpoint starts from scratch when asked to resume a
// run that has no checkpoint yet.
func TestResumeWithoutCheckpoint(t *testing.T) {
	a := newTinyTrainer(tinySetup{Epochs: 1, Dir: t.TempDir(), Resume: true})
	if err := a.Run(); err != nil {
		t.Fatal(err)
	}
	b := newTinyTrainer(tinySetup{Epochs: 1})
	if err := b.Run(); err != nil {
		t.Fatal(err)
	}
	requireSameState(t, a, b)
}

func trainAccs(h []EpochRecord) []float64 {
	var a []float64
	for _, r := range h {
		a = append(a, r.TrainAcc)
	}
	return a
}

// TestKillDuringCheckpointWrite kills a process that rewrites its
// checkpoint in a tight loop, at a few points in the write, and resumes
// each time: the atomic write (temporary file, sync, rename) must leave a
// whole checkpoint, whatever temporary files it leaves beside it.
func TestKillDuringCheckpointWrite(t *testing.T) {
	if os.Getenv(childRoleEnv) == "write-loop" {
		runWriteLoopChild(t)
		return
	}
	dir := t.TempDir()
	if err := newTinyTrainer(tinySetup{Epochs: 1, Horizon: 2, Dir: dir}).Run(); err != nil {
		t.Fatal(err)
	}
	for _, delay := range []time.Duration{0, 3 * time.Millisecond, 11 * time.Millisecond} {
		killChild(t, "^TestKillDuringCheckpointWrite$", "write-loop", dir, delay)
		tr := newTinyTrainer(tinySetup{Epochs: 1, Dir: dir, Resume: true, InitSeed: 9})
		epoch, ok, err := tr.loadCheckpoint()
		if err != nil || !ok || epoch != 1 {
			t.Fatalf("after a kill %v into the write loop: epoch %d, ok %v, %v", delay, epoch, ok, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	leftovers := 0
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			leftovers++
		}
	}
	t.Logf("%d temporary files left by the kills", leftovers)
	straight := newTinyTrainer(tinySetup{Epochs: 2})
	if err := straight.Run(); err != nil {
		t.Fatal(err)
	}
	resumed := newTinyTrainer(tinySetup{Epochs: 2, Dir: dir, Resume: true})
	if err := resumed.Run(); err != nil {
		t.Fatal(err)
	}
	requireSameState(t, resumed, straight)
}

// runWriteLoopChild loads the checkpoint and writes it back until killed.
func runWriteLoopChild(t *testing.T) {
	dir := os.Getenv(childDirEnv)
	tr := newTinyTrainer(tinySetup{Epochs: 1, Horizon: 2, Dir: dir, Resume: true})
	epoch, ok, err := tr.loadCheckpoint()
	if err != nil || !ok {
		t.Fatalf("child: %v %v", ok, err)
	}
	for i := 0; ; i++ {
		if err := tr.saveCheckpoint(epoch); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := os.WriteFile(filepath.Join(dir, "ready"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
