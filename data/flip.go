package data

// RandomHorizontalFlip mirrors the image left–right with probability P
// (torchvision's default is 0.5; the zero value never flips). It always
// draws one number, so the rng stream does not depend on the outcome.
type RandomHorizontalFlip struct{ P float64 }

func (t RandomHorizontalFlip) Apply(x CHW, rng *Rand) CHW {
	if rng.Float64() >= t.P {
		return x
	}
	return HFlip(x)
}

// HFlip returns x mirrored left–right.
func HFlip(x CHW) CHW {
	out := make([]float32, len(x.Pix))
	for r := 0; r < x.C*x.H; r++ {
		src, dst := x.Pix[r*x.W:(r+1)*x.W], out[r*x.W:(r+1)*x.W]
		for i, v := range src {
			dst[x.W-1-i] = v
		}
	}
	return CHW{Pix: out, C: x.C, H: x.H, W: x.W}
}
