package data

import (
	"bytes"
	"testing"
)

// The parsers take untrusted files: whatever the bytes, they must return a
// consistent result or an error, never panic or over-allocate. The seed
// corpus lives in testdata/fuzz/<FuzzName>/; `go test` replays it, and
// `go test -fuzz FuzzReadIDX ./data/` explores further.

func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(0x08, []uint32{2, 2, 3}, seq(12)))
	f.Add(idxBytes(0x08, []uint32{3}, []byte{1, 2, 3}))
	f.Add(gzipBytes(f, idxBytes(0x08, []uint32{1, 2, 2}, seq(4))))
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := ParseIDX(bytes.NewReader(b), "fuzz"); err == nil {
			n := 1
			for _, d := range a.Dims {
				n *= d
			}
			if n != len(a.Data) {
				t.Fatalf("dims %v but %d bytes", a.Dims, len(a.Data))
			}
		}
		if ds, err := ParseIDXImages(bytes.NewReader(b), "fuzz"); err == nil && len(ds.Pixels) != ds.N*ds.H*ds.W {
			t.Fatalf("%d×%d×%d images but %d values", ds.N, ds.H, ds.W, len(ds.Pixels))
		}
		if l, err := ParseIDXLabels(bytes.NewReader(b), "fuzz"); err == nil && len(l) == 0 {
			t.Fatal("no labels and no error")
		}
	})
}

func FuzzReadCIFAR(f *testing.F) {
	f.Add(false, cifarRecords(1, func(int) []byte { return []byte{3} }))
	f.Add(true, cifarRecords(1, func(int) []byte { return []byte{3, 42} }))
	f.Add(false, []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, c100 bool, b []byte) {
		parse := ParseCIFAR10
		if c100 {
			parse = ParseCIFAR100
		}
		ds, err := parse(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		if err := ds.Validate(); err != nil {
			t.Fatal(err)
		}
	})
}
