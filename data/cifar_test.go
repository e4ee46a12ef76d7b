package data

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// cifarRecords builds n records; record i has label(s) labels(i) and pixel
// bytes (i+j)%256.
func cifarRecords(n int, labels func(i int) []byte) []byte {
	var b []byte
	for i := range n {
		b = append(b, labels(i)...)
		for j := range cifarPixels {
			b = append(b, byte(i+j))
		}
	}
	return b
}

func TestLoadCIFAR10(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "cifar-10-batches-bin")
	for k := 1; k <= 5; k++ {
		writeFile(t, dir, "data_batch_"+string(rune('0'+k))+".bin", cifarRecords(2, func(i int) []byte { return []byte{byte(k + i)} }))
	}
	writeFile(t, dir, "test_batch.bin", cifarRecords(3, func(i int) []byte { return []byte{9} }))
	// Both the extracted folder and its parent are accepted.
	for _, d := range []string{root, dir} {
		tr, err := LoadCIFAR10(d, true)
		if err != nil {
			t.Fatal(err)
		}
		if tr.N != 10 || tr.C != 3 || tr.H != 32 || tr.W != 32 {
			t.Fatalf("shape %d×%d×%d×%d", tr.N, tr.C, tr.H, tr.W)
		}
		// Batch 2 record 1: label 3; green plane starts at byte 1024.
		if tr.Labels[3] != 3 || tr.Image(3)[1024] != float32((1+1024)%256)/255 {
			t.Errorf("labels %v, pixel %v", tr.Labels, tr.Image(3)[1024])
		}
		if tr.Classes[0] != "airplane" {
			t.Errorf("classes %v", tr.Classes)
		}
	}
	te, err := LoadCIFAR10(root, false)
	if err != nil || te.N != 3 || te.Labels[2] != 9 {
		t.Fatalf("test split: %v %+v", err, te)
	}
}

func TestLoadCIFAR100(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "train.bin", cifarRecords(4, func(i int) []byte { return []byte{19, byte(90 + i)} }))
	names := strings.Repeat("x\n", 99) + "last\n"
	writeFile(t, dir, "fine_label_names.txt", []byte(names))
	ds, err := LoadCIFAR100(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if ds.N != 4 || ds.Labels[3] != 93 || ds.Classes[99] != "last" {
		t.Errorf("N=%d labels=%v class99=%q", ds.N, ds.Labels, ds.Classes[99])
	}
	if len(CIFAR100Classes) != 100 || CIFAR100Classes[99] != "worm" {
		t.Errorf("built-in CIFAR-100 names: %d", len(CIFAR100Classes))
	}
}

func TestCIFARMalformed(t *testing.T) {
	rec10 := cifarRecords(2, func(int) []byte { return []byte{1} })
	cases := []struct {
		name  string
		c100  bool
		bytes []byte
		want  []string
	}{
		{"empty", false, nil, []string{"empty file"}},
		{"truncated", false, rec10[:len(rec10)-5], []string{"truncated", "not a whole number of 3073-byte CIFAR-10 records", "1 full records + 3068 bytes"}},
		{"label", false, cifarRecords(1, func(int) []byte { return []byte{10} }), []string{"record 0: label 10 outside [0,10)"}},
		{"cifar10as100", true, rec10, []string{"not a whole number of 3074-byte CIFAR-100 records"}},
		{"coarse", true, cifarRecords(1, func(int) []byte { return []byte{20, 1} }), []string{"coarse label 20"}},
		{"fine", true, cifarRecords(1, func(int) []byte { return []byte{1, 100} }), []string{"label 100 outside [0,100)"}},
	}
	for _, c := range cases {
		parse := ParseCIFAR10
		if c.c100 {
			parse = ParseCIFAR100
		}
		_, err := parse(bytes.NewReader(c.bytes), "batch-"+c.name)
		wantFormatError(t, err, "batch-"+c.name, c.want...)
	}

	// A malformed file inside a data set directory is named by its path.
	dir := t.TempDir()
	p := writeFile(t, dir, "test_batch.bin", rec10[:100])
	_, err := LoadCIFAR10(dir, false)
	wantFormatError(t, err, p, "truncated")
}

func TestCIFARNotFound(t *testing.T) {
	dir := t.TempDir()
	for _, load := range []func(string, bool) (*Dataset, error){LoadCIFAR10, LoadCIFAR100} {
		for _, d := range []string{dir, ""} {
			_, err := load(d, true)
			if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "--data DIR") {
				t.Errorf("load(%q): %v", d, err)
			}
		}
	}
}
