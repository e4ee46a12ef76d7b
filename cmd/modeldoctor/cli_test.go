package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The CLI tests run the command line as a user does, in a child process
// (this test binary re-executed with runMainEnv set), so exit statuses,
// standard error and panics are observed as they would be.
const runMainEnv = "MODELDOCTOR_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) != "" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

type cliResult struct {
	status         int
	stdout, stderr string
}

// cli runs modeldoctor with args in dir.
func cli(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	// A refused command returns at once; one that wrongly starts a long
	// run is stopped rather than left to hang the suite.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return cliResult{status, out.String(), errb.String()}
}

// requireOneLineError checks a refused command line: status 1, one line
// on standard error naming want, no stack trace.
func requireOneLineError(t *testing.T, r cliResult, args []string, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	switch {
	case r.status != 1:
		t.Errorf("%v: exit status %d, want 1 (stderr %q)", args, r.status, r.stderr)
	case len(lines) != 1:
		t.Errorf("%v: %d lines on stderr, want 1:\n%s", args, len(lines), r.stderr)
	case strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "internal error"):
		t.Errorf("%v: a panic reached the user:\n%s", args, r.stderr)
	case !strings.Contains(r.stderr, want):
		t.Errorf("%v: error %q does not mention %q", args, strings.TrimSpace(r.stderr), want)
	}
}

// requireLastLineError checks a command that failed after it began work
// (and may have printed progress): status 1, the last line of standard
// error naming want, no stack trace.
func requireLastLineError(t *testing.T, r cliResult, args []string, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	switch {
	case r.status != 1:
		t.Errorf("%v: exit status %d, want 1 (stderr %q)", args, r.status, r.stderr)
	case strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "internal error"):
		t.Errorf("%v: a panic reached the user:\n%s", args, r.stderr)
	case !strings.Contains(last, want):
		t.Errorf("%v: last line %q does not mention %q", args, last, want)
	}
}

// TestBadInputsAreOneLine: every plausible mistake is refused with exit
// status 1 and one line naming the flag or file, before any training.
func TestBadInputsAreOneLine(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	must(t, os.WriteFile(notDir, []byte("x"), 0o644))
	pth := filepath.Join(dir, "bad.pth")
	must(t, os.WriteFile(pth, []byte("PK\x03\x04 not really a zip"), 0o644))
	quick := []string{"--limit", "100", "--epochs", "1"}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", "--model", "lenet", "--size", "28", "--limit", "100"}, "--size 28"},
		{[]string{"train", "--model", "nope"}, "--model"},
		{[]string{"train", "--dataset", "imagenet"}, "--dataset"},
		{[]string{"train", "--batch", "0"}, "--batch"},
		{[]string{"train", "--workers", "0"}, "--workers"},
		{[]string{"train", "--limit", "-5"}, "--limit"},
		{[]string{"train", "--width", "0", "--model", "mobilenetv2"}, "--width"},
		{[]string{"train", "--width", "0.5", "--model", "lenet"}, "--width"},
		{[]string{"train", "--epochs", "0"}, "--epochs"},
		{[]string{"train", "--lr", "-1"}, "--lr"},
		{[]string{"train", "--schedule", "bogus"}, "--schedule"},
		{[]string{"train", "--mean", "0.1"}, "--std"},
		{[]string{"train", "--mean", "x", "--std", "1"}, "--mean"},
		{[]string{"train", "--preprocess", "imagenet"}, "--preprocess"},
		{[]string{"train", "--preprocess", "authors", "--size", "64"}, "--size"},
		{[]string{"train", "--in-channels", "2", "--limit", "100"}, "--in-channels"},
		{[]string{"train", "--seed", "one"}, "-seed"},
		{[]string{"train", "--nonsense"}, "-nonsense"},
		{[]string{"train", "lenet"}, "unexpected argument \"lenet\""},
		{append([]string{"train", "--out", filepath.Join(notDir, "sub")}, quick...), "--out"},
		{[]string{"eval"}, "--weights"},
		{[]string{"eval", "--weights", filepath.Join(dir, "missing.safetensors")}, "missing.safetensors"},
		{[]string{"eval", "--weights", pth, "--limit", "100"}, "bad.pth"},
		{[]string{"sift", "--n", "-3", "--weights", "w.safetensors"}, "--n"},
		{[]string{"sift", "--theta", "5", "--weights", "w.safetensors"}, "--theta"},
		{[]string{"sift", "--val", "1.5", "--weights", "w.safetensors"}, "--val"},
		{[]string{"sift"}, "--weights"},
		{[]string{"treat", "--weights", "w.safetensors", "--schedule", "constantly"}, "--schedule"},
		{[]string{"treat", "--weights", "w.safetensors", "--alpha", "-1"}, "--alpha"},
		{[]string{"treat", "--weights", "w.safetensors", "--beta", "1"}, "--masks"},
		{[]string{"treat", "--weights", "w.safetensors", "--masks", "auto"}, "--beta"},
		{[]string{"train", "--dataset", "folder:x", "--data", "y"}, "--data"},
		{[]string{"diagnose", "--weights", "w.safetensors", "--n-low", "-1"}, "--n-low"},
		{[]string{"study"}, "study plan"},
		{[]string{"study", "frobnicate"}, "unknown command"},
		{[]string{"study", "plan", "--seeds", "one"}, "--seeds"},
		{[]string{"study", "plan", "--seeds", "3-1"}, "--seeds"},
		{[]string{"study", "plan", "--alphas", "0"}, "--alphas"},
		{[]string{"study", "plan", "--models", "nope"}, "--models"},
		{[]string{"study", "plan", "--models", "lenet:0.5"}, "width"},
		{[]string{"study", "plan", "--datasets", "imagenet"}, "--datasets"},
		{[]string{"study", "plan", "--val", "0"}, "val_fraction"},
		{[]string{"study", "plan", "extra"}, "unexpected argument"},
		{[]string{"study", "run"}, "--plan"},
		{[]string{"study", "run", "--plan", filepath.Join(dir, "missing.json")}, "missing.json"},
		{[]string{"study", "run", "--plan", notDir}, "not a study plan"},
		{[]string{"study", "merge"}, "--plan"},
		{[]string{"study", "status"}, "--plan"},
		{[]string{"study", "status", "--plan", filepath.Join(dir, "missing.json")}, "missing.json"},
		{[]string{"demo", "--pretrain-epochs", "0"}, "--pretrain-epochs"},
		{[]string{"zoo", "--size", "0"}, "--size"},
		{[]string{"zoo", "--size", "100000", "lenet"}, "--size"},
		{[]string{"zoo", "--classes", "1000000000", "lenet"}, "--classes"},
		{[]string{"zoo", "--depth", "-1", "lenet"}, "--depth"},
		{[]string{"train", "--out", ""}, "--out"},
		{[]string{"train", "--mean", "NaN", "--std", "1"}, "--mean"},
		{[]string{"train", "--mean", "0.1", "--std", "0"}, "--std"},
		{[]string{"train", "--mean", "0.1", "--std", "Inf"}, "--std"},
		{[]string{"train", "--preprocess", "authors", "--dataset", "folder:x"}, "--preprocess"},
		{[]string{"train", "--size", "5000"}, "--size"},
		{[]string{"sift", "--weights", "missing.safetensors"}, "missing.safetensors"},
		{[]string{"sift", "--weights", pth, "--layer", "nope", "--limit", "100"}, "--layer"},
		{[]string{"bench"}, "bench kernels"},
		{[]string{"bench", "kernels", "--reps", "0"}, "-reps"},
		{[]string{"frobnicate"}, "unknown command"},
	}
	for _, c := range cases {
		requireOneLineError(t, cli(t, dir, c.args...), c.args, c.want)
	}
}

