package tensor

import "github.com/modeldoctor/modeldoctor/asm"

// The planar path of the SIMD backend's depthwise convolution: 3×3
// kernels at stride 1 with padding 1 (the "same" depthwise layer of
// MobileNetV2, ShuffleNetV2, Xception, MnasNet) on planes at least
// planarMinWidth wide convolve each plane by itself (asm.Conv3x3,
// asm.Dot3x3), reading and writing the planes in order. The input
// gradient is the same convolution with the kernel flipped.

// planarMinWidth is the narrowest plane the planar path takes: narrower
// planes fill the 16 lanes of a position segment with several rows, and
// the channel-packed path, which wastes no lane, is faster.
var planarMinWidth = 8

// stride2Planar enables the planar stride-2 path (off: channel-packed).
var stride2Planar = true

// dwPlanar reports whether the planar path computes d.
func dwPlanar(d convDims) bool {
	p := d.p
	return d.kh == 3 && d.kw == 3 && p.StrideH == 1 && p.StrideW == 1 && p.PadH == 1 && p.PadW == 1 &&
		p.DilationH == 1 && p.DilationW == 1 && d.w >= planarMinWidth && d.ho == d.h && d.wo == d.w
}

func newPlanar(d convDims) *asm.Same3x3 { return asm.NewSame3x3(d.h, d.w) }

func planarForward(d convDims, x, w, out []float32) {
	hw := d.h * d.w
	g := cachedGeom("planar 3x3", d, newPlanar)
	parallelFor(d.n*d.c, d.og*9*hw, func(lo, hi int) {
		stage := getScratch(g.StageLen())
		defer putScratch(stage)
		if d.og == 1 { // runs of planes within an image
			for i := lo; i < hi; {
				ci := i % d.c
				m := min(hi-i, d.c-ci)
				asm.Conv3x3(out[i*hw:], x[i*hw:], m, w[ci*9:], stage, g)
				i += m
			}
			return
		}
		for i := lo; i < hi; i++ { // i = image·c + channel
			ci := i % d.c
			for j := range d.og {
				oc := ci*d.og + j
				asm.Conv3x3(out[(i/d.c*d.o+oc)*hw:], x[i*hw:], 1, w[oc*9:], stage, g)
			}
		}
	})
}

// planarInputGrad is the input gradient of a planar convolution with one
// output channel per input channel.
func planarInputGrad(d convDims, gy, w, gx []float32) {
	hw := d.h * d.w
	g := cachedGeom("planar 3x3", d, newPlanar)
	wf := make([]float32, len(w)) // the kernels flipped
	for c := range d.c {
		for t := range 9 {
			wf[c*9+8-t] = w[c*9+t]
		}
	}
	parallelFor(d.n*d.c, 9*hw, func(lo, hi int) {
		stage := getScratch(g.StageLen())
		defer putScratch(stage)
		for i := lo; i < hi; {
			ci := i % d.c
			m := min(hi-i, d.c-ci)
			asm.Conv3x3(gx[i*hw:], gy[i*hw:], m, wf[ci*9:], stage, g)
			i += m
		}
	})
}

// planarGradMinLen is the smallest plane whose weight gradient takes the
// planar path: for smaller planes the 16 partial sums per tap that each
// plane loads and stores cost more than the packed path's transposes.
const planarGradMinLen = 128

func planarWeightGrad(d convDims, x, gy, gw []float32) {
	hw := d.h * d.w
	g := cachedGeom("planar 3x3", d, newPlanar)
	// Each worker owns whole input channels and adds their images in
	// order into 16 partial sums per tap, reduced once at the end; the
	// planes are read in order.
	parallelFor(d.c, d.n*d.og*9*hw, func(lo, hi int) {
		stage := getScratch(g.StageLen())
		lanes := getScratch((hi - lo) * d.og * 144)
		defer putScratch(stage, lanes)
		m := hi - lo
		for n := range d.n {
			if d.og == 1 {
				asm.Dot3x3(lanes, gy[(n*d.o+lo)*hw:], x[(n*d.c+lo)*hw:], m, stage, g)
				continue
			}
			for ci := lo; ci < hi; ci++ {
				for j := range d.og {
					asm.Dot3x3(lanes[((ci-lo)*d.og+j)*144:], gy[(n*d.o+ci*d.og+j)*hw:], x[(n*d.c+ci)*hw:], 1, stage, g)
				}
			}
		}
		asm.ReduceLanes(gw[lo*d.og*9:hi*d.og*9], lanes)
	})
}

