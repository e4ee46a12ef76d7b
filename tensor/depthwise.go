package tensor

import "github.com/modeldoctor/modeldoctor/asm"

// Depthwise convolution (groups == input channels: MobileNetV2, MnasNet,
// EfficientNet, ShuffleNetV2, Xception) in the SIMD backend. With one input
// channel per group there is nothing for a GEMM to reuse, so each plane is
// convolved directly with asm.Correlate, and the weight gradient is a set of
// dot products (asm.DotShifts). Channel multipliers (o = k·c) are k kernels
// per input plane.
//
// Stride-1 "same" convolutions (the output plane as wide as the input)
// work on the planes in place: output position q reads, for tap t, the
// input at q + delta[t], and the taps' lane masks cut off what overhangs
// the border (asm.Shifts). Their input gradient is the same kind of
// convolution with the kernel flipped. Everything else goes through a
// zero-padded copy of the plane stored in stride phases: padded pixel
// (py, px) goes to phase (py mod sh, px mod sw) at row py/sh, column px/sw
// of a phase plane wph wide. Output (oy, ox) then reads, for tap (ki, kj),
// phase ((ki·dh) mod sh, (kj·dw) mod sw) at (oy + ki·dh/sh, ox + kj·dw/sw),
// so with q = oy·wph + ox every tap is a fixed offset from q and the plane
// is one correlation over q < ho·wph; the columns ox ≥ wo are computed and
// discarded. The input gradient is the adjoint of that map: a correlation
// of the output gradient (laid out wide, zeros around it) with negated
// offsets, whose interior is the gradient.
//
// Work is split over planes (forward, input gradient) or input channels
// (weight gradient, each summing over the batch in order), so results do
// not depend on GOMAXPROCS.

// dwSame returns the taps of a stride-1 "same" depthwise convolution over
// its output positions, or false if the geometry is not one.
func dwSame(d convDims) (asm.Shifts, bool) {
	if d.p.StrideH != 1 || d.p.StrideW != 1 || d.w != d.wo {
		return asm.Shifts{}, false
	}
	pl := newConvPlan(d)
	if !pl.ok {
		return asm.Shifts{}, false
	}
	deltas := make([]int, pl.taps)
	masks := make([]uint16, pl.taps*pl.segs)
	for t := range pl.taps {
		ki, kj := t/d.kw, t%d.kw
		deltas[t] = (ki*d.p.DilationH-d.p.PadH)*d.w + kj*d.p.DilationW - d.p.PadW
		for s, sp := range pl.spans[t*pl.segs : (t+1)*pl.segs] {
			if sp.Mask != 0 && int(sp.Off) != 16*s+deltas[t] {
				return asm.Shifts{}, false
			}
			masks[t*pl.segs+s] = uint16(sp.Mask)
		}
	}
	return asm.NewShifts(deltas, masks, pl.hw), true
}

// dwStride1 returns the stride-1 version of a strided depthwise geometry
// and its taps, when that version is a "same" convolution: its output then
// contains the strided output at every stride-th row and column, and the
// strided convolution is computed as the stride-1 one, subsampled (its
// gradients through a zero-upsampled output gradient). That does stride²
// times the arithmetic on the fast in-place path instead of copying every
// plane into a stride-phased layout.
func dwStride1(d convDims) (convDims, asm.Shifts, bool) {
	if d.p.StrideH == 1 && d.p.StrideW == 1 {
		return d, asm.Shifts{}, false
	}
	d1 := d
	d1.p.StrideH, d1.p.StrideW = 1, 1
	d1.ho = ConvOutSize(d.h, d.kh, 1, d.p.PadH, d.p.DilationH)
	d1.wo = ConvOutSize(d.w, d.kw, 1, d.p.PadW, d.p.DilationW)
	sh, ok := dwSame(d1)
	return d1, sh, ok
}

