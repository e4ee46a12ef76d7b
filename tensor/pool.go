package tensor

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/modeldoctor/modeldoctor/asm"
)

// PoolParams are the geometry of a 2-d pooling window.
type PoolParams struct {
	KH, KW, StrideH, StrideW, PadH, PadW int
	CeilMode                             bool
	// CountIncludePad makes average pooling divide by the full window,
	// padding included (PyTorch's default, true, must be set explicitly).
	CountIncludePad bool
}

// PoolOutSize is PyTorch's output length for one axis, ceil mode included
// (a last window that would start in the right padding is dropped).
func PoolOutSize(in, k, stride, pad int, ceil bool) int {
	num := in + 2*pad - k
	out := floorDiv(num, stride) + 1
	if ceil {
		out = floorDiv(num+stride-1, stride) + 1
		if (out-1)*stride >= in+pad {
			out--
		}
	}
	return out
}

func poolShape(op string, x *Tensor, p PoolParams) []int {
	if len(x.shape) != 4 {
		panic(fmt.Sprintf("tensor.%s: want a 4-d input, got %v", op, x.shape))
	}
	if p.KH <= 0 || p.KW <= 0 || p.StrideH <= 0 || p.StrideW <= 0 || 2*p.PadH > p.KH || 2*p.PadW > p.KW {
		panic(fmt.Sprintf("tensor.%s: bad window %+v (padding must be at most half the kernel)", op, p))
	}
	ho := PoolOutSize(x.shape[2], p.KH, p.StrideH, p.PadH, p.CeilMode)
	wo := PoolOutSize(x.shape[3], p.KW, p.StrideW, p.PadW, p.CeilMode)
	if ho <= 0 || wo <= 0 {
		panic(fmt.Sprintf("tensor.%s: input %v too small for %+v", op, x.shape, p))
	}
	return []int{x.shape[0], x.shape[1], ho, wo}
}

// MaxPool2D returns the window maxima and, per output, the flat index
// (h·W + w) of the chosen input inside its plane.
func MaxPool2D(x *Tensor, p PoolParams) (*Tensor, *Indices) {
	out, pi := MaxPool2DWithIndices(x, p)
	idx := pi.int32s()
	ints := make([]int, len(idx))
	for i, v := range idx {
		ints[i] = int(v)
	}
	return out, &Indices{Shape: cloneInts(out.shape), Data: ints}
}

// PoolIndices are max pooling's argmax positions: for each output of an
// [N,C,Ho,Wo] pooling of an [N,C,H,W] input, the flat index h·W + w of its
// source inside the same plane. PoolGather and PoolScatter use them.
type PoolIndices struct {
	out, in []int
	t       *Tensor // int32 values held in allocator storage
}

// MaxPool2DWithIndices returns the window maxima and their positions.
func MaxPool2DWithIndices(x *Tensor, p PoolParams) (*Tensor, *PoolIndices) {
	ys := poolShape("MaxPool2D", x, p)
	if be := deviceOf("MaxPool2D", x); be != nil {
		out := devOut(be, ys, ys)
		onDevice(be, Op{Name: "MaxPool2D", Args: p}, []*Tensor{x}, out, func(in, out []*Tensor) {
			y, pi := MaxPool2DWithIndices(in[0], p)
			out[0].CopyFrom(y)
			for i, v := range pi.int32s() {
				out[1].data[i] = float32(v)
			}
		})
		return out[0], &PoolIndices{out: ys, in: cloneInts(x.shape), t: out[1]}
	}
	out := newTensor(ys)
	pi := &PoolIndices{out: out.shape, in: cloneInts(x.shape), t: newTensor(out.shape)}
	backend().MaxPool2D(x, p, out, pi.int32s())
	return out, pi
}

func (pi *PoolIndices) int32s() []int32 {
	if pi.t.dev != nil {
		panic("tensor: pooling indices on " + string(pi.t.Device()) + " read on the host")
	}
	if pi.t.data == nil {
		panic("tensor: pooling indices used after Release")
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(pi.t.data))), len(pi.t.data))
}

// Shape is the pooled output's shape; InputShape the input's.
func (pi *PoolIndices) Shape() []int      { return pi.out }
func (pi *PoolIndices) InputShape() []int { return pi.in }

