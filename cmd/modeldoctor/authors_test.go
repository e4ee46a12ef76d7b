package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuthorsWeightsPredictAsInPyTorch: a simplecnn trained in PyTorch
// with the authors' Fashion-MNIST pipeline (zoo/testdata/authors), loaded
// from its .pth and its .safetensors by the command line with
// --preprocess authors, predicts PyTorch's class for every one of the
// fixture's 200 test images. The test split's labels are PyTorch's
// predictions, so agreement reads as 100% accuracy.
func TestAuthorsWeightsPredictAsInPyTorch(t *testing.T) {
	fixture := filepath.Join("..", "..", "zoo", "testdata", "authors")
	var pred struct {
		Classes []int `json:"classes"`
	}
	readJSON(t, filepath.Join(fixture, "predictions.json"), &pred)
	images, err := os.ReadFile(filepath.Join(fixture, "images-idx3-ubyte"))
	must(t, err)
	dir := t.TempDir()
	labels := binary.BigEndian.AppendUint32(nil, 0x801)
	labels = binary.BigEndian.AppendUint32(labels, uint32(len(pred.Classes)))
	for _, c := range pred.Classes {
		labels = append(labels, byte(c))
	}
	for _, split := range []string{"train", "t10k"} {
		must(t, os.WriteFile(filepath.Join(dir, split+"-images-idx3-ubyte"), images, 0o644))
		must(t, os.WriteFile(filepath.Join(dir, split+"-labels-idx1-ubyte"), labels, 0o644))
	}
	for _, w := range []string{"simplecnn.pth", "simplecnn.safetensors"} {
		weights, err := filepath.Abs(filepath.Join(fixture, w))
		must(t, err)
		args := []string{"eval", "--dataset", "fashion-mnist", "--data", dir, "--model", "simplecnn", "--width", "0.5",
			"--preprocess", "authors", "--weights", weights}
		r := cli(t, dir, args...)
		if r.status != 0 || !strings.Contains(r.stdout, "accuracy 100.00% (200 images)") {
			t.Errorf("%s: status %d, want PyTorch's class for all 200 images:\n%s%s", w, r.status, r.stdout, r.stderr)
		}
	}
}
