package tensor

import (
	"sync"
	"unsafe"

	"github.com/modeldoctor/modeldoctor/asm"
)

// Depthwise convolution (groups == input channels: MobileNetV2, MnasNet,
// EfficientNet, ShuffleNetV2, Xception) in the SIMD backend. With one input
// channel per group there is nothing for a GEMM to reuse; each face is a
// direct convolution, by one of three paths:
//
//	planar 3×3    3×3 kernels at stride 1 with padding 1 on planes at least
//	              8 wide (depthwise_planar.go, asm.Conv3x3): a plane by
//	              itself, 16 consecutive positions a vector, each kernel
//	              row one window of two vectors shifted in registers.
//	planar 3×3/2  3×3 kernels at stride 2 with padding 1 on planes 16 or 32
//	              wide (asm.ConvS2): an output row (two, 8 wide) a vector,
//	              each tap a permute of two input rows.
//	packed        everything else (small planes, 5×5 and 7×7 kernels,
//	              dilation, other strides and widths): 16 planes at once,
//	              one per lane (asm.PackPlanes and friends).
//
// The planar paths read and write the planes in order, which the hardware
// prefetcher follows (the packed path reads 16 planes at once and
// prefetches in software), and they take the input gradient of a layer
// with one output channel per input channel and, but for planes under 128
// floats, the weight gradient; the packed path takes the rest, including
// channel multipliers (o = k·c: k kernels per input plane).
//
// In the channel-packed path a plane's pixel becomes one float of a "pixel
// vector" holding 16 planes, each tap of the convolution is one fused
// multiply-add of whole vectors with the 16 planes' weights for that tap,
// and the weight gradient of a tap is a sum of whole-vector products, lane
// by lane. The packed buffers carry the geometry, so one kernel serves
// every stride, padding, dilation and kernel size:
//
//	forward       the input is packed zero-padded and stored in stride
//	              phases: padded pixel (py, px) goes to phase
//	              (py mod sh, px mod sw), row py/sh, column px/sw of a
//	              phase plane wph wide. Output (oy, ox) then reads, for tap
//	              (ki, kj), phase ((ki·dh) mod sh, (kj·dw) mod sw) at
//	              (oy + ki·dh/sh, ox + kj·dw/sw), so with q = oy·wph + ox
//	              every tap is a fixed offset from q, and the output is one
//	              run of ho·wph pixel vectors, of which the columns
//	              ox >= wo are computed and not unpacked.
//	weight grad   the same input buffer, and the output gradient packed at
//	              the same q (zeros in the unused columns): gw[t] is the
//	              sum over q of gy[q]·x[q + off[t]], lane by lane.
//	input grad    the adjoint, split by the phase of the input pixel:
//	              input (iy, ix) with iy + ph = sh·u + ay, ix + pw = sw·v +
//	              ax receives tap (ki, kj) only when ki·dh ≡ ay (mod sh) and
//	              kj·dw ≡ ax (mod sw), from output (u − e, v − f) with
//	              e = (ki·dh − ay)/sh, f = (kj·dw − ax)/sw. Each phase is then
//	              a correlation of the zero-bordered output gradient with
//	              its own taps (for stride 1, the flipped kernel), again
//	              one run of pixel vectors with fixed tap offsets.
//
// Work is split over planes or groups of 16 planes (forward, input
// gradient) or over input channels or groups of 16 of them (weight
// gradient, each summing over the batch in order, in 16 partial sums per
// tap that are added as a fixed tree at the end), so results do not depend
// on GOMAXPROCS.

// dwScratch hands out zeroed, 64-byte-aligned scratch buffers (the
// packed planes), reused across calls: fresh ones would be page-faulted in
// on every call.
var dwScratch sync.Pool

func getScratch(n int) []float32 {
	var b []float32
	if p, ok := dwScratch.Get().(*[]float32); ok && cap(*p) >= n+15 {
		b = (*p)[:cap(*p)]
	} else {
		b = make([]float32, n+15)
	}
	a := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % 64 / 4)
	if a != 0 {
		a = 16 - a
	}
	b = b[a : a+n : len(b)]
	clear(b)
	return b
}

func putScratch(bufs ...[]float32) {
	for _, b := range bufs {
		b = b[:cap(b)]
		dwScratch.Put(&b)
	}
}

