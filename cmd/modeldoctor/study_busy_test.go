//go:build unix

package main

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/modeldoctor/modeldoctor/study"
)

// A cell another process holds is skipped when running all cells (so
// workers can share a plan) and an error when named with --cell.
func TestStudyRunSkipsABusyCell(t *testing.T) {
	dir := t.TempDir()
	cells, err := study.Grid([]string{"lenet"}, []string{"mnist"}, []uint64{1})
	must(t, err)
	planPath := filepath.Join(dir, "plan.json")
	must(t, study.WritePlan(planPath, &study.Plan{Name: "t", Protocol: study.DefaultProtocol(), Cells: cells}))
	work := filepath.Join(dir, "work")
	unlock, err := lockCell(filepath.Join(work, cells[0].ID()+".lock"))
	must(t, err)
	defer unlock()
	args := []string{"--plan", planPath, "--work", work}
	if err := runStudyRun(args); err != nil {
		t.Errorf("all cells, one busy: %v", err)
	}
	if err := runStudyRun(append(args, "--cell", "0")); !errors.Is(err, errCellBusy) {
		t.Errorf("--cell 0 while busy: %v, want errCellBusy", err)
	}
}
