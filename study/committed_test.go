package study

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommittedTablesAgreeWithTheirCells: every study committed under
// studies/ has the table that merging its committed cell files gives, and
// the README shows that table's main rows — so no number in them can
// drift from the results it claims to summarise.
func TestCommittedTablesAgreeWithTheirCells(t *testing.T) {
	plans, _ := filepath.Glob(filepath.Join("..", "studies", "*", "plan.json"))
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range plans {
		dir := filepath.Dir(path)
		p, err := ReadPlan(path)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := ReadResults(filepath.Join(dir, "cells"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			continue
		}
		s, err := Merge(p, rs)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		want := s.Markdown()
		got, err := os.ReadFile(filepath.Join(dir, "table.md"))
		if err != nil {
			t.Fatalf("%s: cell results without a table (run \"modeldoctor study merge --plan %s\"): %v", dir, path, err)
		}
		if string(got) != want {
			t.Errorf("%s/table.md is not what merging its %d cells gives: rerun \"modeldoctor study merge --plan %s\"", dir, len(rs), path)
		}
		if !strings.Contains(string(readme), s.MainTable()) {
			t.Errorf("README.md does not show the main table of %s/table.md as it is:\n%s", dir, s.MainTable())
		}
	}
}