// Device returns where the indices live: with the pooled values. On a
// device they are exact flat indices stored as float32 (Tensor).
func (pi *PoolIndices) Device() Device { return pi.t.Device() }

// Tensor returns the device tensor holding the indices as float32, for
// device backends; it panics for host indices (int32 storage).
func (pi *PoolIndices) Tensor() *Tensor {
	if pi.t.dev == nil {
		panic("tensor.PoolIndices.Tensor: the indices are on the host")
	}
	return pi.t
}

// Release hands the indices' storage back to the allocator; they must not
// be used afterwards.
func (pi *PoolIndices) Release() { Release(pi.t) }

// PoolGather picks, in every plane of x (shaped as the pooling input),
// the elements the indices name: out[n,c,o] = x[n,c,idx[n,c,o]]. With the
// pooling's own input it is the max pooling; it is also the adjoint of
// PoolScatter.
func PoolGather(x *Tensor, pi *PoolIndices) *Tensor {
	if !SameShape(x.shape, pi.in) {
		panic(fmt.Sprintf("tensor.PoolGather: input %v for indices of an input %v", x.shape, pi.in))
	}
	if be := deviceOf("PoolGather", x, pi.t); be != nil {
		return dev2(be, "PoolGather", PoolIndexArgs{pi.out, pi.in}, x, pi.t, pi.out, func(x, idx *Tensor) *Tensor { return PoolGather(x, hostPoolIndices(pi, idx)) })
	}
	out := newTensor(pi.out)
	idx := pi.int32s()
	hw, ohw := pi.in[2]*pi.in[3], pi.out[2]*pi.out[3]
	parallelFor(pi.out[0]*pi.out[1], ohw, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			xp := x.data[pl*hw : (pl+1)*hw]
			ip := idx[pl*ohw : (pl+1)*ohw]
			op := out.data[pl*ohw : (pl+1)*ohw]
			for o, k := range ip {
				op[o] = xp[k]
			}
		}
	})
	return out
}

// PoolScatter is the adjoint of PoolGather (max pooling's backward): it
// adds each element of g (shaped as the pooled output) into a zero tensor
// shaped as the input, at the position its index names. Additions into one
// position happen in output order.
func PoolScatter(g *Tensor, pi *PoolIndices) *Tensor {
	if !SameShape(g.shape, pi.out) {
		panic(fmt.Sprintf("tensor.PoolScatter: gradient %v for indices of an output %v", g.shape, pi.out))
	}
	if be := deviceOf("PoolScatter", g, pi.t); be != nil {
		return dev2(be, "PoolScatter", PoolIndexArgs{pi.out, pi.in}, g, pi.t, pi.in, func(g, idx *Tensor) *Tensor { return PoolScatter(g, hostPoolIndices(pi, idx)) })
	}
	idx := pi.int32s()
	hw, ohw := pi.in[2]*pi.in[3], pi.out[2]*pi.out[3]
	gx := newZeros(pi.in)
	parallelFor(pi.out[0]*pi.out[1], hw, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			gp := gx.data[pl*hw : (pl+1)*hw]
			ip := idx[pl*ohw : (pl+1)*ohw]
			yp := g.data[pl*ohw : (pl+1)*ohw]
			for o, k := range ip {
				gp[k] += yp[o]
			}
		}
	})
	return gx
}

// AvgPool2D averages over windows.
func AvgPool2D(x *Tensor, p PoolParams) *Tensor {
	ys := poolShape("AvgPool2D", x, p)
	if be := deviceOf("AvgPool2D", x); be != nil {
		return dev1(be, "AvgPool2D", p, x, ys, func(x *Tensor) *Tensor { return AvgPool2D(x, p) })
	}
	out := newTensor(ys)
	backend().AvgPool2D(x, p, out)
	return out
}

// AvgPool2DTranspose is the adjoint of AvgPool2D: it spreads gy back over
// each window of an input of shape xShape.
func AvgPool2DTranspose(gy *Tensor, p PoolParams, xShape []int) *Tensor {
	if want := poolShape("AvgPool2DTranspose", &Tensor{shape: xShape}, p); !SameShape(want, gy.shape) {
		panic(fmt.Sprintf("tensor.AvgPool2DTranspose: gradient %v, want %v", gy.shape, want))
	}
	if be := deviceOf("AvgPool2DTranspose", gy); be != nil {
		return dev1(be, "AvgPool2DTranspose", p, gy, xShape, func(gy *Tensor) *Tensor { return AvgPool2DTranspose(gy, p, xShape) })
	}
	gx := Zeros(xShape...)
	backend().AvgPool2DTranspose(gy, p, gx)
	return gx
}

