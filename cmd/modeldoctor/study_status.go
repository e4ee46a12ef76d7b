package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/modeldoctor/modeldoctor/study"
)

func init() {
	commands["study status"] = command{"say how far each cell of a plan has got, from its result and work files", runStudyStatus}
}

func runStudyStatus(args []string) error {
	fs := newFlagSet("study status")
	planPath := fs.String("plan", "", "the plan file")
	results := fs.String("results", "", "directory of the cell result files (default: cells/ beside the plan)")
	work := fs.String("work", "", "directory of checkpoints and intermediate files (default: runs/study/NAME)")
	if err := parse(fs, args); err != nil {
		return err
	}
	plan, err := openPlan(*planPath, results)
	if err != nil {
		return err
	}
	if *work == "" {
		*work = filepath.Join("runs", "study", plan.Name)
	}
	return writeStatus(os.Stdout, plan, *results, *work, time.Now())
}

// writeStatus prints one line per cell and a count. It reads files only:
// it takes no lock, so it can never keep a running cell from its own.
func writeStatus(w io.Writer, plan *study.Plan, results, work string, now time.Time) error {
	lines := make([]string, len(plan.Cells))
	var done, started int
	for i, c := range plan.Cells {
		if r, err := study.ReadResult(study.ResultPath(results, c)); err == nil && r.Matches(plan, c) {
			done++
			lines[i] = "done"
			continue
		}
		p, ok := cellProgress(filepath.Join(work, c.ID()), c, plan.Protocol, now)
		if ok {
			started++
		}
		lines[i] = p
	}
	fmt.Fprintf(w, "plan %s: %d cells; %d done, %d started, %d not started\n", plan.Name, len(plan.Cells), done, started, len(plan.Cells)-done-started)
	for i, c := range plan.Cells {
		fmt.Fprintf(w, "%3d  %-36s %s\n", i, c.ID(), lines[i])
	}
	return nil
}

// cellProgress says which stage an unfinished cell's work directory has
// reached — the epochs each run's metrics file records, the doctor's
// files — and how long ago it last wrote there (a cell written to a
// minute ago is likely running; one untouched for hours was stopped).
func cellProgress(dir string, c study.Cell, pr study.Protocol, now time.Time) (string, bool) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return "not started", false
	}
	var last time.Time
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.ModTime().After(last) {
			last = info.ModTime()
		}
	}
	since := fmt.Sprintf("; last write %s ago", now.Sub(last).Round(time.Second))
	epochs := c.Pretraining(pr)
	if k := epochsLogged(filepath.Join(dir, "pretrained.metrics.jsonl")); k < epochs {
		return fmt.Sprintf("pre-training, %d of %d epochs%s", k, epochs, since), true
	}
	if _, err := os.Stat(filepath.Join(dir, "diagnosis.json")); err != nil {
		return "sifting and diagnosing" + since, true
	}
	// The runs go in order, and one that diverges stops early without
	// weights while the cell goes on: the current run is the first
	// unfinished one from the last that has logged an epoch (a diverged
	// run still shows until the next one logs its first epoch).
	runs := pr.Runs()
	logged := make([]int, len(runs))
	cur := 0
	for i, run := range runs {
		if logged[i] = epochsLogged(filepath.Join(dir, run.Name()+".metrics.jsonl")); logged[i] > 0 {
			cur = i
		}
	}
	for i := cur; i < len(runs); i++ {
		run := runs[i]
		want := pr.FinetuneEpochs
		if run.Arm == "scratch-md" {
			want = epochs
		}
		if _, err := os.Stat(filepath.Join(dir, run.Name()+".safetensors")); err != nil && logged[i] < want {
			return fmt.Sprintf("run %d of %d (%s), %d of %d epochs%s", i+1, len(runs), run.Name(), logged[i], want, since), true
		}
	}
	return "every run finished, no result file yet" + since, true
}

// epochsLogged counts the lines of a metrics file, one per finished epoch.
func epochsLogged(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte("\n"))
}
