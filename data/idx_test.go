package data

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReadIDXRawAndGzip(t *testing.T) {
	dir := t.TempDir()
	img := idxBytes(0x08, []uint32{3, 2, 4}, seq(24))
	lab := idxBytes(0x08, []uint32{3}, []byte{2, 0, 1})
	for _, gz := range []bool{false, true} {
		ib, lb, suffix := img, lab, ""
		if gz {
			ib, lb, suffix = gzipBytes(t, img), gzipBytes(t, lab), ".gz"
		}
		// Detection is by content, so a raw file named .gz must work too.
		ip := writeFile(t, dir, "img"+suffix+".bin", ib)
		lp := writeFile(t, dir, "lab"+suffix+".bin", lb)
		ds, err := ReadIDXPair("t", ip, lp, []string{"a", "b", "c"})
		if err != nil {
			t.Fatalf("gzip=%v: %v", gz, err)
		}
		if ds.N != 3 || ds.C != 1 || ds.H != 2 || ds.W != 4 {
			t.Fatalf("shape %d×%d×%d×%d", ds.N, ds.C, ds.H, ds.W)
		}
		if got := ds.Image(1)[3]; got != float32(11)/255 {
			t.Errorf("pixel (1,0,0,3) = %v, want 11/255", got)
		}
		if ds.Labels[0] != 2 || ds.Labels[2] != 1 {
			t.Errorf("labels %v", ds.Labels)
		}
	}
}

func TestReadIDXMalformed(t *testing.T) {
	dir := t.TempDir()
	good := idxBytes(0x08, []uint32{2, 2, 2}, seq(8))
	corruptGz := gzipBytes(t, idxBytes(0x08, []uint32{2, 2, 2}, seq(8)))
	corruptGz[len(corruptGz)-6] ^= 0xff // CRC32 in the gzip trailer
	cases := []struct {
		name  string
		bytes []byte
		want  []string
	}{
		{"empty", nil, []string{"truncated", "magic"}},
		{"badmagic", []byte{0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1}, []string{"bad magic 0x12345678", "not an IDX file"}},
		{"floats", idxBytes(0x0d, []uint32{1, 1, 1}, []byte{0, 0, 0, 0}), []string{"unsupported IDX element type 0x0d"}},
		{"labelsAsImages", idxBytes(0x08, []uint32{4}, seq(4)), []string{"bad magic 0x00000801", "need magic 0x00000803"}},
		{"zeroDims", []byte{0, 0, 8, 0}, []string{"bad dims", "0 dimensions"}},
		{"zeroSize", idxBytes(0x08, []uint32{2, 0, 2}, nil), []string{"bad dims", "size 0", "2×0×2"}},
		{"huge", idxBytes(0x08, []uint32{1 << 31, 1 << 31, 1 << 31}, nil), []string{"bad dims", "too large"}},
		{"shortHeader", []byte{0, 0, 8, 3, 0, 0, 0, 2, 0}, []string{"truncated", "header declares 3 dimensions"}},
		{"shortData", good[:len(good)-3], []string{"truncated", "2×2×2 = 8 bytes", "file has 5"}},
		{"shortDataGz", gzipBytes(t, good[:len(good)-3]), []string{"truncated", "file has 5"}},
		{"cutGzip", gzipBytes(t, good)[:20], []string{"truncated"}},
		{"corruptGzip", corruptGz, []string{"corrupt gzip"}},
		{"trailing", append(append([]byte{}, good...), 1, 2), []string{"2 trailing bytes"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, dir, c.name, c.bytes)
			_, err := ReadIDXImages(p)
			wantFormatError(t, err, p, c.want...)
		})
	}
}

func TestReadIDXLabelsMalformed(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "imgs", idxBytes(0x08, []uint32{1, 2, 2}, seq(4)))
	_, err := ReadIDXLabels(p)
	wantFormatError(t, err, p, "bad magic 0x00000803", "need magic 0x00000801")
}

func TestReadIDXPairMismatch(t *testing.T) {
	dir := t.TempDir()
	ip := writeFile(t, dir, "imgs", idxBytes(0x08, []uint32{3, 1, 1}, seq(3)))
	lp := writeFile(t, dir, "labs", idxBytes(0x08, []uint32{2}, []byte{0, 1}))
	_, err := ReadIDXPair("t", ip, lp, nil)
	wantFormatError(t, err, ip, "3 images but 2 labels", lp)

	lp = writeFile(t, dir, "labs2", idxBytes(0x08, []uint32{3}, []byte{0, 1, 10}))
	_, err = ReadIDXPair("t", ip, lp, MNISTClasses)
	wantFormatError(t, err, lp, "label 10 of sample 2", "outside [0,10)")
}

func TestReadIDXMissingFile(t *testing.T) {
	_, err := ReadIDXImages(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("want ErrNotExist, got %v", err)
	}
}