// AdaptiveAvgPool2D averages x [N,C,H,W] to [N,C,oh,ow] with PyTorch's
// windows [floor(i·H/oh), ceil((i+1)·H/oh)).
func AdaptiveAvgPool2D(x *Tensor, oh, ow int) *Tensor {
	if len(x.shape) != 4 || oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("tensor.AdaptiveAvgPool2D: input %v to %d×%d", x.shape, oh, ow))
	}
	if be := deviceOf("AdaptiveAvgPool2D", x); be != nil {
		return dev1(be, "AdaptiveAvgPool2D", nil, x, []int{x.shape[0], x.shape[1], oh, ow}, func(x *Tensor) *Tensor { return AdaptiveAvgPool2D(x, oh, ow) })
	}
	out := newTensor([]int{x.shape[0], x.shape[1], oh, ow})
	backend().AdaptiveAvgPool2D(x, out)
	return out
}

// AdaptiveAvgPool2DTranspose is the adjoint of AdaptiveAvgPool2D.
func AdaptiveAvgPool2DTranspose(gy *Tensor, xShape []int) *Tensor {
	if len(xShape) != 4 || len(gy.shape) != 4 || gy.shape[0] != xShape[0] || gy.shape[1] != xShape[1] {
		panic(fmt.Sprintf("tensor.AdaptiveAvgPool2DTranspose: gradient %v for input %v", gy.shape, xShape))
	}
	if be := deviceOf("AdaptiveAvgPool2DTranspose", gy); be != nil {
		return dev1(be, "AdaptiveAvgPool2DTranspose", nil, gy, xShape, func(gy *Tensor) *Tensor { return AdaptiveAvgPool2DTranspose(gy, xShape) })
	}
	gx := Zeros(xShape...)
	backend().AdaptiveAvgPool2DTranspose(gy, gx)
	return gx
}

// window returns the clipped input range of output position o and the
// divisor average pooling uses for it.
func window(o, k, stride, pad, in int) (lo, hi, full int) {
	lo = o*stride - pad
	hi = min(lo+k, in+pad)
	full = hi - lo
	return max(lo, 0), min(hi, in), full
}

func adaptiveWindow(o, out, in int) (lo, hi int) {
	return o * in / out, ((o+1)*in + out - 1) / out
}

// MaxPool2D implements Backend.
func (CPU) MaxPool2D(x *Tensor, p PoolParams, out *Tensor, idx []int32) {
	h, w, ho, wo := x.shape[2], x.shape[3], out.shape[2], out.shape[3]
	planes := x.shape[0] * x.shape[1]
	if p.KH == 2 && p.KW == 2 && p.StrideH == 2 && p.StrideW == 2 && p.PadH == 0 && p.PadW == 0 && 2*ho <= h && 2*wo <= w {
		parallelFor(planes, h*w, func(lo, hi int) {
			for pl := lo; pl < hi; pl++ {
				maxPool2x2(x.data[pl*h*w:(pl+1)*h*w], w, out.data[pl*ho*wo:(pl+1)*ho*wo], idx[pl*ho*wo:(pl+1)*ho*wo], ho, wo)
			}
		})
		return
	}
	parallelFor(planes, h*w, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			xp := x.data[pl*h*w : (pl+1)*h*w]
			for oy := 0; oy < ho; oy++ {
				y0, y1, _ := window(oy, p.KH, p.StrideH, p.PadH, h)
				for ox := 0; ox < wo; ox++ {
					x0, x1, _ := window(ox, p.KW, p.StrideW, p.PadW, w)
					best, bi := float32(math.Inf(-1)), y0*w+x0
					for iy := y0; iy < y1; iy++ {
						for ix := x0; ix < x1; ix++ {
							if v := xp[iy*w+ix]; v > best || v != v {
								best, bi = v, iy*w+ix
							}
						}
					}
					o := pl*ho*wo + oy*wo + ox
					out.data[o], idx[o] = best, int32(bi)
				}
			}
		}
	})
}

