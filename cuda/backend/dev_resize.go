package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// ResizeBilinear and ResizeBilinearTranspose on the simulated device.
//
// The taps (i0, i1, w0, w1 of one output coordinate) are computed in the
// kernels, with the f32 operations tensor's bilinearTaps makes, in its
// order, each rounded (mul.rn, add.rn, sub.rn: never contracted): only
// the axis scale comes from the host, computed there by the same Go
// expression. So nothing is uploaded, and the taps are the host's bit for
// bit:
//
//	alignCorners: src = scale·float32(o)
//	otherwise:    src = max0(round(scale·(float32(o) + 0.5)) − 0.5)
//	i0 = min(trunc(src), in−1), λ = min(max(src − float32(i0), 0), 1)
//	i1 = i0+1 if i0 < in−1 else i0, w0 = 1 − λ, w1 = λ
//
// ResizeBilinear: one thread an output, top = x[r0,i0]·w0 + x[r0,i1]·w1,
// bot likewise on r1, y = top·w0' + bot·w1' (the host's expressions).
//
// ResizeBilinearTranspose: a gather, one thread an input position
// (plane, iy, ix), starting from +0 (the host's zeroed gradient) and
// walking the outputs (oy, ox) in the host's order, row-major, adding for
// each the contributions that land on it in the host's order within the
// output — (r0, i0), (r0, i1), (r1, i0), (r1, i1) — each (wy·wx)·g. Those
// are the host's additions into that position in its order, so the result
// is the host's bit for bit, without atomics. Rows whose taps miss iy are
// skipped after their tap; the walk is oh + (hit rows)·ow steps an input.

var resizeKernels struct {
	once     sync.Once
	fwd, bwd *ptx.Kernel
}

// tap emits the taps of output coordinate o on an axis of n inputs (nm1 =
// n−1) with the given scale; align selects the corner mode.
func tap(b *ptx.Builder, o, nm1 ptx.U32, scale ptx.F32, align ptx.Pred) (i0, i1 ptx.U32, w0, w1 ptx.F32) {
	zero, one := b.MovF32(ptx.ImmF32(0)), b.MovF32(ptx.ImmF32(1))
	of := b.CvtF32U32(o)
	srcA := b.MulF32(scale, of)
	srcB := b.SubF32(b.MulF32(scale, b.AddF32(of, ptx.ImmF32(0.5))), ptx.ImmF32(0.5))
	srcB = b.SelpF32(b.SetpF32(ptx.LT, srcB, zero), zero, srcB)
	src := b.SelpF32(align, srcA, srcB)
	i0 = b.MinU32(b.CvtRziU32F32(src), nm1)
	l := b.SubF32(src, b.CvtF32U32(i0))
	l = b.SelpF32(b.SetpF32(ptx.LT, l, zero), zero, l)
	l = b.SelpF32(b.SetpF32(ptx.GT, l, one), one, l)
	i1 = b.SelpU32(b.SetpU32(ptx.LT, i0, nm1), b.AddU32(i0, ptx.ImmU32(1)), i0)
	return i0, i1, b.SubF32(one, l), l
}

