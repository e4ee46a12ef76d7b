package tensor

import "github.com/modeldoctor/modeldoctor/asm"

// Direct convolution for unpadded stride-1 convolutions with few output
// channels (LeNet's 1→6 and 6→16 5×5 layers). A GEMM there fills a
// sliver of each micro-tile (6 of 14 rows) and spends more time packing
// the im2col matrix than multiplying it; the shifted sums of asm.Shifts
// (the depthwise kernels' loops) read the input planes in place instead.
//
// The output positions are laid out "wide": q = oy·w + ox, one input row
// per output row, so that tap (ki, kj) of input channel ci reads
// x[ci][q + ki·dh·w + kj·dw] for every q. The columns ox ≥ wo of a wide
// row are masked off and dropped.

// directWorthIt reports whether the direct kernels should run the
// convolution d.
func directWorthIt(d convDims) bool {
	p := d.p
	if p.StrideH != 1 || p.StrideW != 1 || p.PadH != 0 || p.PadW != 0 || d.depthwise() || !asm.FastGathers() {
		return false
	}
	return d.og <= directMaxOut && d.cg*d.kh*d.kw <= directMaxK
}

// directMaxOut and directMaxK bound the convolutions the direct path
// takes: each output channel costs a pass over the input planes, so it
// only wins while the GEMM's tiles would be mostly empty.
const (
	directMaxOut = 8
	directMaxK   = 512
)

// directShifts returns the taps of group-input-channel sums over the wide
// output positions, and their count n.
func directShifts(d convDims) (asm.Shifts, int) {
	n := (d.ho-1)*d.w + d.wo
	segs := (n + 15) / 16
	taps := d.kh * d.kw
	row := make([]uint16, segs)
	for q := range n {
		if q%d.w < d.wo {
			row[q/16] |= 1 << (q % 16)
		}
	}
	deltas := make([]int, taps)
	masks := make([]uint16, 0, taps*segs)
	for t := range taps {
		deltas[t] = t/d.kw*d.p.DilationH*d.w + t%d.kw*d.p.DilationW
		masks = append(masks, row...)
	}
	return asm.NewShifts(deltas, masks, n).Repeat(d.cg, d.h*d.w), n
}

// directForward computes out = conv(x, w) one output plane at a time:
// out[i][o] = Σ over the group's channels and taps, one Correlate call.
func directForward(d convDims, x, w, out []float32) {
	s, n := directShifts(d)
	kk, plane := d.cg*d.kh*d.kw, d.h*d.w
	parallelFor(d.n, d.o*kk*n, func(lo, hi int) {
		wide, done := scratch(n)
		defer done()
		for i := lo; i < hi; i++ {
			for o := range d.o {
				g := o / d.og
				asm.Correlate(wide, x[(i*d.c+g*d.cg)*plane:], s, w[o*kk:(o+1)*kk])
				dst := out[(i*d.o+o)*d.ho*d.wo:]
				for oy := range d.ho {
					copy(dst[oy*d.wo:(oy+1)*d.wo], wide[oy*d.w:])
				}
			}
		}
	})
}

// directWeightGrad computes gw[o] = Σ_i Σ_q gy[i][o][q]·x[i][q+δ] with
// 16 partial sums per weight, images added in order, parallel over output
// channels: the result does not depend on the number of workers.
func directWeightGrad(d convDims, x, gy, gw []float32) {
	s, n := directShifts(d)
	kk, plane, hw := d.cg*d.kh*d.kw, d.h*d.w, d.ho*d.wo
	parallelFor(d.o, d.n*kk*n, func(lo, hi int) {
		wide := make([]float32, n)
		lanes := make([]float32, 16*kk)
		for o := lo; o < hi; o++ {
			g := o / d.og
			clear(lanes)
			for i := range d.n {
				src := gy[(i*d.o+o)*hw:]
				for oy := range d.ho {
					copy(wide[oy*d.w:oy*d.w+d.wo], src[oy*d.wo:(oy+1)*d.wo])
				}
				asm.DotShiftsLanes(lanes, wide, x[(i*d.c+g*d.cg)*plane:], s)
			}
			asm.ReduceLanes(gw[o*kk:(o+1)*kk], lanes)
		}
	})
}