// MaxPool2D implements Backend: 2×2, stride-2, unpadded pooling runs on
// asm.MaxPool2x2 (the same maxima and indices as the reference's
// maxPool2x2), other windows (GoogLeNet's and Inception's 3×3) on
// asm.MaxPoolPlane where it is assembly, the rest as in the reference.
func (SIMD) MaxPool2D(x *Tensor, p PoolParams, out *Tensor, idx []int32) {
	h, w, ho, wo := x.shape[2], x.shape[3], out.shape[2], out.shape[3]
	planes := x.shape[0] * x.shape[1]
	if p.KH == 2 && p.KW == 2 && p.StrideH == 2 && p.StrideW == 2 && p.PadH == 0 && p.PadW == 0 && 2*ho <= h && 2*wo <= w {
		parallelFor(planes, h*w, func(lo, hi int) {
			for pl := lo; pl < hi; pl++ {
				asm.MaxPool2x2(out.data[pl*ho*wo:(pl+1)*ho*wo], idx[pl*ho*wo:(pl+1)*ho*wo], x.data[pl*h*w:(pl+1)*h*w], w, ho, wo)
			}
		})
		return
	}
	if !asm.FastGathers() {
		CPU{}.MaxPool2D(x, p, out, idx)
		return
	}
	parallelFor(planes, ho*wo*p.KH*p.KW, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			asm.MaxPoolPlane(out.data[pl*ho*wo:(pl+1)*ho*wo], idx[pl*ho*wo:(pl+1)*ho*wo], x.data[pl*h*w:(pl+1)*h*w],
				h, w, ho, wo, p.KH, p.KW, p.StrideH, p.StrideW, p.PadH, p.PadW)
		}
	})
}

// maxPool2x2 is the 2×2, stride-2, unpadded max pooling of one plane
// (every window inside it) without data-dependent branches: which of four
// values is the largest is a coin toss on real activations, and a
// mispredicted branch costs more than the whole window. Each value's bits
// become an integer key ordered as the floats are, tagged with its
// position so that the largest tagged key is the first maximum in scan
// order, as the reference loop picks. Windows of non-negative values
// (after a ReLU, all of them), whose bits are their own keys, take the
// shortest path; others go through window2x2.
func maxPool2x2(xp []float32, w int, op []float32, ip []int32, ho, wo int) {
	xb := u32(xp)
	for oy := 0; oy < ho; oy++ {
		r0 := xb[2*oy*w : 2*oy*w+2*wo]
		r1 := xb[(2*oy+1)*w : (2*oy+1)*w+2*wo]
		r1 = r1[:len(r0)]
		o := op[oy*wo : (oy+1)*wo]
		ix := ip[oy*wo : (oy+1)*wo]
		ix = ix[:len(o)]
		base := int32(2 * oy * w)
		for ox := range o {
			a, b, c, d := r0[2*ox], r0[2*ox+1], r1[2*ox], r1[2*ox+1]
			var pos int
			var v uint32
			if m := keyMax(keyMax(int64(a)<<2|3, int64(b)<<2|2), keyMax(int64(c)<<2|1, int64(d)<<2)); (a|b|c|d)>>31 == 0 && m>>2 <= 0x7f800000 {
				// All four non-negative and none a NaN.
				pos, v = 3-int(m&3), uint32(m>>2)
			} else {
				pos, v = window2x2(a, b, c, d)
			}
			o[ox] = math.Float32frombits(v)
			ix[ox] = base + int32(2*ox+pos&1+pos>>1*w)
		}
	}
}

// window2x2 returns the position (0..3 in scan order) and the bits of the
// maximum of a 2×2 window with negative values or NaNs.
//
//go:noinline
func window2x2(a, b, c, d uint32) (int, uint32) {
	const mag, nanStep = 0x7fffffff, 0x7fffff // |v| above +Inf's pattern ⇔ NaN
	if (a&mag+nanStep)|(b&mag+nanStep)|(c&mag+nanStep)|(d&mag+nanStep) >= 1<<31 {
		// The reference loop's rule: the last NaN wins.
		best, bi := math.Float32frombits(a), 0
		for k, u := range [3]uint32{b, c, d} {
			if v := math.Float32frombits(u); v > best || v != v {
				best, bi = v, k+1
			}
		}
		return bi, math.Float32bits(best)
	}
	m := keyMax(keyMax(bitsKey(a)<<2|3, bitsKey(b)<<2|2), keyMax(bitsKey(c)<<2|1, bitsKey(d)<<2))
	pos := 3 - int(m&3)
	return pos, [4]uint32{a, b, c, d}[pos]
}

