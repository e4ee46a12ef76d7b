package tensor

import "fmt"

// Bilinear resizing of [N,C,H,W] planes with PyTorch's coordinate maps
// (torch.nn.functional.interpolate, mode="bilinear", given an output size):
//
//   - alignCorners false: src = (dst + 0.5)·in/out − 0.5, clamped at 0;
//   - alignCorners true:  src = dst·(in−1)/(out−1) (0 when out is 1).
//
// Each output reads two rows and two columns, i0 = floor(src) and
// i1 = min(i0+1, in−1), with weights 1−λ and λ, λ = src − i0. The resize is
// linear in x; ResizeBilinearTranspose is its adjoint (the gradient), and
// the gradient of the adjoint is the resize again.
//
// The index arithmetic is done in float32, as PyTorch's CPU kernel does for
// float32 tensors, so that the taps (and hence the outputs) agree with
// PyTorch bit for bit in the common cases. These kernels do not go through
// the Backend seam yet: they are memory-bound and cheap next to the
// convolutions around them.

// linearTap is one output coordinate's two source indices and weights.
type linearTap struct {
	i0, i1 int
	w0, w1 float32
}

// bilinearTaps returns the taps of every output coordinate of one axis.
func bilinearTaps(in, out int, alignCorners bool) []linearTap {
	taps := make([]linearTap, out)
	var scale float32
	if alignCorners {
		if out > 1 {
			scale = float32(in-1) / float32(out-1)
		}
	} else {
		scale = float32(in) / float32(out)
	}
	for o := range taps {
		var src float32
		if alignCorners {
			src = float32(scale * float32(o))
		} else {
			// The explicit conversion rounds the product, so no platform
			// fuses it with the subtraction.
			src = float32(scale*(float32(o)+0.5)) - 0.5
			if src < 0 {
				src = 0
			}
		}
		i0 := min(int(src), in-1) // src ≥ 0: truncation is floor
		l1 := min(max(src-float32(i0), 0), 1)
		i1 := i0
		if i0 < in-1 {
			i1 = i0 + 1
		}
		taps[o] = linearTap{i0: i0, i1: i1, w0: 1 - l1, w1: l1}
	}
	return taps
}

func resizeCheck(op string, shape []int, oh, ow int) {
	if len(shape) != 4 || shape[2] <= 0 || shape[3] <= 0 || oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("tensor.%s: cannot resize %v to %d×%d (want [N,C,H,W] and positive sizes)", op, shape, oh, ow))
	}
}

// ResizeBilinear resizes x [N,C,H,W] to [N,C,oh,ow] by bilinear
// interpolation (PyTorch's mode="bilinear").
func ResizeBilinear(x *Tensor, oh, ow int, alignCorners bool) *Tensor {
	resizeCheck("ResizeBilinear", x.shape, oh, ow)
	n, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	if oh == h && ow == w {
		return x.Clone() // every tap is (i, i, 1, 0)
	}
	if be := deviceOf("ResizeBilinear", x); be != nil {
		return dev1(be, "ResizeBilinear", ResizeArgs{alignCorners}, x, []int{n, c, oh, ow}, func(x *Tensor) *Tensor { return ResizeBilinear(x, oh, ow, alignCorners) })
	}
	out := Zeros(n, c, oh, ow)
	th, tw := bilinearTaps(h, oh, alignCorners), bilinearTaps(w, ow, alignCorners)
	parallelFor(n*c, oh*ow*4, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			xp := x.data[pl*h*w : (pl+1)*h*w]
			op := out.data[pl*oh*ow : (pl+1)*oh*ow]
			for oy, t := range th {
				r0, r1 := xp[t.i0*w:(t.i0+1)*w], xp[t.i1*w:(t.i1+1)*w]
				row := op[oy*ow : (oy+1)*ow]
				for ox, u := range tw {
					top := r0[u.i0]*u.w0 + r0[u.i1]*u.w1
					bot := r1[u.i0]*u.w0 + r1[u.i1]*u.w1
					row[ox] = top*t.w0 + bot*t.w1
				}
			}
		}
	})
	return out
}

// ResizeBilinearTranspose is the adjoint of ResizeBilinear onto an input of
// shape xShape: each output gradient is spread back over its four taps.
// Every plane is accumulated by one goroutine in a fixed order, so the
// result does not depend on the number of workers.
func ResizeBilinearTranspose(gy *Tensor, xShape []int, alignCorners bool) *Tensor {
	if len(gy.shape) != 4 {
		panic(fmt.Sprintf("tensor.ResizeBilinearTranspose: gradient %v is not [N,C,H,W]", gy.shape))
	}
	oh, ow := gy.shape[2], gy.shape[3]
	resizeCheck("ResizeBilinearTranspose", xShape, oh, ow)
	if gy.shape[0] != xShape[0] || gy.shape[1] != xShape[1] {
		panic(fmt.Sprintf("tensor.ResizeBilinearTranspose: gradient %v for input %v", gy.shape, xShape))
	}
	n, c, h, w := xShape[0], xShape[1], xShape[2], xShape[3]
	if oh == h && ow == w {
		return gy.Clone()
	}
	if be := deviceOf("ResizeBilinearTranspose", gy); be != nil {
		return dev1(be, "ResizeBilinearTranspose", ResizeArgs{alignCorners}, gy, []int{n, c, h, w}, func(gy *Tensor) *Tensor { return ResizeBilinearTranspose(gy, xShape, alignCorners) })
	}
	gx := Zeros(n, c, h, w)
	th, tw := bilinearTaps(h, oh, alignCorners), bilinearTaps(w, ow, alignCorners)
	parallelFor(n*c, oh*ow*4, func(lo, hi int) {
		for pl := lo; pl < hi; pl++ {
			gp := gx.data[pl*h*w : (pl+1)*h*w]
			gyp := gy.data[pl*oh*ow : (pl+1)*oh*ow]
			for oy, t := range th {
				r0, r1 := gp[t.i0*w:(t.i0+1)*w], gp[t.i1*w:(t.i1+1)*w]
				row := gyp[oy*ow : (oy+1)*ow]
				for ox, u := range tw {
					g := row[ox]
					r0[u.i0] += t.w0 * u.w0 * g
					r0[u.i1] += t.w0 * u.w1 * g
					r1[u.i0] += t.w1 * u.w0 * g
					r1[u.i1] += t.w1 * u.w1 * g
				}
			}
		}
	})
	return gx
}
