package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modeldoctor/modeldoctor/study"
)

// The status of a cell follows its work files through every stage.
func TestStudyStatusFollowsTheStages(t *testing.T) {
	pr := study.DefaultProtocol()
	pr.PretrainEpochs, pr.FinetuneEpochs, pr.LRFactors, pr.Alphas = 2, 3, []float64{1}, []float64{1, 10}
	cells, err := study.Grid([]string{"lenet"}, []string{"mnist"}, []uint64{1, 2})
	must(t, err)
	plan := &study.Plan{Name: "t", Protocol: pr, Cells: cells}
	root := t.TempDir()
	results, work := filepath.Join(root, "cells"), filepath.Join(root, "work")
	dir := filepath.Join(work, cells[0].ID())
	must(t, os.MkdirAll(dir, 0o755))
	write := func(name string, lines int) {
		t.Helper()
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(strings.Repeat("{}\n", lines)), 0o644))
	}
	status := func() string {
		t.Helper()
		var b bytes.Buffer
		must(t, writeStatus(&b, plan, results, work, time.Now()))
		return b.String()
	}
	write("pretrained.metrics.jsonl", 1)
	for _, step := range []struct {
		do   func()
		want string
	}{
		{func() {}, "pre-training, 1 of 2 epochs"},
		{func() { write("pretrained.metrics.jsonl", 2) }, "sifting and diagnosing"},
		{func() { write("diagnosis.json", 1) }, "run 1 of 3 (control-lr0.05), 0 of 3 epochs"},
		{func() { write("control-lr0.05.metrics.jsonl", 3); write("md-a1-lr0.05.metrics.jsonl", 2) }, "run 2 of 3 (md-a1-lr0.05), 2 of 3 epochs"},
		// md-a1 diverged in its third epoch: no weights, and the cell went on
		{func() { write("md-a10-lr0.05.metrics.jsonl", 1) }, "run 3 of 3 (md-a10-lr0.05), 1 of 3 epochs"},
		{func() { write("md-a10-lr0.05.metrics.jsonl", 3) }, "every run finished"},
	} {
		step.do()
		got := status()
		if !strings.Contains(got, step.want) || !strings.Contains(got, "1 started, 1 not started") {
			t.Errorf("want %q in\n%s", step.want, got)
		}
	}
}