// bitsKey maps a non-NaN float's bits to an integer with the same order:
// the magnitude for positive values, its negation for negative ones (so
// −0 and +0 both map to 0).
func bitsKey(b uint32) int64 {
	m := int64(b & 0x7fffffff)
	s := int64(int32(b) >> 31)
	return (m ^ s) - s
}

// keyMax is max(a, b) without a branch (the compiler emits one for the
// builtin); a − b cannot overflow for tagged 32-bit keys.
func keyMax(a, b int64) int64 {
	d := a - b
	return a - d&(d>>63)
}

// AvgPool2D implements Backend.
// AvgPool2D implements Backend: asm.AvgPoolPlane where the helpers are
// assembly (the same sums, in the same order, and divisors as the
// reference).
func (SIMD) AvgPool2D(x *Tensor, p PoolParams, out *Tensor) {
	if !asm.FastGathers() {
		CPU{}.AvgPool2D(x, p, out)
		return
	}
	h, w, ho, wo := x.shape[2], x.shape[3], out.shape[2], out.shape[3]
	parallelFor(x.shape[0]*x.shape[1], ho*wo*p.KH*p.KW, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			asm.AvgPoolPlane(out.data[pl*ho*wo:(pl+1)*ho*wo], x.data[pl*h*w:(pl+1)*h*w],
				h, w, ho, wo, p.KH, p.KW, p.StrideH, p.StrideW, p.PadH, p.PadW, p.CountIncludePad)
		}
	})
}

// AvgPool2DTranspose implements Backend: each output's share gy/div is
// added back over its window a kernel row per pass (asm.Col2imRows and
// Col2imRowsStep2, the scatter of col2im), for column strides 1 and 2.
// Kernel rows and columns run backwards, so every input receives its
// shares in the reference's order (outputs ascending): the same bits.
func (SIMD) AvgPool2DTranspose(gy *Tensor, p PoolParams, gx *Tensor) {
	if !asm.FastGathers() || p.StrideW > 2 {
		CPU{}.AvgPool2DTranspose(gy, p, gx)
		return
	}
	h, w, ho, wo := gx.shape[2], gx.shape[3], gy.shape[2], gy.shape[3]
	sh, sw := p.StrideH, p.StrideW
	divs := make([]float32, ho*wo)
	for oy := range ho {
		y0, y1, fh := window(oy, p.KH, sh, p.PadH, h)
		for ox := range wo {
			x0, x1, fw := window(ox, p.KW, sw, p.PadW, w)
			div := fh * fw
			if !p.CountIncludePad {
				div = (y1 - y0) * (x1 - x0)
			}
			divs[oy*wo+ox] = float32(div)
		}
	}
	// Tap t adds output ox into column ix = sw·ox + kw − 1 − t − pw: the
	// kernel columns taken from the last.
	shifts := make([]int, p.KW)
	for t := range shifts {
		shifts[t] = p.KW - 1 - t - p.PadW
	}
	offs, masks := scatterTaps(w, wo, sw, shifts, make([]int, p.KW))
	parallelFor(gx.shape[0]*gx.shape[1], h*w, func(lo, hi int) {
		gd, done := scratch(ho * wo)
		defer done()
		for pl := lo; pl < hi; pl++ {
			for o, g := range gy.data[pl*ho*wo : (pl+1)*ho*wo] {
				gd[o] = g / divs[o]
			}
			plane := gx.data[pl*h*w : (pl+1)*h*w]
			for ki := p.KH - 1; ki >= 0; ki-- {
				dy := ki - p.PadH
				oy0, oy1 := max(0, ceilDivInt(-dy, sh)), min(ho, floorDiv(h-1-dy, sh)+1)
				if oy0 >= oy1 {
					continue
				}
				dst, src := plane[(sh*oy0+dy)*w:], gd[oy0*wo:]
				if sw == 1 {
					asm.Col2imRows(dst, sh*w, src, wo, offs, masks, oy1-oy0, w)
				} else {
					asm.Col2imRowsStep2(dst, sh*w, src, wo, offs, masks, oy1-oy0, w)
				}
			}
		}
	})
}