// dwGeoms caches the geometries of recent convolutions: a model has a few
// depthwise layers, called every step. Entries are keyed by the geometry's
// type and the convolution of one image.
var dwGeoms struct {
	sync.Mutex
	m map[dwGeomKey]any
}

type dwGeomKey struct {
	kind string
	d    convDims
}

func cachedGeom[T any](kind string, d convDims, build func(convDims) *T) *T {
	d.n = 0
	k := dwGeomKey{kind, d}
	dwGeoms.Lock()
	g, ok := dwGeoms.m[k].(*T)
	dwGeoms.Unlock()
	if ok {
		return g
	}
	g = build(d)
	dwGeoms.Lock()
	if dwGeoms.m == nil || len(dwGeoms.m) >= 128 {
		dwGeoms.m = map[dwGeomKey]any{}
	}
	dwGeoms.m[k] = g
	dwGeoms.Unlock()
	return g
}

// dwForward is the geometry of the forward pass and the weight gradient.
type dwForward struct {
	in   asm.PixelMap   // input pixel → phased, padded input buffer
	out  asm.PixelMap   // output pixel → q = oy·wph + ox
	taps asm.TapOffsets // tap t reads q + offset
	buf  int            // pixel vectors in the input buffer
	q    int            // pixel vectors in the output run, ho·wph
}

func newDwForward(d convDims) *dwForward {
	p := d.p
	sh, sw := p.StrideH, p.StrideW
	hp, wp := d.h+2*p.PadH, d.w+2*p.PadW
	hph, wph := (hp+sh-1)/sh, (wp+sw-1)/sw
	plane := hph * wph
	offs := make([]int, d.kh*d.kw)
	maxOff := 0
	for ki := range d.kh {
		for kj := range d.kw {
			a, b := ki*p.DilationH, kj*p.DilationW
			off := (a%sh*sw+b%sw)*plane + a/sh*wph + b/sw
			offs[ki*d.kw+kj] = off
			maxOff = max(maxOff, off)
		}
	}
	g := &dwForward{taps: asm.NewTapOffsets(offs), q: d.ho * wph}
	g.buf = max(sh*sw*plane, g.q+maxOff)
	in := make([]int32, d.h*d.w)
	for iy := range d.h {
		for ix := range d.w {
			py, px := iy+p.PadH, ix+p.PadW
			in[iy*d.w+ix] = int32((py%sh*sw+px%sw)*plane + py/sh*wph + px/sw)
		}
	}
	out := make([]int32, d.ho*d.wo)
	for oy := range d.ho {
		for ox := range d.wo {
			out[oy*d.wo+ox] = int32(oy*wph + ox)
		}
	}
	g.in, g.out = asm.NewPixelMap(in), asm.NewPixelMap(out)
	return g
}

// dwPlanes returns the offsets of the 16 planes i0, i0+1, … of size hw
// (repeating the last of the n planes) and how many there are.
func dwPlanes(offs *[16]int, i0, n, hw int) int {
	cnt := min(16, n-i0)
	for l := range offs {
		offs[l] = (i0 + min(l, cnt-1)) * hw
	}
	return cnt
}

// dwTiles returns the packed weights of the planes' groups: tile(i0, buf)
// is the og·taps weight vectors of the 16 planes from i0 (lane l is plane
// i0 + l, channel (i0+l) mod c), tap t of multiplier j at 16·(j·taps+t),
// zero for lanes past the last plane; sel, if not nil, picks and orders
// the j·taps+t to keep. When c is a multiple of 16 every group starts on
// a multiple of 16 channels and the tiles are made once; otherwise tile
// builds the group's into buf.
func dwTiles(d convDims, w []float32, sel []int) func(i0 int, buf []float32) []float32 {
	taps, planes := d.kh*d.kw, d.n*d.c
	k := d.og * taps
	if sel != nil {
		k = len(sel)
	}
	build := func(i0 int, buf []float32) []float32 {
		cnt := min(16, planes-i0)
		buf = buf[:16*k]
		for l := range 16 {
			if l >= cnt {
				for t := range k {
					buf[16*t+l] = 0
				}
				continue
			}
			src := w[(i0+l)%d.c*d.og*taps:][:d.og*taps]
			if sel == nil {
				for t, v := range src {
					buf[16*t+l] = v
				}
				continue
			}
			for t, s := range sel {
				buf[16*t+l] = src[s]
			}
		}
		return buf
	}
	if d.c%16 != 0 || planes < 2*d.c {
		return build
	}
	all := asm.AlignedFloats(d.c * k)
	for c0 := 0; c0 < d.c; c0 += 16 {
		build(c0, all[c0*k:])
	}
	return func(i0 int, _ []float32) []float32 {
		c0 := i0 % d.c
		return all[c0*k : (c0+16)*k]
	}
}

