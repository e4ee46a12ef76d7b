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
	maxOut := directMaxOut
	if d.pointwise() || asm.Current() != "avx512" {
		maxOut = directMaxOutNarrow
	}
	return d.og <= maxOut && d.cg*d.kh*d.kw <= directMaxK
}

// directMaxOut and directMaxK bound the convolutions the direct path
// takes. The shifted sums load each input vector once per tap for six
// output planes at a time and waste the wide rows' dropped columns; the
// GEMM fills a 14-row tile per output channel block and gathers every
// im2col element once for all of them. Measured at one thread
// (BenchmarkConvShapes): the direct path wins for LeNet-5's 6→16 5×5
// layer (forward 0.41 → 0.26 ms, weight gradient 0.59 → 0.50 ms), and the
// LeNet-5 training step gains at one and two threads. For the reference
// LeNet's 1→32 layer it won at one thread (0.54 → 0.48, 0.83 → 0.70 ms)
// but its training step at two threads lost (9.4–10.0 → 9.8–11.1 ms), so
// 32 outputs keep the GEMM. A 1×1 convolution's GEMM gathers nothing, so
// it keeps the GEMM beyond 8 outputs. With AVX2 (16 registers, four planes
// per pass) the 6→16 layer is slower direct (TestTuneConv with
// TENSOR_TUNE_IMPL=avx2: forward 0.54 → 0.76 ms, weight gradient 0.65 →
// 1.04 ms), so AVX2 keeps 8 too.
const (
	directMaxOut       = 16
	directMaxOutNarrow = 8
	directMaxK         = 512
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

// directForward computes out = conv(x, w) image by image: the output
// planes of a group in one asm.CorrelateOuts call, which loads each
// shifted input vector once for all of them.
func directForward(d convDims, x, w, out []float32) {
	s, n := directShifts(d)
	kk, plane, hw := d.cg*d.kh*d.kw, d.h*d.w, d.ho*d.wo
	parallelFor(d.n, d.o*kk*n, func(lo, hi int) {
		wide, done := scratch(d.og * n)
		defer done()
		for i := lo; i < hi; i++ {
			for g := range d.g {
				asm.CorrelateOuts(wide, n, d.og, x[(i*d.c+g*d.cg)*plane:], s, w[g*d.og*kk:(g+1)*d.og*kk])
				for o := range d.og {
					asm.Copy2D(out[(i*d.o+g*d.og+o)*hw:], d.wo, wide[o*n:], d.w, d.ho, d.wo)
				}
			}
		}
	})
}

// directWeightGrad computes gw[o] = Σ_i Σ_q gy[i][o][q]·x[i][q+δ] with
// 16 partial sums per weight (asm.DotShiftsLanesOuts, a group's output
// channels per call). The batch is cut into weightGradParts parts, run in
// parallel and added in a fixed order: the result does not depend on the
// number of workers.
func directWeightGrad(d convDims, x, gy, gw []float32) {
	s, n := directShifts(d)
	kk, plane, hw := d.cg*d.kh*d.kw, d.h*d.w, d.ho*d.wo
	parts := min(d.n, weightGradParts)
	lanes := make([][]float32, parts)
	for p := range lanes {
		var done func()
		lanes[p], done = scratch(16 * d.o * kk)
		defer done()
		clear(lanes[p])
	}
	parallelFor(parts, d.n/parts*d.o*kk*n, func(lo, hi int) {
		// The wide gradient planes' columns ox >= wo stay zero.
		wide, done := scratch(d.og * n)
		defer done()
		clear(wide)
		for p := lo; p < hi; p++ {
			for i := p * d.n / parts; i < (p+1)*d.n/parts; i++ {
				for g := range d.g {
					for o := range d.og {
						asm.Copy2D(wide[o*n:], d.w, gy[(i*d.o+g*d.og+o)*hw:], d.wo, d.ho, d.wo)
					}
					asm.DotShiftsLanesOuts(lanes[p][16*g*d.og*kk:16*(g+1)*d.og*kk], wide, n, d.og, x[(i*d.c+g*d.cg)*plane:], s)
				}
			}
		}
	})
	for p := 1; p < parts; p++ {
		asm.AddTo(lanes[0], lanes[p])
	}
	for o := range d.o {
		asm.ReduceLanes(gw[o*kk:(o+1)*kk], lanes[0][16*o*kk:16*(o+1)*kk])
	}
}