// resizeK builds the kernels once; both take params (dst, src, h, w, oh,
// ow, sh, sw, align, total), h×w the input planes, oh×ow the output
// planes, sh and sw the axis scales, align ≠ 0 for alignCorners and total
// the destination's length.
func resizeK() (fwd, bwd *ptx.Kernel) {
	k := &resizeKernels
	k.once.Do(func() {
		params := func(b *ptx.Builder) (dst, src ptx.U64, h, w, oh, ow ptx.U32, sh, sw ptx.F32, align ptx.Pred, total ptx.U32) {
			dst, src = b.ParamPtr("dst"), b.ParamPtr("src")
			h, w, oh, ow = b.ParamU32("h"), b.ParamU32("w"), b.ParamU32("oh"), b.ParamU32("ow")
			sh, sw = b.ParamF32("sh"), b.ParamF32("sw")
			al := b.ParamU32("align")
			total = b.ParamU32("total")
			align = b.SetpU32(ptx.NE, al, ptx.ImmU32(0))
			return
		}

		b := ptx.New("resize_bilinear_f32")
		y, x, h, w, oh, ow, sh, sw, align, total := params(b)
		hm1, wm1 := b.SubU32(h, ptx.ImmU32(1)), b.SubU32(w, ptx.ImmU32(1))
		grid3(b, total, ptx.ImmU32(1), ptx.ImmU32(1), func(p, _, _ ptx.U32) {
			ox := b.RemU32(p, ow)
			t := b.DivU32(p, ow)
			oy, pl := b.RemU32(t, oh), b.DivU32(t, oh)
			y0, y1, wy0, wy1 := tap(b, oy, hm1, sh, align)
			x0, x1, wx0, wx1 := tap(b, ox, wm1, sw, align)
			base := b.MulU32(pl, b.MulU32(h, w))
			r0, r1 := b.MadU32(y0, w, base), b.MadU32(y1, w, base)
			ld := func(r, c ptx.U32) ptx.F32 { return b.LdGlobalF32(b.Index4(x, b.AddU32(r, c)), 0) }
			top := b.AddF32(b.MulF32(ld(r0, x0), wx0), b.MulF32(ld(r0, x1), wx1))
			bot := b.AddF32(b.MulF32(ld(r1, x0), wx0), b.MulF32(ld(r1, x1), wx1))
			b.StGlobalF32(b.Index4(y, p), 0, b.AddF32(b.MulF32(top, wy0), b.MulF32(bot, wy1)))
		})
		k.fwd = b.Build()

		b = ptx.New("resize_bilinear_transpose_f32")
		gx, gy, h, w, oh, ow, sh, sw, align, total := params(b)
		hm1, wm1 = b.SubU32(h, ptx.ImmU32(1)), b.SubU32(w, ptx.ImmU32(1))
		grid3(b, total, ptx.ImmU32(1), ptx.ImmU32(1), func(q, _, _ ptx.U32) {
			ix := b.RemU32(q, w)
			t := b.DivU32(q, w)
			iy, pl := b.RemU32(t, h), b.DivU32(t, h)
			acc := b.MovF32(ptx.ImmF32(0))
			base := b.MulU32(pl, b.MulU32(oh, ow))
			loop(b, oh, ptx.ImmU32(0), ptx.ImmU32(1), func(oy ptx.U32) {
				y0, y1, wy0, wy1 := tap(b, oy, hm1, sh, align)
				hit0, hit1 := b.SetpU32(ptx.EQ, y0, iy), b.SetpU32(ptx.EQ, y1, iy)
				one, none := ptx.ImmU32(1), ptx.ImmU32(0)
				either := b.MaxU32(b.SelpU32(hit0, one, none), b.SelpU32(hit1, one, none))
				b.If(b.SetpU32(ptx.NE, either, none), func() {
					row := b.MadU32(oy, ow, base)
					loop(b, ow, ptx.ImmU32(0), ptx.ImmU32(1), func(ox ptx.U32) {
						x0, x1, wx0, wx1 := tap(b, ox, wm1, sw, align)
						g := b.LdGlobalF32(b.Index4(gy, b.AddU32(row, ox)), 0)
						xhit0, xhit1 := b.SetpU32(ptx.EQ, x0, ix), b.SetpU32(ptx.EQ, x1, ix)
						for _, r := range []struct {
							hit ptx.Pred
							wy  ptx.F32
						}{{hit0, wy0}, {hit1, wy1}} {
							b.If(r.hit, func() {
								b.If(xhit0, func() { b.AddF32To(acc, acc, b.MulF32(b.MulF32(r.wy, wx0), g)) })
								b.If(xhit1, func() { b.AddF32To(acc, acc, b.MulF32(b.MulF32(r.wy, wx1), g)) })
							})
						}
					})
				})
			})
			b.StGlobalF32(b.Index4(gx, q), 0, acc)
		})
		k.bwd = b.Build()
	})
	return k.fwd, k.bwd
}

// resizeScale is bilinearTaps's scale for an axis of in inputs and out
// outputs, by the same Go expressions.
func resizeScale(in, out int, alignCorners bool) float32 {
	var scale float32
	if alignCorners {
		if out > 1 {
			scale = float32(in-1) / float32(out-1)
		}
	} else {
		scale = float32(in) / float32(out)
	}
	return scale
}

// resizeRun launches kernel k from src [N,C,…] to dst with input planes
// xs[2]×xs[3] and output planes ys[2]×ys[3].
func (s *Device) resizeRun(op string, k *ptx.Kernel, dst, src *tensor.Tensor, xs, ys []int, align bool) bool {
	if len(xs) != 4 || len(ys) != 4 || !fits(dst, src) {
		return false
	}
	h, w, oh, ow := xs[2], xs[3], ys[2], ys[3]
	// The transpose's walk and the taps' float32 coordinates stay exact
	// below 2^24.
	if h >= 1<<24 || w >= 1<<24 || oh >= 1<<24 || ow >= 1<<24 {
		return false
	}
	al := uint32(0)
	if align {
		al = 1
	}
	total := dst.Len()
	grid, block := launch3(total, 1, 1)
	s.be.run(op, k, s.m, grid, block, ptr(dst), ptr(src), uint32(h), uint32(w), uint32(oh), uint32(ow),
		resizeScale(h, oh, align), resizeScale(w, ow, align), al, uint32(total))
	return true
}

func init() {
	deviceOps["ResizeBilinear"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		fwd, _ := resizeK()
		return s.resizeRun("ResizeBilinear", fwd, out[0], in[0], in[0].Shape(), out[0].Shape(), op.Args.(tensor.ResizeArgs).AlignCorners)
	}
	deviceOps["ResizeBilinearTranspose"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		_, bwd := resizeK()
		return s.resizeRun("ResizeBilinearTranspose", bwd, out[0], in[0], out[0].Shape(), in[0].Shape(), op.Args.(tensor.ResizeArgs).AlignCorners)
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		fwd, bwd := resizeK()
		return []*ptx.Kernel{fwd, bwd}
	})
}