// subsample copies every stride-th row and column of a stride-1 output
// plane (d1) into the strided output plane (d).
func subsample(d, d1 convDims, dst, src []float32) {
	sh, sw := d.p.StrideH, d.p.StrideW
	for oy := range d.ho {
		row := src[oy*sh*d1.wo:]
		out := dst[oy*d.wo : (oy+1)*d.wo]
		for ox := range out {
			out[ox] = row[ox*sw]
		}
	}
}

// upsample is subsample's adjoint: it writes the strided plane into every
// stride-th row and column of a stride-1 plane whose other positions are
// (and stay) zero.
func upsample(d, d1 convDims, dst, src []float32) {
	sh, sw := d.p.StrideH, d.p.StrideW
	for oy := range d.ho {
		row := dst[oy*sh*d1.wo:]
		in := src[oy*d.wo : (oy+1)*d.wo]
		for ox, v := range in {
			row[ox*sw] = v
		}
	}
}

func depthwiseForward(d convDims, x, w, out []float32) {
	taps, hwIn, hw := d.kh*d.kw, d.h*d.w, d.ho*d.wo
	if sh, ok := dwSame(d); ok {
		parallelFor(d.n*d.c, d.og*taps*hw, func(lo, hi int) {
			for i := lo; i < hi; i++ { // i = image·c + channel
				if i+1 < hi {
					asm.Prefetch(x[(i+1)*hwIn:][:hwIn], false)
					asm.Prefetch(out[((i+1)/d.c*d.o+(i+1)%d.c*d.og)*hw:][:d.og*hw], true)
				}
				ci := i % d.c
				for j := range d.og {
					oc := ci*d.og + j
					asm.Correlate(out[(i/d.c*d.o+oc)*hw:][:hw], x[i*hwIn:], sh, w[oc*taps:][:taps])
				}
			}
		})
		return
	}
	if d1, sh, ok := dwStride1(d); ok {
		hw1 := d1.ho * d1.wo
		parallelFor(d.n*d.c, d.og*taps*hw1, func(lo, hi int) {
			full := make([]float32, hw1)
			for i := lo; i < hi; i++ {
				if i+1 < hi {
					asm.Prefetch(x[(i+1)*hwIn:][:hwIn], false)
				}
				ci := i % d.c
				for j := range d.og {
					oc := ci*d.og + j
					asm.Correlate(full, x[i*hwIn:], sh, w[oc*taps:][:taps])
					subsample(d, d1, out[(i/d.c*d.o+oc)*hw:], full)
				}
			}
		})
		return
	}
	g := newDwGeom(d)
	parallelFor(d.n*d.c, d.og*taps*g.q, func(lo, hi int) {
		buf := make([]float32, g.buf)
		wide := make([]float32, g.q)
		for i := lo; i < hi; i++ {
			g.fill(buf, x[i*hwIn:])
			ci := i % d.c
			for j := range d.og {
				oc := ci*d.og + j
				asm.Correlate(wide, buf, g.shifts, w[oc*taps:][:taps])
				asm.Copy2D(out[(i/d.c*d.o+oc)*hw:], d.wo, wide, g.wph, d.ho, d.wo)
			}
		}
	})
}

