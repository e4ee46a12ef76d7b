package data

import "fmt"

// Dataset is a labelled image set held in memory. Images are float32 in
// [0, 1] (byte/255), CHW per image, images concatenated: image i occupies
// Images[i*C*H*W : (i+1)*C*H*W].
type Dataset struct {
	Name       string
	Images     []float32
	Labels     []int
	N, C, H, W int
	Classes    []string // class names; label l names Classes[l]
}

// ImageSize is the number of float32 values in one image (C*H*W).
func (d *Dataset) ImageSize() int { return d.C * d.H * d.W }

// Image returns a view of image i (not a copy: do not write to it).
func (d *Dataset) Image(i int) []float32 {
	sz := d.ImageSize()
	return d.Images[i*sz : (i+1)*sz : (i+1)*sz]
}

// Validate checks that the fields agree with each other. Loaders call it
// before returning, so code that receives a Dataset can trust its shape.
func (d *Dataset) Validate() error {
	switch {
	case d.N < 0 || d.C <= 0 || d.H <= 0 || d.W <= 0:
		return fmt.Errorf("data: dataset %q: bad shape N=%d C=%d H=%d W=%d", d.Name, d.N, d.C, d.H, d.W)
	case len(d.Images) != d.N*d.ImageSize():
		return fmt.Errorf("data: dataset %q: %d image values, want N*C*H*W = %d", d.Name, len(d.Images), d.N*d.ImageSize())
	case len(d.Labels) != d.N:
		return fmt.Errorf("data: dataset %q: %d labels for %d images", d.Name, len(d.Labels), d.N)
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