func (CPU) AvgPool2D(x *Tensor, p PoolParams, out *Tensor) {
	h, w, ho, wo := x.shape[2], x.shape[3], out.shape[2], out.shape[3]
	planes := x.shape[0] * x.shape[1]
	parallelFor(planes, h*w, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			xp := x.data[pl*h*w:]
			for oy := 0; oy < ho; oy++ {
				y0, y1, fh := window(oy, p.KH, p.StrideH, p.PadH, h)
				for ox := 0; ox < wo; ox++ {
					x0, x1, fw := window(ox, p.KW, p.StrideW, p.PadW, w)
					var s float32
					for iy := y0; iy < y1; iy++ {
						for ix := x0; ix < x1; ix++ {
							s += xp[iy*w+ix]
						}
					}
					div := fh * fw
					if !p.CountIncludePad {
						div = (y1 - y0) * (x1 - x0)
					}
					out.data[pl*ho*wo+oy*wo+ox] = s / float32(div)
				}
			}
		}
	})
}

// AvgPool2DTranspose implements Backend.
func (CPU) AvgPool2DTranspose(gy *Tensor, p PoolParams, gx *Tensor) {
	h, w, ho, wo := gx.shape[2], gx.shape[3], gy.shape[2], gy.shape[3]
	planes := gx.shape[0] * gx.shape[1]
	parallelFor(planes, h*w, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			gp := gx.data[pl*h*w:]
			for oy := 0; oy < ho; oy++ {
				y0, y1, fh := window(oy, p.KH, p.StrideH, p.PadH, h)
				for ox := 0; ox < wo; ox++ {
					x0, x1, fw := window(ox, p.KW, p.StrideW, p.PadW, w)
					div := fh * fw
					if !p.CountIncludePad {
						div = (y1 - y0) * (x1 - x0)
					}
					g := gy.data[pl*ho*wo+oy*wo+ox] / float32(div)
					for iy := y0; iy < y1; iy++ {
						for ix := x0; ix < x1; ix++ {
							gp[iy*w+ix] += g
						}
					}
				}
			}
		}
	})
}

// AdaptiveAvgPool2D implements Backend.
func (CPU) AdaptiveAvgPool2D(x *Tensor, out *Tensor) {
	h, w, ho, wo := x.shape[2], x.shape[3], out.shape[2], out.shape[3]
	planes := x.shape[0] * x.shape[1]
	parallelFor(planes, h*w, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			xp := x.data[pl*h*w:]
			for oy := 0; oy < ho; oy++ {
				y0, y1 := adaptiveWindow(oy, ho, h)
				for ox := 0; ox < wo; ox++ {
					x0, x1 := adaptiveWindow(ox, wo, w)
					var s float32
					for iy := y0; iy < y1; iy++ {
						for ix := x0; ix < x1; ix++ {
							s += xp[iy*w+ix]
						}
					}
					out.data[pl*ho*wo+oy*wo+ox] = s / float32((y1-y0)*(x1-x0))
				}
			}
		}
	})
}

// AdaptiveAvgPool2DTranspose implements Backend.
func (CPU) AdaptiveAvgPool2DTranspose(gy *Tensor, gx *Tensor) {
	h, w, ho, wo := gx.shape[2], gx.shape[3], gy.shape[2], gy.shape[3]
	planes := gx.shape[0] * gx.shape[1]
	parallelFor(planes, h*w, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			gp := gx.data[pl*h*w:]
			for oy := 0; oy < ho; oy++ {
				y0, y1 := adaptiveWindow(oy, ho, h)
				for ox := 0; ox < wo; ox++ {
					x0, x1 := adaptiveWindow(ox, wo, w)
					g := gy.data[pl*ho*wo+oy*wo+ox] / float32((y1-y0)*(x1-x0))
					for iy := y0; iy < y1; iy++ {
						for ix := x0; ix < x1; ix++ {
							gp[iy*w+ix] += g
						}
					}
				}
			}
		}
	})
}

// hostPoolIndices are pi's indices from idx, their float32 copy on the
// host (a device op's fallback).
func hostPoolIndices(pi *PoolIndices, idx *Tensor) *PoolIndices {
	h := &PoolIndices{out: pi.out, in: pi.in, t: newTensor(pi.out)}
	is := h.int32s()
	for i, v := range idx.data {
		is[i] = int32(v)
	}
	return h
}
