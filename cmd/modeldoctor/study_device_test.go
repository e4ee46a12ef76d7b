package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// A cell keeps the device it started on: the same device continues it,
// another is refused with a line naming both and the way out.
func TestCellKeepsItsDevice(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lenet-w1-mnist-s1")
	if err := pinCellDevice(dir, ""); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "device")); err != nil || string(b) != "cpu\n" {
		t.Fatalf("recorded %q, %v; want the host", b, err)
	}
	if err := pinCellDevice(dir, tensor.Host); err != nil {
		t.Errorf("the same device refused: %v", err)
	}
	err := pinCellDevice(dir, "cuda:0")
	if err == nil || !strings.Contains(err.Error(), "started on cpu and would continue on cuda:0") || !strings.Contains(err.Error(), "delete "+dir) {
		t.Errorf("another device: %v", err)
	}
}