func depthwiseInputGrad(d convDims, gy, w, gx []float32) {
	taps, hwIn, hw := d.kh*d.kw, d.h*d.w, d.ho*d.wo
	if t, ok := d.transposed(); ok {
		if sh, ok := dwSame(t); ok {
			// gx[ci] = Σ_j conv(gy[ci·og+j], flipped w[ci·og+j]): one
			// correlation over the og planes, which lie one after another.
			all := sh.Repeat(d.og, hw)
			wt := flipKernel(d, w) // [c][og][taps], flipped
			defer Release(wt)
			parallelFor(d.n*d.c, d.og*taps*hwIn, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					if i+1 < hi {
						asm.Prefetch(gy[((i+1)/d.c*d.o+(i+1)%d.c*d.og)*hw:][:d.og*hw], false)
						asm.Prefetch(gx[(i+1)*hwIn:][:hwIn], true)
					}
					ci := i % d.c
					asm.Correlate(gx[i*hwIn:][:hwIn], gy[(i/d.c*d.o+ci*d.og)*hw:], all, wt.data[ci*d.og*taps:][:d.og*taps])
				}
			})
			return
		}
	}
	if d1, _, ok := dwStride1(d); ok {
		if t1, ok := d1.transposed(); ok {
			if sh, ok := dwSame(t1); ok {
				hw1 := d1.ho * d1.wo
				all := sh.Repeat(d.og, hw1)
				wt := flipKernel(d, w)
				defer Release(wt)
				parallelFor(d.n*d.c, d.og*taps*hwIn, func(lo, hi int) {
					up := make([]float32, d.og*hw1) // zero but for the upsampled positions
					for i := lo; i < hi; i++ {
						if i+1 < hi {
							asm.Prefetch(gx[(i+1)*hwIn:][:hwIn], true)
						}
						ci := i % d.c
						for j := range d.og {
							upsample(d, d1, up[j*hw1:], gy[(i/d.c*d.o+ci*d.og+j)*hw:])
						}
						asm.Correlate(gx[i*hwIn:][:hwIn], up, all, wt.data[ci*d.og*taps:][:d.og*taps])
					}
				})
				return
			}
		}
	}
	g := newDwGeom(d)
	// ext holds og wide output-gradient planes, each preceded by maxOff
	// zeros and followed by enough zeros for every tap: lane floats each.
	lane := g.maxOff + g.phases*g.plane
	offs := make([]int, d.og*taps)
	for j := range d.og {
		for t, o := range g.offs {
			offs[j*taps+t] = j*lane + g.maxOff - o
		}
	}
	// For stride 1 only the rows holding the input are needed.
	r0, r1 := 0, g.phases*g.plane
	if g.phases == 1 {
		r0, r1 = d.p.PadH*g.wph, (d.p.PadH+d.h)*g.wph
	}
	sh := asm.NewShifts(offs, nil, r1-r0)
	parallelFor(d.n*d.c, d.og*taps*(r1-r0), func(lo, hi int) {
		ext := make([]float32, d.og*lane)
		gbuf := make([]float32, g.phases*g.plane)
		for i := lo; i < hi; i++ {
			ci := i % d.c
			for j := range d.og {
				asm.Copy2D(ext[j*lane+g.maxOff:], g.wph, gy[(i/d.c*d.o+ci*d.og+j)*hw:], d.wo, d.ho, d.wo)
			}
			asm.Correlate(gbuf[r0:r1], ext[r0:], sh, w[ci*d.og*taps:][:d.og*taps])
			g.extract(gx[i*hwIn:], gbuf)
		}
	})
}