func depthwiseForward(d convDims, x, w, out []float32) {
	taps, hwIn, hw := d.kh*d.kw, d.h*d.w, d.ho*d.wo
	if hw <= 0 {
		return
	}
	if dwPlanar(d) {
		planarForward(d, x, w, out)
		return
	}
	if g := dwStride2(d); g != nil {
		stride2Forward(d, g, x, w, out)
		return
	}
	g := cachedGeom("packed forward", d, newDwForward)
	planes := d.n * d.c
	groups := (planes + 15) / 16
	tiles := dwTiles(d, w, nil)
	parallelFor(groups, 16*d.og*taps*g.q, func(lo, hi int) {
		buf, run, tile := getScratch(16*g.buf), getScratch(16*g.q), getScratch(16*d.og*taps)
		defer putScratch(buf, run, tile)
		var in, dst [16]int
		for gi := lo; gi < hi; gi++ {
			i0 := 16 * gi
			cnt := dwPlanes(&in, i0, planes, hwIn)
			// The next group's planes are the next 16 (16·og outputs).
			asm.PackPlanes(buf, g.in, x, &in, 16*hwIn)
			wt := tiles(i0, tile)
			for j := range d.og {
				asm.ConvPacked(run, buf, wt[16*j*taps:16*(j+1)*taps], g.taps)
				for l := range cnt {
					dst[l] = ((i0+l)/d.c*d.o + (i0+l)%d.c*d.og + j) * hw
				}
				asm.UnpackPlanes(out, &dst, cnt, run, g.out, 16*d.og*hw)
			}
		}
	})
}

// dwPhase is one stride phase of the input gradient: its taps, over the
// og output-gradient buffers, and their weights' indices j·taps + t.
type dwPhase struct {
	taps asm.TapOffsets
	idx  []int
}

// dwBackward is the geometry of the input gradient.
type dwBackward struct {
	gy     asm.PixelMap // output-gradient pixel → zero-bordered buffer
	glen   int          // pixel vectors per output-gradient buffer
	phases []dwPhase
	q      int          // pixel vectors per phase run
	gx     asm.PixelMap // input pixel → its phase's run
}

func newDwBackward(d convDims) *dwBackward {
	p := d.p
	sh, sw, dh, dw := p.StrideH, p.StrideW, p.DilationH, p.DilationW
	// Input (iy, ix) is (u, v) of phase (ay, ax); u ∈ [u0, u1), v ∈ [v0, v1).
	u0, u1 := p.PadH/sh, (d.h-1+p.PadH)/sh+1
	v0, v1 := p.PadW/sw, (d.w-1+p.PadW)/sw+1
	// Taps reach back up to eh rows and ew columns of the output gradient,
	// which is stored from row r0 and column c0 (<= 0) in rows wq wide.
	eh, ew := (d.kh-1)*dh/sh, (d.kw-1)*dw/sw
	r0, c0 := min(u0-eh, 0), min(v0-ew, 0)
	wq := max(v1, d.wo) - c0
	g := &dwBackward{q: (u1 - u0) * wq}
	g.glen = max((u1-r0)*wq+v0-c0, (d.ho-r0)*wq)
	pos := make([]int32, d.ho*d.wo)
	for oy := range d.ho {
		for ox := range d.wo {
			pos[oy*d.wo+ox] = int32((oy-r0)*wq + ox - c0)
		}
	}
	g.gy = asm.NewPixelMap(pos)
	taps := d.kh * d.kw
	for ay := range sh {
		for ax := range sw {
			offs, idx := []int{}, []int{} // idx not nil: dwTiles keeps none
			for j := range d.og {
				for ki := range d.kh {
					if ki*dh%sh != ay {
						continue
					}
					for kj := range d.kw {
						if kj*dw%sw != ax {
							continue
						}
						e, f := (ki*dh-ay)/sh, (kj*dw-ax)/sw
						offs = append(offs, j*g.glen+(u0-r0-e)*wq+v0-c0-f)
						idx = append(idx, j*taps+ki*d.kw+kj)
					}
				}
			}
			g.phases = append(g.phases, dwPhase{asm.NewTapOffsets(offs), idx})
		}
	}
	pos = make([]int32, d.h*d.w)
	for iy := range d.h {
		for ix := range d.w {
			py, px := iy+p.PadH, ix+p.PadW
			ph := py%sh*sw + px%sw
			pos[iy*d.w+ix] = int32(ph*g.q + (py/sh-u0)*wq + px/sw - v0)
		}
	}
	g.gx = asm.NewPixelMap(pos)
	return g
}

