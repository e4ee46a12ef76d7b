package tensor

import (
	"fmt"
	"math"
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
	out := Zeros(poolShape("MaxPool2D", x, p)...)
	idx := make([]int32, len(out.data))
	backend().MaxPool2D(x, p, out, idx)
	ints := make([]int, len(idx))
	for i, v := range idx {
		ints[i] = int(v)
	}
	return out, &Indices{Shape: cloneInts(out.shape), Data: ints}
}

// AvgPool2D averages over windows.
func AvgPool2D(x *Tensor, p PoolParams) *Tensor {
	out := Zeros(poolShape("AvgPool2D", x, p)...)
	backend().AvgPool2D(x, p, out)
	return out
}

// AvgPool2DTranspose is the adjoint of AvgPool2D: it spreads gy back over
// each window of an input of shape xShape.
func AvgPool2DTranspose(gy *Tensor, p PoolParams, xShape []int) *Tensor {
	gx := Zeros(xShape...)
	if want := poolShape("AvgPool2DTranspose", gx, p); !SameShape(want, gy.shape) {
		panic(fmt.Sprintf("tensor.AvgPool2DTranspose: gradient %v, want %v", gy.shape, want))
	}
	backend().AvgPool2DTranspose(gy, p, gx)
	return gx
}

// AdaptiveAvgPool2D averages x [N,C,H,W] to [N,C,oh,ow] with PyTorch's
// windows [floor(i·H/oh), ceil((i+1)·H/oh)).
func AdaptiveAvgPool2D(x *Tensor, oh, ow int) *Tensor {
	if len(x.shape) != 4 || oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("tensor.AdaptiveAvgPool2D: input %v to %d×%d", x.shape, oh, ow))
	}
	out := Zeros(x.shape[0], x.shape[1], oh, ow)
	backend().AdaptiveAvgPool2D(x, out)
	return out
}

// AdaptiveAvgPool2DTranspose is the adjoint of AdaptiveAvgPool2D.
func AdaptiveAvgPool2DTranspose(gy *Tensor, xShape []int) *Tensor {
	if len(xShape) != 4 || len(gy.shape) != 4 || gy.shape[0] != xShape[0] || gy.shape[1] != xShape[1] {
		panic(fmt.Sprintf("tensor.AdaptiveAvgPool2DTranspose: gradient %v for input %v", gy.shape, xShape))
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

// AvgPool2D implements Backend.
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