func depthwiseWeightGrad(d convDims, x, gy, gw []float32) {
	taps, hwIn, hw := d.kh*d.kw, d.h*d.w, d.ho*d.wo
	sh, same := dwSame(d)
	d1, sh1, strided := dwStride1(d)
	hw1 := d1.ho * d1.wo
	var g dwGeom
	if !same && !strided {
		g = newDwGeom(d)
	}
	// Each worker owns whole input channels and adds their images in
	// order into 16 partial sums per tap (asm.DotShiftsLanes), reduced once
	// at the end; images are the outer loop so that memory is read in order.
	parallelFor(d.c, d.n*d.og*taps*hw, func(lo, hi int) {
		lanes := make([]float32, (hi-lo)*d.og*taps*16)
		var buf, wide, up []float32
		switch {
		case strided:
			up = make([]float32, hw1) // zero but for the upsampled positions
		case !same:
			buf, wide = make([]float32, g.buf), make([]float32, g.q)
		}
		for n := range d.n {
			for ci := lo; ci < hi; ci++ {
				if nn, nc := n, ci+1; nc < hi || n+1 < d.n {
					if nc == hi {
						nn, nc = n+1, lo
					}
					asm.Prefetch(x[(nn*d.c+nc)*hwIn:][:hwIn], false)
					asm.Prefetch(gy[(nn*d.o+nc*d.og)*hw:][:d.og*hw], false)
				}
				xp := x[(n*d.c+ci)*hwIn:]
				if !same && !strided {
					g.fill(buf, xp)
				}
				for j := range d.og {
					gp := gy[(n*d.o+ci*d.og+j)*hw:]
					l := lanes[((ci-lo)*d.og+j)*taps*16:][:taps*16]
					switch {
					case same:
						asm.DotShiftsLanes(l, gp[:hw], xp, sh)
					case strided:
						upsample(d, d1, up, gp)
						asm.DotShiftsLanes(l, up, xp, sh1)
					default:
						asm.Copy2D(wide, g.wph, gp, d.wo, d.ho, d.wo)
						asm.DotShiftsLanes(l, wide, buf, g.shifts)
					}
				}
			}
		}
		asm.ReduceLanes(gw[lo*d.og*taps:hi*d.og*taps], lanes)
	})
}

// dwGeom is the stride-phased padded layout of the general path.
type dwGeom struct {
	d        convDims
	hph, wph int // phase plane size
	plane    int // hph·wph
	phases   int // sh·sw
	buf      int // length of the phased input buffer
	q        int // wide output length ho·wph
	offs     []int
	maxOff   int
	shifts   asm.Shifts // offs over the q wide positions
	pos      []int32    // strided layouts: buffer index of each input pixel
}

func newDwGeom(d convDims) dwGeom {
	p := d.p
	sh, sw := p.StrideH, p.StrideW
	hp, wp := d.h+2*p.PadH, d.w+2*p.PadW
	g := dwGeom{d: d, hph: (hp + sh - 1) / sh, wph: (wp + sw - 1) / sw, phases: sh * sw}
	g.plane = g.hph * g.wph
	g.q = d.ho * g.wph
	g.offs = make([]int, d.kh*d.kw)
	for ki := range d.kh {
		for kj := range d.kw {
			a, b := ki*p.DilationH, kj*p.DilationW
			off := (a%sh*sw+b%sw)*g.plane + a/sh*g.wph + b/sw
			g.offs[ki*d.kw+kj] = off
			g.maxOff = max(g.maxOff, off)
		}
	}
	g.buf = max(g.phases*g.plane, g.q+g.maxOff)
	g.shifts = asm.NewShifts(g.offs, nil, g.q)
	if g.phases > 1 {
		g.pos = make([]int32, d.h*d.w)
		for iy := range d.h {
			for ix := range d.w {
				g.pos[iy*d.w+ix] = int32(g.index(iy, ix))
			}
		}
	}
	return g
}

// index returns the position of input pixel (iy, ix) in the phased buffer.
func (g *dwGeom) index(iy, ix int) int {
	p := g.d.p
	py, px := iy+p.PadH, ix+p.PadW
	return (py%p.StrideH*p.StrideW+px%p.StrideW)*g.plane + py/p.StrideH*g.wph + px/p.StrideW
}

// fill writes input plane x (h×w) into the phased buffer, whose padding
// stays zero.
func (g *dwGeom) fill(buf, x []float32) {
	d := g.d
	if g.phases == 1 {
		asm.Copy2D(buf[g.index(0, 0):], g.wph, x, d.w, d.h, d.w)
		return
	}
	for i, p := range g.pos {
		buf[p] = x[i]
	}
}

// extract reads the input-shaped interior of a phased buffer into x.
func (g *dwGeom) extract(x, buf []float32) {
	d := g.d
	if g.phases == 1 {
		asm.Copy2D(x, d.w, buf[g.index(0, 0):], g.wph, d.h, d.w)
		return
	}
	for i, p := range g.pos {
		x[i] = buf[p]
	}
}
