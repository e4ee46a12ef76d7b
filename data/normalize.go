package data

import "fmt"

// Normalize maps each channel c to (x - Mean[c]) / Std[c]. One value in
// Mean and Std applies to every channel. Use Stats to compute them on the
// training set.
type Normalize struct{ Mean, Std []float32 }

func (t Normalize) Apply(x CHW, _ *Rand) CHW {
	if len(t.Mean) != len(t.Std) || (len(t.Mean) != 1 && len(t.Mean) != x.C) {
		panic(fmt.Sprintf("data: Normalize: %d means and %d stds for a %d-channel image", len(t.Mean), len(t.Std), x.C))
	}
	out := make([]float32, len(x.Pix))
	plane := x.H * x.W
	for c := range x.C {
		m, s := t.Mean[0], t.Std[0]
		if len(t.Mean) > 1 {
			m, s = t.Mean[c], t.Std[c]
		}
		for i, v := range x.Pix[c*plane : (c+1)*plane] {
			out[c*plane+i] = (v - m) / s
		}
	}
	return CHW{Pix: out, C: x.C, H: x.H, W: x.W}
}

// GrayToRGB repeats a single channel three times, so gray data sets can feed
// models built for RGB; 3-channel images pass through unchanged.
type GrayToRGB struct{}

func (GrayToRGB) Apply(x CHW, _ *Rand) CHW {
	switch x.C {
	case 3:
		return x
	case 1:
		out := make([]float32, 3*len(x.Pix))
		for c := range 3 {
			copy(out[c*len(x.Pix):], x.Pix)
		}
		return CHW{Pix: out, C: 3, H: x.H, W: x.W}
	}
	panic(fmt.Sprintf("data: GrayToRGB: %d-channel image (want 1 or 3)", x.C))
}
