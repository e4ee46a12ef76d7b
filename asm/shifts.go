package asm

import "fmt"

// Shifted sums: the loops of a depthwise convolution, laid out in one
// dimension. Output position q of a plane reads, for kernel tap t, the
// input at q + Delta[t] (a stride-1 "same" convolution: the output plane
// is as wide as the input), except where the tap overhangs the border; the
// tap's mask row says which positions it reads. A depthwise convolution is
// then out[q] = Σ_t w[t]·in[q+Delta[t]] over the enabled (t, q), and its
// weight gradient gw[t] = Σ_q gy[q]·in[q+Delta[t]]: two long, vectorised
// loops with no padding copies and no border branches. Other geometries
// (strides > 1) use the same loops on a padded, stride-phased copy of the
// plane with every lane enabled.

// Shifts is a validated set of taps over n output positions: tap t reads
// src[q+Delta[t]] at the positions q whose bit (q mod 16) is set in
// Masks[t*segs + q/16], segs = ceil(n/16). Bits at q >= n are clear.
type Shifts struct {
	deltas []int
	masks  []uint16
	n      int
	segs   int
	need   int // a source must be at least this long
}

// NewShifts validates taps (len(deltas) of them) over n positions and
// returns them. masks holds len(deltas)·ceil(n/16) rows of lanes, or is nil
// for "every position". It panics if an enabled lane reads before index 0
// or a mask enables a position >= n.
func NewShifts(deltas []int, masks []uint16, n int) Shifts {
	segs := (n + 15) / 16
	tail := uint16(0xffff)
	if n%16 != 0 {
		tail = 1<<(n%16) - 1
	}
	if masks == nil {
		masks = make([]uint16, len(deltas)*segs)
		for t := range deltas {
			row := masks[t*segs : (t+1)*segs]
			for s := range row {
				row[s] = 0xffff
			}
			if segs > 0 {
				row[segs-1] = tail
			}
		}
	}
	if len(masks) != len(deltas)*segs {
		panic(fmt.Sprintf("asm.NewShifts: %d mask words for %d taps over %d positions", len(masks), len(deltas), n))
	}
	need := 0
	for t, d := range deltas {
		for s, m := range masks[t*segs : (t+1)*segs] {
			if m == 0 {
				continue
			}
			if s == segs-1 && m&^tail != 0 {
				panic(fmt.Sprintf("asm.NewShifts: tap %d enables positions past %d", t, n))
			}
			lo, hi := lowBit(uint32(m)), highBit(uint32(m))
			if 16*s+lo+d < 0 {
				panic(fmt.Sprintf("asm.NewShifts: tap %d reads index %d", t, 16*s+lo+d))
			}
			need = max(need, 16*s+hi+d+1)
		}
	}
	return Shifts{deltas: deltas, masks: masks, n: n, segs: segs, need: need}
}

// Taps returns the number of taps.
func (s Shifts) Taps() int { return len(s.deltas) }

// Len returns the number of output positions.
func (s Shifts) Len() int { return s.n }

// Need returns the length a source must have.
func (s Shifts) Need() int { return s.need }

// Repeat returns k copies of the taps, copy j reading j·stride further
// on: the taps of a sum over k planes stored stride apart.
func (s Shifts) Repeat(k, stride int) Shifts {
	if k < 1 || stride < 0 {
		panic(fmt.Sprintf("asm.Shifts.Repeat(%d, %d)", k, stride))
	}
	r := Shifts{n: s.n, segs: s.segs, need: s.need + (k-1)*stride}
	r.deltas = make([]int, 0, k*len(s.deltas))
	r.masks = make([]uint16, 0, k*len(s.masks))
	for j := range k {
		for _, d := range s.deltas {
			r.deltas = append(r.deltas, d+j*stride)
		}
		r.masks = append(r.masks, s.masks...)
	}
	if s.need == 0 {
		r.need = 0
	}
	return r
}

func (s Shifts) check(name string, srcLen int) {
	if srcLen < s.need {
		panic(fmt.Sprintf("asm.%s: source has %d floats, taps read up to %d", name, srcLen, s.need))
	}
}

// Correlate writes dst[q] = Σ_t w[t]·src[q+Delta[t]] over the enabled
// taps, for q < s.Len() (= len(dst)), summing the taps in order.
func Correlate(dst, src []float32, s Shifts, w []float32) {
	if len(w) != s.Taps() || len(dst) != s.n {
		panic(fmt.Sprintf("asm.Correlate: %d weights and %d outputs for %d taps over %d positions", len(w), len(dst), s.Taps(), s.n))
	}
	if s.n == 0 {
		return
	}
	s.check("Correlate", len(src))
	if s.Taps() == 0 || len(src) == 0 {
		clear(dst)
		return
	}
	ops := active.Load().ops
	if ops.avx512 {
		correlateA512(dst, src, s, w)
		return
	}
	if ops.avx2 {
		correlateA2(dst, src, s, w)
		return
	}
	correlateGo(dst, src, s, w)
}

