package data

import "math"

// PILResize scales every channel to H×W exactly as Pillow's
// Image.resize(size, Image.BILINEAR) does on an 8-bit image (what
// torchvision's Resize does to a PIL image): values are first rounded to
// bytes (round(v·255)), resampled by Pillow's ImagingResample and returned
// as byte/255, so a Go pipeline sees the same values as a PyTorch one.
//
// Pillow's algorithm differs from Resize (PyTorch's tensor interpolation):
// when downscaling, the triangle filter's support grows with the scale
// factor, so every source pixel counts (anti-aliasing); the weights are
// fixed-point with 22 fractional bits; and the horizontal pass is rounded
// to bytes before the vertical one.
type PILResize struct{ H, W int }

func (r PILResize) Apply(x CHW, _ *Rand) CHW {
	if r.H <= 0 || r.W <= 0 {
		panic("data: PILResize: H and W must be positive")
	}
	if x.H == r.H && x.W == r.W { // Pillow returns a copy, unchanged
		return x
	}
	xs := pilCoeffs(x.W, r.W)
	ys := pilCoeffs(x.H, r.H)
	out := make([]float32, x.C*r.H*r.W)
	src := make([]uint8, x.H*x.W)
	for c := range x.C {
		for i, v := range x.Pix[c*x.H*x.W : (c+1)*x.H*x.W] {
			src[i] = toByte(v)
		}
		img := pilResample(src, x.H, x.W, r.H, r.W, xs, ys)
		dst := out[c*r.H*r.W : (c+1)*r.H*r.W]
		for i, b := range img {
			dst[i] = byteUnit[b]
		}
	}
	return CHW{Pix: out, C: x.C, H: r.H, W: r.W}
}

// toByte is round(v·255) clamped to a byte, the inverse of byte/255 for
// values that came from bytes.
func toByte(v float32) uint8 {
	f := math.Round(float64(v) * 255)
	switch {
	case f != f || f <= 0:
		return 0
	case f >= 255:
		return 255
	}
	return uint8(f)
}

// pilPrecision is Pillow's PRECISION_BITS for 8-bit images: 32 - 8 - 2.
const pilPrecision = 22

// pilTaps is one output pixel's first source index and fixed-point
// weights.
type pilTaps struct {
	min int
	k   []int32
}

// pilCoeffs is Pillow's precompute_coeffs for the bilinear (triangle)
// filter followed by normalize_coeffs_8bpc, for a box covering the whole
// input.
func pilCoeffs(in, out int) []pilTaps {
	scale := float64(in) / float64(out)
	filterscale := max(scale, 1)
	support := 1.0 * filterscale // the bilinear filter's support is 1
	taps := make([]pilTaps, out)
	for xx := range taps {
		center := (float64(xx) + 0.5) * scale
		ss := 1 / filterscale
		xmin := max(int(center-support+0.5), 0) // C's (int) truncates, like Go's
		xmax := min(int(center+support+0.5), in) - xmin
		w := make([]float64, max(xmax, 0))
		ww := 0.0
		for x := range w {
			w[x] = triangle((float64(x+xmin) - center + 0.5) * ss)
			ww += w[x]
		}
		k := make([]int32, len(w))
		for x := range w {
			if ww != 0 {
				w[x] /= ww
			}
			if w[x] < 0 {
				k[x] = int32(-0.5 + w[x]*(1<<pilPrecision))
			} else {
				k[x] = int32(0.5 + w[x]*(1<<pilPrecision))
			}
		}
		taps[xx] = pilTaps{min: xmin, k: k}
	}
	return taps
}

func triangle(x float64) float64 {
	x = math.Abs(x)
	if x < 1 {
		return 1 - x
	}
	return 0
}

// pilResample is ImagingResampleInner on one 8-bit plane: a horizontal
// pass over the rows the vertical pass uses, rounded to bytes, then a
// vertical pass; a pass whose size does not change is skipped.
func pilResample(src []uint8, h, w, oh, ow int, xs, ys []pilTaps) []uint8 {
	first := 0 // the first source row the vertical pass reads
	if ow != w {
		first = ys[0].min
		last := ys[oh-1].min + len(ys[oh-1].k)
		tmp := make([]uint8, (last-first)*ow)
		for y := first; y < last; y++ {
			row := src[y*w : (y+1)*w]
			for xx, t := range xs {
				ss := int32(1) << (pilPrecision - 1)
				for i, k := range t.k {
					ss += int32(row[t.min+i]) * k
				}
				tmp[(y-first)*ow+xx] = clip8(ss)
			}
		}
		src, w = tmp, ow
	}
	if oh == h {
		return src
	}
	out := make([]uint8, oh*w)
	for yy, t := range ys {
		for x := range w {
			ss := int32(1) << (pilPrecision - 1)
			for i, k := range t.k {
				ss += int32(src[(t.min-first+i)*w+x]) * k
			}
			out[yy*w+x] = clip8(ss)
		}
	}
	return out
}

// clip8 is Pillow's: the rounded fixed-point sum as a byte, saturated.
func clip8(ss int32) uint8 {
	switch {
	case ss >= 256<<pilPrecision:
		return 255
	case ss <= 0:
		return 0
	}
	return uint8(ss >> pilPrecision)
}
