package data

// RandomCrop pads the image with Padding zeros on every side, then takes an
// H×W window at a uniformly random position (torchvision's
// RandomCrop(size, padding) with fill 0). The padded image is never built:
// out-of-range reads are zero.
type RandomCrop struct{ H, W, Padding int }

func (t RandomCrop) Apply(x CHW, rng *Rand) CHW {
	ph, pw := x.H+2*t.Padding, x.W+2*t.Padding
	if t.H <= 0 || t.W <= 0 || t.H > ph || t.W > pw || t.Padding < 0 {
		panic("data: RandomCrop: crop size must be positive and fit the padded image")
	}
	top := rng.Intn(ph-t.H+1) - t.Padding
	left := rng.Intn(pw-t.W+1) - t.Padding
	return cropAt(x, top, left, t.H, t.W)
}

// CenterCrop takes the central H×W window, its offset (size-H)/2 rounded
// down (torchvision rounds half to even, so for some odd margins it is one
// pixel further); a window larger than the image is zero-padded.
type CenterCrop struct{ H, W int }

func (t CenterCrop) Apply(x CHW, _ *Rand) CHW {
	if t.H <= 0 || t.W <= 0 {
		panic("data: CenterCrop: H and W must be positive")
	}
	return cropAt(x, floorHalf(x.H-t.H), floorHalf(x.W-t.W), t.H, t.W)
}

// floorHalf is ⌊m/2⌋ also for negative m (Go's / truncates toward zero).
func floorHalf(m int) int { return m >> 1 }

// cropAt copies the h×w window whose top-left corner is (top, left) in x's
// coordinates; positions outside x read as zero.
func cropAt(x CHW, top, left, h, w int) CHW {
	if top == 0 && left == 0 && h == x.H && w == x.W {
		return x
	}
	out := make([]float32, x.C*h*w)
	for c := range x.C {
		for oy := range h {
			sy := top + oy
			if sy < 0 || sy >= x.H {
				continue
			}
			// Columns [x0, x1) of the output map inside the source row.
			x0, x1 := max(0, -left), min(w, x.W-left)
			if x0 >= x1 {
				continue
			}
			src := x.Pix[(c*x.H+sy)*x.W+left+x0 : (c*x.H+sy)*x.W+left+x1]
			copy(out[(c*h+oy)*w+x0:], src)
		}
	}
	return CHW{Pix: out, C: x.C, H: h, W: w}
}