// dwStride2 returns the geometry of the planar stride-2 path (3×3 kernels
// at stride 2 with padding 1, output rows 8 to 16 wide), or nil.
func dwStride2(d convDims) *asm.Stride2x3 {
	p := d.p
	if !stride2Planar || d.kh != 3 || d.kw != 3 || p.StrideH != 2 || p.StrideW != 2 || p.PadH != 1 || p.PadW != 1 ||
		p.DilationH != 1 || p.DilationW != 1 {
		return nil
	}
	return cachedGeom("planar 3x3/2", d, func(d convDims) *asm.Stride2x3 {
		g, ok := asm.NewStride2x3(d.h, d.w)
		if !ok || g.OutLen() != d.ho*d.wo {
			return nil
		}
		return g
	})
}

func stride2Forward(d convDims, g *asm.Stride2x3, x, w, out []float32) {
	hwIn, hw := d.h*d.w, d.ho*d.wo
	parallelFor(d.n*d.c, d.og*9*hw, func(lo, hi int) {
		stage := getScratch(g.StageLen())
		defer putScratch(stage)
		if d.og == 1 {
			for i := lo; i < hi; {
				ci := i % d.c
				m := min(hi-i, d.c-ci)
				asm.ConvS2(out[i*hw:], x[i*hwIn:], m, w[ci*9:], stage, g)
				i += m
			}
			return
		}
		for i := lo; i < hi; i++ {
			ci := i % d.c
			for j := range d.og {
				oc := ci*d.og + j
				asm.ConvS2(out[(i/d.c*d.o+oc)*hw:], x[i*hwIn:], 1, w[oc*9:], stage, g)
			}
		}
	})
}

// stride2InputGrad is the input gradient of the stride-2 path with one
// output channel per input channel.
func stride2InputGrad(d convDims, g *asm.Stride2x3, gy, w, gx []float32) {
	hwIn, hw := d.h*d.w, d.ho*d.wo
	parallelFor(d.n*d.c, 9*hwIn, func(lo, hi int) {
		stage := getScratch(g.StageLen())
		defer putScratch(stage)
		for i := lo; i < hi; {
			ci := i % d.c
			m := min(hi-i, d.c-ci)
			asm.ConvTS2(gx[i*hwIn:], gy[i*hw:], m, w[ci*9:], stage, g)
			i += m
		}
	})
}

func stride2WeightGrad(d convDims, g *asm.Stride2x3, x, gy, gw []float32) {
	hwIn, hw := d.h*d.w, d.ho*d.wo
	parallelFor(d.c, d.n*d.og*9*hw, func(lo, hi int) {
		stage := getScratch(g.StageLen())
		lanes := getScratch((hi - lo) * d.og * 144)
		defer putScratch(stage, lanes)
		m := hi - lo
		for n := range d.n {
			if d.og == 1 {
				asm.DotS2(lanes, gy[(n*d.o+lo)*hw:], x[(n*d.c+lo)*hwIn:], m, stage, g)
				continue
			}
			for ci := lo; ci < hi; ci++ {
				for j := range d.og {
					asm.DotS2(lanes[((ci-lo)*d.og+j)*144:], gy[(n*d.o+ci*d.og+j)*hw:], x[(n*d.c+ci)*hwIn:], 1, stage, g)
				}
			}
		}
		asm.ReduceLanes(gw[lo*d.og*9:hi*d.og*9], lanes)
	})
}
