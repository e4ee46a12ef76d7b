package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/modeldoctor/modeldoctor/study"
)

// TestStudyScalesOutAndResumes: a two-cell plan run as two concurrent
// processes on one output tree merges to the same table, byte for byte, as
// a serial run; and a cell killed (SIGKILL) in the middle of a fine-tuning
// run and started again writes the same result file.
func TestStudyScalesOutAndResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")
	ok := func(args ...string) {
		t.Helper()
		if r := cli(t, dir, args...); r.status != 0 {
			t.Fatalf("%v: status %d\n%s", args, r.status, r.stderr)
		}
	}
	ok("study", "plan", "--name", "t", "--models", "lenet", "--datasets", "mnist", "--seeds", "1-2", "--alphas", "1",
		"--lr-factors", "1", "--pretrain-epochs", "1", "--finetune-epochs", "2", "--limit", "600", "--batch", "50",
		"--n", "5", "--n-low", "2", "--feature-noise", "1", "--scratch", "--out", plan)
	p, err := study.ReadPlan(plan)
	must(t, err)
	tree := func(name string) (results, work string) {
		return filepath.Join(dir, name, "cells"), filepath.Join(dir, name, "work")
	}

	// Two cells at once on one tree.
	res, work := tree("parallel")
	var cmds []*exec.Cmd
	for _, cell := range []string{"0", "1"} {
		c := exec.Command(os.Args[0], "study", "run", "--plan", plan, "--cell", cell, "--results", res, "--work", work)
		c.Env, c.Dir = append(os.Environ(), runMainEnv+"=1"), dir
		var errb bytes.Buffer
		c.Stderr = &errb
		must(t, c.Start())
		cmds = append(cmds, c)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("cell %s:\n%s", cell, errb.String())
			}
		})
	}
	for _, c := range cmds {
		must(t, c.Wait())
	}
	ok("study", "merge", "--plan", plan, "--results", res, "--out", filepath.Join(dir, "parallel"))

	// The same cells one after the other, on another tree.
	sres, swork := tree("serial")
	ok("study", "run", "--plan", plan, "--results", sres, "--work", swork)
	ok("study", "merge", "--plan", plan, "--results", sres, "--out", filepath.Join(dir, "serial"))
	for _, f := range []string{"table.md", "table.json"} {
		requireSameFile(t, filepath.Join(dir, "parallel", f), filepath.Join(dir, "serial", f))
	}
	table, err := os.ReadFile(filepath.Join(dir, "serial", "table.md"))
	must(t, err)
	for _, want := range []string{"noise at the doctor layer − control", "Model Doctor from scratch (α = 1)"} {
		if !bytes.Contains(table, []byte(want)) {
			t.Errorf("table.md lacks the optional arm %q", want)
		}
	}
	for _, c := range p.Cells {
		requireSameFile(t, study.ResultPath(res, c), study.ResultPath(sres, c))
	}
	// A finished cell is skipped.
	r := cli(t, dir, "study", "run", "--plan", plan, "--cell", "0", "--results", sres, "--work", swork)
	if r.status != 0 || !bytes.Contains([]byte(r.stderr), []byte("done")) {
		t.Errorf("rerunning a finished cell: status %d\n%s", r.status, r.stderr)
	}

	// Kill cell 0 once its control run has a checkpoint, then run it again.
	kres, kwork := tree("killed")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, os.Args[0], "study", "run", "--plan", plan, "--cell", "0", "--results", kres, "--work", kwork)
	c.Env, c.Dir = append(os.Environ(), runMainEnv+"=1"), dir
	must(t, c.Start())
	ckpt := filepath.Join(kwork, p.Cells[0].ID(), "control-lr0.05.checkpoint.safetensors")
	for {
		if _, err := os.Stat(ckpt); err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the control run never wrote a checkpoint")
		}
		time.Sleep(20 * time.Millisecond)
	}
	must(t, c.Process.Signal(syscall.SIGKILL))
	_ = c.Wait()
	if _, err := os.Stat(study.ResultPath(kres, p.Cells[0])); err == nil {
		t.Fatal("the cell finished before it was killed; the test needs a slower cell")
	}
	ok("study", "run", "--plan", plan, "--cell", "0", "--results", kres, "--work", kwork)
	requireSameFile(t, study.ResultPath(kres, p.Cells[0]), study.ResultPath(sres, p.Cells[0]))
}

func requireSameFile(t *testing.T, a, b string) {
	t.Helper()
	x, err := os.ReadFile(a)
	must(t, err)
	y, err := os.ReadFile(b)
	must(t, err)
	if !bytes.Equal(x, y) {
		t.Errorf("%s and %s differ", a, b)
	}
}
