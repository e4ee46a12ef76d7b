package data

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// byteDataset is tinyDataset's shape with every byte value 0..255 used:
// 8-bit storage, and floatCopy gives the same images as float32.
func byteDataset(n, c, h, w, classes int) *Dataset {
	ds := tinyDataset(n, c, h, w, classes)
	ds.Images = nil
	for j := range n * c * h * w {
		ds.Pixels = append(ds.Pixels, byte(j*7+j/3))
	}
	return ds
}

func floatCopy(ds *Dataset) *Dataset {
	f := *ds
	f.Pixels, f.Images = nil, nil
	for _, v := range ds.Pixels {
		f.Images = append(f.Images, float32(v)/255)
	}
	return &f
}

// The loader, Stats and Image give the same bits for 8-bit storage as for
// the float32 copy the loaders used to build: results from MNIST, CIFAR
// and image folders do not move.
func TestByteStorageMatchesFloat(t *testing.T) {
	b := byteDataset(13, 3, 5, 4, 3)
	f := floatCopy(b)
	for _, ds := range []*Dataset{b, f} {
		if err := ds.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range b.N {
		if got, want := b.Image(i), f.Image(i); !slices.Equal(got, want) {
			t.Fatalf("image %d: %v, want %v", i, got[:4], want[:4])
		}
	}
	for _, tr := range []Transform{nil, augment, Normalize{Mean: []float32{0.5}, Std: []float32{0.25}}} {
		opts := LoaderOptions{BatchSize: 4, Shuffle: true, Seed: 3, Transform: tr, Workers: 2}
		if got, want := collect(NewLoader(b, opts), 1, 0), collect(NewLoader(f, opts), 1, 0); !reflect.DeepEqual(got, want) {
			t.Errorf("transform %T: 8-bit and float32 storage give different batches", tr)
		}
	}
	bm, bs := Stats(b)
	fm, fs := Stats(f)
	if !slices.Equal(bm, fm) || !slices.Equal(bs, fs) {
		t.Errorf("Stats: 8-bit %v %v, float32 %v %v", bm, bs, fm, fs)
	}
	// A view reads through its index in either storage.
	for _, ds := range []*Dataset{b, f} {
		v := Subset(ds, []int{12, 0, 5})
		if !slices.Equal(v.Image(0), ds.Image(12)) || !slices.Equal(v.Image(2), ds.Image(5)) {
			t.Errorf("%d-byte view reads the wrong images", len(ds.Pixels))
		}
	}
}

func TestImageIsACopy(t *testing.T) {
	ds := tinyDataset(2, 1, 2, 2, 2)
	ds.Image(1)[0] = -1
	if ds.Images[4] == -1 {
		t.Error("writing to Image(i) changed the data set")
	}
}

func TestValidateStorage(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		edit       func(d *Dataset)
	}{
		{"both storages", "both 8-bit Pixels", func(d *Dataset) { d.Images = make([]float32, len(d.Pixels)) }},
		{"short pixels", "image values, want", func(d *Dataset) { d.Pixels = d.Pixels[1:] }},
		{"ragged view", "whole number", func(d *Dataset) { d.Index = []int{0, 1, 2}; d.Pixels = d.Pixels[1:] }},
		{"short index", "index entries", func(d *Dataset) { d.Index = []int{0} }},
		{"index out of range", "stored image 3 outside [0,3)", func(d *Dataset) { d.Index = []int{0, 3, 1} }},
	} {
		d := byteDataset(3, 1, 2, 2, 2)
		tc.edit(d)
		if err := d.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to say %q", tc.name, err, tc.want)
		}
	}
}
