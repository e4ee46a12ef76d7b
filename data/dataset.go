package data

import "fmt"

// Dataset is a labelled image set held in memory: N images of C×H×W, CHW
// per image, values in [0, 1].
//
// The pixels live in one of two storages, image j of the storage at
// [j*C*H*W, (j+1)*C*H*W):
//   - Pixels holds 8-bit values, value = byte/255. MNIST, CIFAR and image
//     folders that need no resizing arrive this way, so keeping the bytes
//     costs a quarter of float32 and converting per batch gives the very
//     floats a float32 copy would hold.
//   - Images holds float32 values, for images that are not 8-bit: image
//     folders resized at load time (bilinear values fall between the
//     1/255 steps) and synthetic sets.
//
// At most one of them is non-empty.
//
// Index, when not nil, makes the Dataset a view: sample i is stored image
// Index[i]. Subset builds views, so limits and train/validation splits
// share their parent's pixels instead of copying them. Read images with
// CopyImage or Image, which honour Index and both storages.
type Dataset struct {
	Name       string
	Pixels     []uint8
	Images     []float32
	Index      []int
	Labels     []int
	N, C, H, W int
	Classes    []string // class names; label l names Classes[l]
}

// ImageSize is the number of values in one image (C*H*W).
func (d *Dataset) ImageSize() int { return d.C * d.H * d.W }

// stored returns the storage position of sample i.
func (d *Dataset) stored(i int) int {
	if d.Index != nil {
		return d.Index[i]
	}
	return i
}

// CopyImage writes sample i as float32 into dst[:ImageSize()].
func (d *Dataset) CopyImage(dst []float32, i int) {
	sz := d.ImageSize()
	s := d.stored(i) * sz
	dst = dst[:sz]
	if len(d.Pixels) > 0 {
		for j, v := range d.Pixels[s : s+sz] {
			dst[j] = byteUnit[v]
		}
		return
	}
	copy(dst, d.Images[s:s+sz])
}

// Image returns sample i as a new float32 slice (a copy: writing to it
// does not change the Dataset).
func (d *Dataset) Image(i int) []float32 {
	out := make([]float32, d.ImageSize())
	d.CopyImage(out, i)
	return out
}

// Validate checks that the fields agree with each other. Loaders call it
// before returning, so code that receives a Dataset can trust its shape.
func (d *Dataset) Validate() error {
	if d.N < 0 || d.C <= 0 || d.H <= 0 || d.W <= 0 {
		return fmt.Errorf("data: dataset %q: bad shape N=%d C=%d H=%d W=%d", d.Name, d.N, d.C, d.H, d.W)
	}
	if len(d.Pixels) > 0 && len(d.Images) > 0 {
		return fmt.Errorf("data: dataset %q: both 8-bit Pixels (%d) and float32 Images (%d) are set; keep one", d.Name, len(d.Pixels), len(d.Images))
	}
	sz := d.ImageSize()
	values := len(d.Pixels) + len(d.Images)
	switch {
	case d.Index == nil && values != d.N*sz:
		return fmt.Errorf("data: dataset %q: %d image values, want N*C*H*W = %d", d.Name, values, d.N*sz)
	case d.Index != nil && values%sz != 0:
		return fmt.Errorf("data: dataset %q: %d image values is not a whole number of %d-value images", d.Name, values, sz)
	case d.Index != nil && len(d.Index) != d.N:
		return fmt.Errorf("data: dataset %q: %d index entries for %d samples", d.Name, len(d.Index), d.N)
	case len(d.Labels) != d.N:
		return fmt.Errorf("data: dataset %q: %d labels for %d images", d.Name, len(d.Labels), d.N)
	}
	for i, s := range d.Index {
		if s < 0 || s >= values/sz {
			return fmt.Errorf("data: dataset %q: sample %d refers to stored image %d outside [0,%d)", d.Name, i, s, values/sz)
		}
	}
	for i, l := range d.Labels {
		if l < 0 || (len(d.Classes) > 0 && l >= len(d.Classes)) {
			return fmt.Errorf("data: dataset %q: label %d of sample %d outside [0,%d)", d.Name, l, i, len(d.Classes))
		}
	}
	return nil
}

// NumClasses is len(Classes), or 1+max label when no names are known.
func (d *Dataset) NumClasses() int {
	if len(d.Classes) > 0 {
		return len(d.Classes)
	}
	m := -1
	for _, l := range d.Labels {
		m = max(m, l)
	}
	return m + 1
}

// byteUnit[v] is float32(v)/255, the value an 8-bit pixel stands for: a
// table lookup is cheaper than a divide per pixel.
var byteUnit = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()
