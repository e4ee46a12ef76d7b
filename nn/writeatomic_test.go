package nn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFileAtomicErrorsNameThePath: a failed write names the file the
// caller asked for, never the hidden temporary file.
func TestWriteFileAtomicErrorsNameThePath(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "sift.json")
	if err := os.Mkdir(target, 0o755); err != nil { // rename over a directory fails
		t.Fatal(err)
	}
	for _, path := range []string{target, filepath.Join(dir, "missing", "x.json")} {
		err := WriteFileAtomic(path, []byte("{}"))
		if err == nil {
			t.Fatalf("%s: no error", path)
		}
		if !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), ".tmp") {
			t.Errorf("%s: error %q should name the path and not the temporary file", path, err)
		}
	}
}