func depthwiseInputGrad(d convDims, gy, w, gx []float32) {
	taps, hwIn, hw := d.kh*d.kw, d.h*d.w, d.ho*d.wo
	if hwIn <= 0 {
		return
	}
	if hw <= 0 {
		clear(gx)
		return
	}
	if dwPlanar(d) && d.og == 1 {
		planarInputGrad(d, gy, w, gx)
		return
	}
	if g := dwStride2(d); g != nil && d.og == 1 {
		stride2InputGrad(d, g, gy, w, gx)
		return
	}
	g := cachedGeom("packed backward", d, newDwBackward)
	planes := d.n * d.c
	groups := (planes + 15) / 16
	tiles := make([]func(int, []float32) []float32, len(g.phases))
	for p, ph := range g.phases {
		tiles[p] = dwTiles(d, w, ph.idx)
	}
	parallelFor(groups, 16*d.og*taps*hwIn, func(lo, hi int) {
		buf, runs, tile := getScratch(16*d.og*g.glen), getScratch(16*len(g.phases)*g.q), getScratch(16*d.og*taps)
		defer putScratch(buf, runs, tile)
		var src, dst [16]int
		for gi := lo; gi < hi; gi++ {
			i0 := 16 * gi
			cnt := dwPlanes(&dst, i0, planes, hwIn)
			for j := range d.og {
				for l := range src {
					i := i0 + min(l, cnt-1)
					src[l] = (i/d.c*d.o + i%d.c*d.og + j) * hw
				}
				asm.PackPlanes(buf[16*j*g.glen:], g.gy, gy, &src, 16*d.og*hw)
			}
			for p, ph := range g.phases {
				asm.ConvPacked(runs[16*p*g.q:16*(p+1)*g.q], buf, tiles[p](i0, tile), ph.taps)
			}
			asm.UnpackPlanes(gx, &dst, cnt, runs, g.gx, 16*hwIn)
		}
	})
}

func depthwiseWeightGrad(d convDims, x, gy, gw []float32) {
	taps, hwIn, hw := d.kh*d.kw, d.h*d.w, d.ho*d.wo
	if hw <= 0 || hwIn <= 0 {
		clear(gw)
		return
	}
	if dwPlanar(d) && hwIn >= planarGradMinLen {
		planarWeightGrad(d, x, gy, gw)
		return
	}
	if g := dwStride2(d); g != nil {
		stride2WeightGrad(d, g, x, gy, gw)
		return
	}
	g := cachedGeom("packed forward", d, newDwForward)
	groups := (d.c + 15) / 16
	// Each worker owns whole groups of 16 input channels and adds their
	// images in order into one sum per lane and tap.
	parallelFor(groups, d.n*16*d.og*taps*g.q, func(lo, hi int) {
		buf, acc := getScratch(16*g.buf), getScratch(16*d.og*taps)
		run := getScratch(16 * g.q) // zero in the columns ox >= wo
		defer putScratch(buf, run, acc)
		var in, out [16]int
		for gi := lo; gi < hi; gi++ {
			c0 := 16 * gi
			cnt := min(16, d.c-c0)
			clear(acc)
			for n := range d.n {
				for l := range in {
					in[l] = (n*d.c + c0 + min(l, cnt-1)) * hwIn
				}
				// The next image's planes are c (o) planes further on.
				asm.PackPlanes(buf, g.in, x, &in, d.c*hwIn)
				for j := range d.og {
					for l := range out {
						out[l] = (n*d.o + (c0+min(l, cnt-1))*d.og + j) * hw
					}
					asm.PackPlanes(run, g.out, gy, &out, d.o*hw)
					asm.DotPacked(acc[16*j*taps:16*(j+1)*taps], run, buf, g.taps)
				}
			}
			for l := range cnt {
				for j := range d.og {
					dst := gw[((c0+l)*d.og+j)*taps:][:taps]
					for t := range dst {
						dst[t] = acc[16*(j*taps+t)+l]
					}
				}
			}
		}
	})
}
