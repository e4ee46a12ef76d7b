package asm

import (
	"fmt"
	"math"
	"unsafe"
)

// Channel-packed depthwise convolution. A depthwise convolution has one
// input channel per output channel, so there is nothing to share between
// the planes of a batch, and a plane is often too small (a 4×4 or 8×8
// map) or too oddly shaped (17 or 9 wide, strided) to fill 16-lane vectors
// by itself. Instead, 16 planes are convolved at once with one plane per
// lane: PackPlanes transposes them into "pixel vectors" (the 16 planes'
// values at one pixel), the convolution is then a sum of whole vectors,
// tap t of output pixel b reading the input pixel b + offs[t] with the
// 16 planes' weights of that tap (ConvPacked; DotPacked is its weight
// gradient), and UnpackPlanes transposes the result back. Zero padding,
// strides and dilation are all in where PackPlanes puts each pixel (a
// PixelMap) and in the tap offsets: no masks, no lane is wasted, and
// every load is an aligned 64-byte vector.

// PixelMap is a validated list of pixel positions: pixel p of a plane goes
// to vector Pos(p) of a packed buffer (floats 16·Pos(p) to 16·Pos(p)+16).
type PixelMap struct {
	pos  []int32
	need int // a packed buffer must hold this many floats
}

// NewPixelMap validates pos (no negative positions).
func NewPixelMap(pos []int32) PixelMap {
	m := -1
	for p, v := range pos {
		if v < 0 {
			panic(fmt.Sprintf("asm.NewPixelMap: pixel %d at %d", p, v))
		}
		m = max(m, int(v))
	}
	return PixelMap{pos: pos, need: 16 * (m + 1)}
}

// Len returns the number of pixels.
func (m PixelMap) Len() int { return len(m.pos) }

// Need returns the length a packed buffer must have.
func (m PixelMap) Need() int { return m.need }

// TapOffsets is a validated list of tap offsets, in pixel vectors.
type TapOffsets struct {
	offs  []int
	bytes []int64 // offs·64, for the assembly
	runs  []int64 // byte offset and length of each run of consecutive offsets
	max   int
}

// maxRun is the longest run of taps convPackedAVX512 takes at once.
const maxRun = 5

// NewTapOffsets validates offs (none negative).
func NewTapOffsets(offs []int) TapOffsets {
	t := TapOffsets{offs: offs, bytes: make([]int64, len(offs))}
	for i, o := range offs {
		if o < 0 {
			panic(fmt.Sprintf("asm.NewTapOffsets: tap %d at %d", i, o))
		}
		t.bytes[i] = int64(o) * 64
		t.max = max(t.max, o)
		if n := len(t.runs); n > 0 && t.runs[n-1] < maxRun && int(t.bytes[i-1])/64+1 == o {
			t.runs[n-1]++
			continue
		}
		t.runs = append(t.runs, t.bytes[i], 1)
	}
	return t
}

// Len returns the number of taps.
func (t TapOffsets) Len() int { return len(t.offs) }

// Max returns the largest offset.
func (t TapOffsets) Max() int { return t.max }

// AlignedFloats returns n zeroed floats starting on a 64-byte boundary, so
// that the pixel vectors of a packed buffer are single cache lines.
func AlignedFloats(n int) []float32 {
	b := make([]float32, n+15)
	a := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % 64 / 4)
	if a != 0 {
		a = 16 - a
	}
	return b[a : a+n : a+n]
}

// PackPlanes writes pixel p of the 16 planes src[offs[l]:offs[l]+m.Len()]
// as the pixel vector dst[16·m.Pos(p):], lane l from plane l. A caller with
// fewer than 16 planes repeats one (the extra lanes are then computed on
// and never unpacked). Vectors of dst that m does not name are left alone,
// so a buffer's padding, zeroed once, stays zero.
//
// next, if not 0, is the distance in floats to the planes the caller packs
// next: they are prefetched as these are read (the hardware prefetcher
// does not follow 16 streams). It is only a hint; it may point past src.
func PackPlanes(dst []float32, m PixelMap, src []float32, offs *[16]int, next int) {
	n := len(m.pos)
	if len(dst) < m.need {
		panic(fmt.Sprintf("asm.PackPlanes: %d floats for a map that needs %d", len(dst), m.need))
	}
	var b [16]int64
	for l, o := range offs {
		if o < 0 || o+n > len(src) {
			panic(fmt.Sprintf("asm.PackPlanes: plane %d at %d+%d of %d floats", l, o, n, len(src)))
		}
		b[l] = int64(o) * 4
	}
	if n == 0 {
		return
	}
	if active.Load().ops.avx512 {
		packPlanesA512(dst, m.pos, src, &b, 4*next)
		return
	}
	if active.Load().ops.avx2 {
		packPlanesA2(dst, m.pos, src, &b, 4*next)
		return
	}
	for p, v := range m.pos {
		out := dst[16*int(v) : 16*int(v)+16]
		for l := range out {
			out[l] = src[offs[l]+p]
		}
	}
}

