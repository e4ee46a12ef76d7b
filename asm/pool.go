package asm

import (
	"fmt"
	"math"
)

// MaxPoolPlane is the max pooling of one h×w plane into ho×wo outputs with
// a kh×kw window, strides sh, sw and padding ph, pw (padding never wins):
// out[o] is the window's maximum and idx[o] its flat position iy·w + ix in
// the plane. Ties go to the first position in row-major window order; a
// NaN wins over any number, and a later NaN over an earlier one; a window
// of -Inf (or with no element inside the plane) reports its first position
// inside the plane. These are package tensor's reference rules, which the
// GoogLeNet and Inception windows (3×3, strides 1 and 2) need at speed.
func MaxPoolPlane(out []float32, idx []int32, x []float32, h, w, ho, wo, kh, kw, sh, sw, ph, pw int) {
	if h <= 0 || w <= 0 || ho <= 0 || wo <= 0 || kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || ph < 0 || pw < 0 ||
		len(x) < h*w || len(out) < ho*wo || len(idx) < ho*wo || h*w > math.MaxInt32 {
		panic(fmt.Sprintf("asm.MaxPoolPlane: %dx%d plane (len %d) to %dx%d (len %d, %d) with %dx%d window, stride %d,%d, pad %d,%d",
			h, w, len(x), ho, wo, len(out), len(idx), kh, kw, sh, sw, ph, pw))
	}
	for oy := range ho {
		y0, y1 := oy*sh-ph, oy*sh-ph+kh
		y0, y1 = max(y0, 0), min(y1, h)
		o := out[oy*wo : (oy+1)*wo]
		ix := idx[oy*wo : (oy+1)*wo]
		if active.Load().ops.avx512 && y0 < y1 {
			tail := uint64(0xffff)
			if wo%16 != 0 {
				tail = 1<<(wo%16) - 1
			}
			maxPoolRowAVX512(&o[0], &ix[0], &x[0], w, (wo+15)/16, tail, y0, y1, kw, sw, pw)
			continue
		}
		if ops := active.Load().ops; !ops.avx512 && ops.avx2 && y0 < y1 && poolLanesFit(wo, kw, sw, pw) {
			maxPoolRowAVX2(&o[0], &ix[0], &x[0], w, (wo+7)/8, wo-(wo-1)/8*8, y0, y1, kw, sw, pw)
			continue
		}
		maxPoolRowGo(o, ix, x, w, y0, y1, kw, sw, pw)
	}
}

// poolLanesFit reports whether the AVX2 rows' int32 lanes hold every
// column ox·sw − pw + kj they compute (ox < wo + 8, kj < kw).
func poolLanesFit(wo, kw, sw, pw int) bool {
	lim := math.MaxInt32 - kw - pw
	return kw < math.MaxInt32/2 && pw < math.MaxInt32/2 && lim > 0 && wo+8 <= lim/sw
}

func maxPoolRowGo(out []float32, idx []int32, x []float32, w, y0, y1, kw, sw, pw int) {
	for ox := range out {
		x0, x1 := ox*sw-pw, ox*sw-pw+kw
		x0, x1 = max(x0, 0), min(x1, w)
		best, bi := float32(math.Inf(-1)), y0*w+x0
		for iy := y0; iy < y1; iy++ {
			for ix := x0; ix < x1; ix++ {
				if v := x[iy*w+ix]; v > best || v != v {
					best, bi = v, iy*w+ix
				}
			}
		}
		out[ox], idx[ox] = best, int32(bi)
	}
}

// AvgPoolPlane is the average pooling of one h×w plane into ho×wo outputs,
// window and geometry as MaxPoolPlane: each output is the sum of its
// window's elements inside the plane, in row-major order, divided by the
// window's size clipped to the padded plane (includePad, PyTorch's
// count_include_pad) or by the number of elements summed.
func AvgPoolPlane(out []float32, x []float32, h, w, ho, wo, kh, kw, sh, sw, ph, pw int, includePad bool) {
	if h <= 0 || w <= 0 || ho <= 0 || wo <= 0 || kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || ph < 0 || pw < 0 ||
		len(x) < h*w || len(out) < ho*wo || h*w > math.MaxInt32 {
		panic(fmt.Sprintf("asm.AvgPoolPlane: %dx%d plane (len %d) to %dx%d (len %d) with %dx%d window, stride %d,%d, pad %d,%d",
			h, w, len(x), ho, wo, len(out), kh, kw, sh, sw, ph, pw))
	}
	inc := 0
	if includePad {
		inc = 1
	}
	for oy := range ho {
		lo := oy*sh - ph
		y0, y1 := max(lo, 0), min(lo+kh, h)
		fh := y1 - y0
		if includePad {
			fh = min(lo+kh, h+ph) - lo
		}
		o := out[oy*wo : (oy+1)*wo]
		if active.Load().ops.avx512 && y0 < y1 {
			tail := uint64(0xffff)
			if wo%16 != 0 {
				tail = 1<<(wo%16) - 1
			}
			avgPoolRowAVX512(&o[0], &x[0], w, (wo+15)/16, tail, y0, y1, kw, sw, pw, fh, inc)
			continue
		}
		if ops := active.Load().ops; !ops.avx512 && ops.avx2 && y0 < y1 && poolLanesFit(wo, kw, sw, pw) {
			avgPoolRowAVX2(&o[0], &x[0], w, (wo+7)/8, wo-(wo-1)/8*8, y0, y1, kw, sw, pw, fh, inc)
			continue
		}
		avgPoolRowGo(o, x, w, y0, y1, kw, sw, pw, fh, includePad)
	}
}

func avgPoolRowGo(out []float32, x []float32, w, y0, y1, kw, sw, pw, fh int, includePad bool) {
	for ox := range out {
		lo := ox*sw - pw
		x0, x1 := max(lo, 0), min(lo+kw, w)
		var s float32
		for iy := y0; iy < y1; iy++ {
			for ix := x0; ix < x1; ix++ {
				s += x[iy*w+ix]
			}
		}
		div := fh * (x1 - x0)
		if includePad {
			div = fh * (min(lo+kw, w+pw) - lo)
		}
		out[ox] = s / float32(div)
	}
}
