package data

import (
	"testing"
	"time"
)

func TestFingerprint(t *testing.T) {
	b := byteDataset(6, 3, 4, 5, 3)
	ref := b.Fingerprint()
	if len(ref) != 16 || ref != byteDataset(6, 3, 4, 5, 3).Fingerprint() {
		t.Fatalf("fingerprint %q is not stable", ref)
	}
	if got := floatCopy(b).Fingerprint(); got != ref {
		t.Errorf("float32 copy of the same images: %s, want %s", got, ref)
	}
	if got := Subset(b, []int{0, 1, 2, 3, 4, 5}).Fingerprint(); got != ref {
		t.Errorf("identity view: %s, want %s", got, ref)
	}
	renamed := *b
	renamed.Name = "other"
	if renamed.Fingerprint() != ref {
		t.Error("the name changed the fingerprint")
	}
	for name, edit := range map[string]func(d *Dataset){
		"one byte":    func(d *Dataset) { d.Pixels = append([]byte(nil), d.Pixels...); d.Pixels[77]++ },
		"one label":   func(d *Dataset) { d.Labels = append([]int(nil), d.Labels...); d.Labels[2] = 0 },
		"class names": func(d *Dataset) { d.Classes = []string{"a", "b", "z"} },
		"shape":       func(d *Dataset) { d.H, d.W = 5, 4 },
		"order":       func(d *Dataset) { *d = *Subset(d, []int{1, 0, 2, 3, 4, 5}) },
		"fewer":       func(d *Dataset) { *d = *Subset(d, []int{0, 1, 2, 3, 4}) },
		"off-step float": func(d *Dataset) {
			*d = *floatCopy(d)
			d.Images[5] += 1e-3
		},
	} {
		d := *b
		edit(&d)
		if got := d.Fingerprint(); got == ref {
			t.Errorf("%s: fingerprint unchanged", name)
		}
	}
	// Values that are not 8-bit steps are hashed as float32 bits.
	f := floatCopy(b)
	f.Images[0] = 0.1234
	g := floatCopy(b)
	g.Images[0] = 0.1235
	if f.Fingerprint() == g.Fingerprint() {
		t.Error("float32 images differing in one value share a fingerprint")
	}
}

// MNIST-sized data (60000 28×28 images) must fingerprint in well under a
// second; the bound leaves room for a loaded machine.
func TestFingerprintSpeed(t *testing.T) {
	ds := &Dataset{Name: "mnist-sized", N: 60000, C: 1, H: 28, W: 28, Pixels: make([]byte, 60000*784), Labels: make([]int, 60000)}
	start := time.Now()
	ds.Fingerprint()
	if d := time.Since(start); d > time.Second {
		t.Errorf("fingerprint of 60000 28×28 images took %v", d)
	}
}