// TestHelpExitsZero: -h and --help print the usage on standard output and
// exit 0 for every command and subcommand.
func TestHelpExitsZero(t *testing.T) {
	dir := t.TempDir()
	runs := [][]string{{"help"}, {"-h"}, {"--help"}, {"bench", "-h"}, {"study", "-h"}, {"study", "--help"}}
	for _, name := range sortedNames(commands) {
		for _, h := range []string{"-h", "--help"} {
			runs = append(runs, append(strings.Fields(name), h))
		}
	}
	for _, args := range runs {
		r := cli(t, dir, args...)
		if r.status != 0 || r.stderr != "" || !strings.Contains(r.stdout, "Usage") {
			t.Errorf("%v: status %d, stderr %q, stdout %.80q", args, r.status, r.stderr, r.stdout)
		}
	}
}

// writeFolder makes ROOT/SPLIT/CLASS/i.png images of 8×8 gray levels.
func writeFolder(t *testing.T, root, split string, classes ...string) {
	for k, c := range classes {
		d := filepath.Join(root, split, c)
		must(t, os.MkdirAll(d, 0o755))
		for i := range 3 {
			img := image.NewGray(image.Rect(0, 0, 8, 8))
			for p := range img.Pix {
				img.Pix[p] = uint8(40*k + 7*i + p)
			}
			f, err := os.Create(filepath.Join(d, fmt.Sprintf("%d.png", i)))
			must(t, err)
			must(t, png.Encode(f, img))
			must(t, f.Close())
		}
	}
	_ = color.Gray{}
}

// TestImageFolderClassesMatchByName: a test split with a class the
// training split lacks is refused, naming the class, before training.
func TestImageFolderClassesMatchByName(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "imgs")
	writeFolder(t, root, "train", "cat", "dog")
	writeFolder(t, root, "test", "cat", "emu")
	args := []string{"train", "--dataset", "folder:" + root, "--epochs", "1", "--out", filepath.Join(dir, "out")}
	requireOneLineError(t, cli(t, dir, args...), args, "emu")

	one := filepath.Join(dir, "one")
	writeFolder(t, one, "train", "cat")
	writeFolder(t, one, "test", "cat")
	args = []string{"train", "--dataset", "folder:" + one, "--epochs", "1", "--out", filepath.Join(dir, "out")}
	requireOneLineError(t, cli(t, dir, args...), args, "at least 2")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// readJSON decodes a JSON file into v.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	must(t, json.Unmarshal(b, v))
}
