package data

// Resize scales every channel to H×W with bilinear interpolation, matching
// PyTorch's F.interpolate(mode="bilinear", align_corners=False,
// antialias=False): pixel centres are aligned, source coordinates are
// clamped at 0 and the last row/column, and there is no anti-aliasing
// (downscaling by more than 2× skips pixels, as PyTorch does).
type Resize struct{ H, W int }

func (r Resize) Apply(x CHW, _ *Rand) CHW {
	if r.H <= 0 || r.W <= 0 {
		panic("data: Resize: H and W must be positive")
	}
	if x.H == r.H && x.W == r.W {
		return x
	}
	ys := bilinearTaps(x.H, r.H)
	xs := bilinearTaps(x.W, r.W)
	out := make([]float32, x.C*r.H*r.W)
	for c := range x.C {
		src := x.Pix[c*x.H*x.W : (c+1)*x.H*x.W]
		dst := out[c*r.H*r.W : (c+1)*r.H*r.W]
		for oy, ty := range ys {
			row0 := src[ty.i0*x.W : (ty.i0+1)*x.W]
			row1 := src[ty.i1*x.W : (ty.i1+1)*x.W]
			for ox, tx := range xs {
				top := tx.w0*row0[tx.i0] + tx.w1*row0[tx.i1]
				bot := tx.w0*row1[tx.i0] + tx.w1*row1[tx.i1]
				dst[oy*r.W+ox] = ty.w0*top + ty.w1*bot
			}
		}
	}
	return CHW{Pix: out, C: x.C, H: r.H, W: r.W}
}

// tap is one output coordinate's two source indices and their weights.
type tap struct {
	i0, i1 int
	w0, w1 float32
}

// bilinearTaps computes PyTorch's align_corners=False source taps in
// float32, as its CPU kernel does for float32 input:
// src = (dst+0.5)*in/out - 0.5, clamped below at 0.
func bilinearTaps(in, out int) []tap {
	scale := float32(in) / float32(out)
	taps := make([]tap, out)
	for d := range taps {
		src := scale*(float32(d)+0.5) - 0.5
		if src < 0 {
			src = 0
		}
		i0 := int(src)
		i1 := i0
		if i0 < in-1 {
			i1 = i0 + 1
		}
		l1 := src - float32(i0)
		taps[d] = tap{i0: i0, i1: i1, w0: 1 - l1, w1: l1}
	}
	return taps
}