// UnpackPlanes is PackPlanes's inverse for the first cnt lanes: it writes
// plane l < cnt, dst[offs[l]:offs[l]+m.Len()], from lane l of the pixel
// vectors src[16·m.Pos(p):]. Lanes cnt and up are not written anywhere.
// next is PackPlanes's prefetch hint, for the planes written next.
func UnpackPlanes(dst []float32, offs *[16]int, cnt int, src []float32, m PixelMap, next int) {
	n := len(m.pos)
	if cnt < 0 || cnt > 16 {
		panic(fmt.Sprintf("asm.UnpackPlanes: %d planes", cnt))
	}
	if len(src) < m.need {
		panic(fmt.Sprintf("asm.UnpackPlanes: %d floats for a map that needs %d", len(src), m.need))
	}
	var b [16]int64
	for l, o := range offs[:cnt] {
		if o < 0 || o+n > len(dst) {
			panic(fmt.Sprintf("asm.UnpackPlanes: plane %d at %d+%d of %d floats", l, o, n, len(dst)))
		}
		b[l] = int64(o) * 4
	}
	if n == 0 || cnt == 0 {
		return
	}
	if active.Load().ops.avx512 {
		unpackPlanesA512(dst, &b, cnt, src, m.pos, 4*next)
		return
	}
	if active.Load().ops.avx2 {
		unpackPlanesA2(dst, &b, cnt, src, m.pos, 4*next)
		return
	}
	for p, v := range m.pos {
		in := src[16*int(v) : 16*int(v)+16]
		for l := range cnt {
			dst[offs[l]+p] = in[l]
		}
	}
}

// ConvPacked writes out[16b+l] = Σ_t w[16t+l]·in[16(b+offs[t])+l] for the
// len(out)/16 pixel vectors b, summing the taps in order with fused
// multiply-adds (the first tap a plain product). Zero taps write zeros.
func ConvPacked(out, in, w []float32, t TapOffsets) {
	q := len(out) / 16
	if len(out)%16 != 0 || len(w) != 16*len(t.offs) {
		panic(fmt.Sprintf("asm.ConvPacked: %d outputs and %d weights for %d taps", len(out), len(w), len(t.offs)))
	}
	if q == 0 {
		return
	}
	if len(t.offs) == 0 {
		clear(out)
		return
	}
	if need := 16 * (q + t.max); len(in) < need {
		panic(fmt.Sprintf("asm.ConvPacked: input has %d floats, taps read %d", len(in), need))
	}
	if active.Load().ops.avx512 {
		convPackedA512(out, in, w, t.bytes, t.runs)
		return
	}
	if active.Load().ops.avx2 {
		convPackedA2(out, in, w, t.bytes)
		return
	}
	convPackedGo(out, in, w, t.offs)
}

// DotPacked adds to acc[16t+l] Σ_b g[16b+l]·in[16(b+offs[t])+l] over the
// len(g)/16 pixel vectors b in order, with fused multiply-adds: the weight
// gradient of ConvPacked, lane by lane. Calling it for a batch of images
// in order sums the batch in an order that depends only on the data.
func DotPacked(acc, g, in []float32, t TapOffsets) {
	q := len(g) / 16
	if len(g)%16 != 0 || len(acc) != 16*len(t.offs) {
		panic(fmt.Sprintf("asm.DotPacked: %d gradients and %d sums for %d taps", len(g), len(acc), len(t.offs)))
	}
	if q == 0 || len(t.offs) == 0 {
		return
	}
	if need := 16 * (q + t.max); len(in) < need {
		panic(fmt.Sprintf("asm.DotPacked: input has %d floats, taps read %d", len(in), need))
	}
	if active.Load().ops.avx512 {
		// The assembly keeps up to dotTaps sums in registers.
		for t0 := 0; t0 < len(t.offs); t0 += dotTaps {
			t1 := min(t0+dotTaps, len(t.offs))
			dotPackedA512(acc[16*t0:16*t1], g, in, t.bytes[t0:t1])
		}
		return
	}
	if active.Load().ops.avx2 {
		dotPackedA2(acc, g, in, t.bytes)
		return
	}
	dotPackedGo(acc, g, in, t.offs)
}

// dotTaps is the most taps dotPackedAVX512 sums at once.
const dotTaps = 30

// fma32 is a fused multiply-add in float32: a·b is exact in float64, and
// the sum is rounded twice, which differs from one rounding only in cases
// far rarer than any test meets.
func fma32(a, b, c float32) float32 {
	return float32(math.FMA(float64(a), float64(b), float64(c)))
}

func convPackedGo(out, in, w []float32, offs []int) {
	for b := range len(out) / 16 {
		o := (*[16]float32)(out[16*b:])
		for l := range o {
			o[l] = 0
		}
		for t, off := range offs {
			x := (*[16]float32)(in[16*(b+off):])
			wt := (*[16]float32)(w[16*t:])
			for l := range o {
				o[l] = fma32(wt[l], x[l], o[l])
			}
		}
	}
}

func dotPackedGo(acc, g, in []float32, offs []int) {
	for b := range len(g) / 16 {
		gb := (*[16]float32)(g[16*b:])
		for t, off := range offs {
			x := (*[16]float32)(in[16*(b+off):])
			a := (*[16]float32)(acc[16*t:])
			for l := range a {
				a[l] = fma32(gb[l], x[l], a[l])
			}
		}
	}
}
