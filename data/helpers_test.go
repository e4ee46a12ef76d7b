package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// idxBytes builds an IDX file: magic (0, 0, typ, len(dims)), dims, payload.
func idxBytes(typ byte, dims []uint32, payload []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, payload...)
}

func gzipBytes(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// seq returns n bytes 0, 1, 2, ... (mod 256).
func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// wantFormatError checks err is a *FormatError for path whose text holds
// every fragment.
func wantFormatError(t *testing.T, err error, path string, fragments ...string) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("want *FormatError, got %T %v", err, err)
	}
	if !strings.Contains(fe.Path, path) {
		t.Errorf("error names %q, want %q: %v", fe.Path, path, err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q lacks %q", err, f)
		}
	}
}

// tinyDataset is N images of C×H×W whose pixel values encode (i, c, y, x)
// so any mix-up shows, labels i%classes.
func tinyDataset(n, c, h, w, classes int) *Dataset {
	ds := &Dataset{Name: "tiny", N: n, C: c, H: h, W: w}
	for i := range n {
		for j := range c * h * w {
			ds.Images = append(ds.Images, float32(i*1000+j)/1e6)
		}
		ds.Labels = append(ds.Labels, i%classes)
	}
	for k := range classes {
		ds.Classes = append(ds.Classes, string(rune('a'+k)))
	}
	return ds
}