// DotShifts writes out[t] = Σ_q g[q]·src[q+Delta[t]] over the enabled
// positions: the weight gradient of Correlate. Each sum is accumulated in
// 16 interleaved partial sums (q mod 16), added in a fixed tree.
func DotShifts(out, g, src []float32, s Shifts) {
	if len(out) != s.Taps() {
		panic(fmt.Sprintf("asm.DotShifts: %d outputs for %d taps", len(out), s.Taps()))
	}
	lanes := make([]float32, 16*s.Taps())
	DotShiftsLanes(lanes, g, src, s)
	ReduceLanes(out, lanes)
}

// DotShiftsLanes adds to lanes[16t+l] the partial sum of DotShifts's
// out[t] over the positions q ≡ l (mod 16). Calling it for a batch of
// planes in order and reducing once with ReduceLanes sums the batch without
// a rounding step per plane, in an order that depends only on the data.
func DotShiftsLanes(lanes, g, src []float32, s Shifts) {
	if len(lanes) != 16*s.Taps() || len(g) != s.n {
		panic(fmt.Sprintf("asm.DotShiftsLanes: %d lanes and %d gradients for %d taps over %d positions", len(lanes), len(g), s.Taps(), s.n))
	}
	s.check("DotShiftsLanes", len(src))
	if s.n == 0 || len(src) == 0 || s.Taps() == 0 {
		return
	}
	ops := active.Load().ops
	for t0 := 0; t0 < s.Taps(); t0 += 16 {
		taps := min(16, s.Taps()-t0)
		if ops.avx512 {
			dotShiftsA512(lanes[16*t0:16*(t0+taps)], g, src, s, t0, taps)
		} else if ops.avx2 {
			dotShiftsA2(lanes[16*t0:16*(t0+taps)], g, src, s, t0, taps)
		} else {
			dotShiftsGo(lanes[16*t0:16*(t0+taps)], g, src, s, t0, taps)
		}
	}
}

// ReduceLanes writes out[t] = the sum of lanes[16t:16t+16], as a tree.
func ReduceLanes(out, lanes []float32) {
	if len(lanes) != 16*len(out) {
		panic(fmt.Sprintf("asm.ReduceLanes: %d lanes for %d outputs", len(lanes), len(out)))
	}
	for t := range out {
		out[t] = reduce16((*[16]float32)(lanes[16*t:]))
	}
}

// reduce16 sums 16 partial sums as a balanced tree.
func reduce16(l *[16]float32) float32 {
	var h [8]float32
	for i := range h {
		h[i] = l[i] + l[i+8]
	}
	a, b, c, d := h[0]+h[4], h[1]+h[5], h[2]+h[6], h[3]+h[7]
	return (a + c) + (b + d)
}

func correlateGo(dst, src []float32, s Shifts, w []float32) {
	clear(dst)
	for t, d := range s.deltas {
		wt := w[t]
		for sg, m := range s.masks[t*s.segs : (t+1)*s.segs] {
			if m == 0 {
				continue
			}
			q0 := 16 * sg
			if m == 0xffff {
				out, in := dst[q0:q0+16], src[q0+d:q0+d+16]
				for l, v := range in {
					out[l] += wt * v
				}
				continue
			}
			for l := range 16 {
				if m&(1<<l) != 0 {
					dst[q0+l] += wt * src[q0+l+d]
				}
			}
		}
	}
}

// dotShiftsGo adds to lanes[16t+l] Σ g[q]·src[q+Delta[t0+t]] over the
// enabled q ≡ l (mod 16), for taps taps from t0.
func dotShiftsGo(lanes, g, src []float32, s Shifts, t0, taps int) {
	for t := range taps {
		acc := (*[16]float32)(lanes[16*t:])
		d := s.deltas[t0+t]
		for sg, m := range s.masks[(t0+t)*s.segs : (t0+t+1)*s.segs] {
			for l := range 16 {
				if m&(1<<l) != 0 {
					q := 16*sg + l
					acc[l] += g[q] * src[q+d]
				}
			}
		}
	}
}

// Copy2D copies a rows×cols block between row-major buffers:
// dst[i*ldd+j] = src[i*lds+j]. The strided depthwise path moves planes in
// and out of its padded layout with it; short rows (a 16-wide plane) are
// one vector each instead of a call to memmove.
func Copy2D(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if ldd < cols || lds < cols || len(dst) < (rows-1)*ldd+cols || len(src) < (rows-1)*lds+cols {
		panic(fmt.Sprintf("asm.Copy2D: %dx%d with ldd %d, lds %d, len(dst) %d, len(src) %d", rows, cols, ldd, lds, len(dst), len(src)))
	}
	ops := active.Load().ops
	if ops.avx512 {
		copy2DA512(dst, ldd, src, lds, rows, cols)
		return
	}
	if ops.avx2 {
		copy2DA2(dst, ldd, src, lds, rows, cols)
		return
	}
	for i := range rows {
		copy(dst[i*ldd:i*ldd+cols], src[i*lds:])
	}
}

// Prefetch asks the CPU to bring buf into L1 ahead of use (for writing
// when write is set) and returns at once. A loop over planes that are each
// read once can prefetch the next plane while it computes on this one,
// which hides the memory latency that the hardware prefetcher, following
// one short plane at a time, does not.
func Prefetch(buf []float32, write bool) {
	if len(buf) == 0 {
		return
	}
	ops := active.Load().ops
	if ops.avx512 {
		prefetchA512(buf, write)
		return
	}
	if ops.avx2 {
		prefetchA2(buf, write)
	}
}
