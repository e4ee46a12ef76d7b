package backend

import (
	"math"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Reductions the trailing-sum path (reduceAt) refuses, and ArgMax: one
// thread per output element, each walking its reduced elements in the
// host's order (tensor.CPU's reduceRun: outer reduced axes as an
// odometer, the innermost as a strided run). No atomics and no
// cross-thread combining, so every result is a function of the input
// alone.
//
//   - Max and Min follow the host bitwise: the accumulator starts at ∓Inf
//     and takes v when v beats it or v is NaN (so a NaN propagates, the
//     last NaN met winning, and of equal values the first one stays).
//   - Sums accumulate in float32 with Kahan compensation (the host adds in
//     float64): the error stays within a couple of ulp of Σ|x|, well inside
//     the conformance suite's sum tolerance, where a plain float32 running
//     sum would grow with the run's length.

// reducePlan is the host's view of a reduction: kept and reduced axes,
// size-1 axes dropped and adjacent axes of one kind merged (row-major, so
// merged axes stay contiguous and the element order is unchanged).
type simReducePlan struct {
	keptN, keptSt []int
	redN, redSt   []int
}

func newSimReducePlan(shape []int, reduce []bool) simReducePlan {
	st := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= shape[i]
	}
	var p simReducePlan
	last := -1 // 0 kept, 1 reduced
	for i, d := range shape {
		if d == 1 {
			continue
		}
		kind := 0
		if reduce[i] {
			kind = 1
		}
		ns, ss := &p.keptN, &p.keptSt
		if kind == 1 {
			ns, ss = &p.redN, &p.redSt
		}
		if kind == last {
			j := len(*ns) - 1
			(*ns)[j] *= d
			(*ss)[j] = st[i]
		} else {
			*ns = append(*ns, d)
			*ss = append(*ss, st[i])
		}
		last = kind
	}
	return p
}

// reduceAnyKernels are the general reductions, by op.
var reduceAnyKernels = map[tensor.ReduceOp]*ptx.Kernel{
	tensor.OpSum: reduceAnyKernel("reduce_any_sum_f32", tensor.OpSum),
	tensor.OpMax: reduceAnyKernel("reduce_any_max_f32", tensor.OpMax),
	tensor.OpMin: reduceAnyKernel("reduce_any_min_f32", tensor.OpMin),
}

var argMaxKernel = buildArgMax()

func init() {
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		return []*ptx.Kernel{reduceAnyKernels[tensor.OpSum], reduceAnyKernels[tensor.OpMax], reduceAnyKernels[tensor.OpMin], argMaxKernel}
	})
	deviceOps["ArgMax"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		return s.argMax(op.Args.(tensor.AxisArgs), in[0], out[0])
	}
}

// downLoop emits: for j := 0; j < n; j++ { body(n-1-j) }.
func downLoop(b *ptx.Builder, n ptx.U32, body func(i ptx.U32)) {
	loop(b, n, ptx.ImmU32(0), ptx.ImmU32(1), func(j ptx.U32) {
		body(b.SubU32(b.SubU32(n, j), ptx.ImmU32(1)))
	})
}

// reduceAnyKernel reduces per output o < nOut. tab holds, as u32 words,
// the kept axes' sizes (nk) then their strides, then the outer reduced
// axes' sizes (no) then strides; the innermost reduced axis is innerN
// elements innerSt apart, and nOuter is the product of the outer sizes.
func reduceAnyKernel(name string, op tensor.ReduceOp) *ptx.Kernel {
	b := ptx.New(name)
	out, x, tab := b.ParamPtr("out"), b.ParamPtr("x"), b.ParamPtr("tab")
	nOut, nk, no := b.ParamU32("n_out"), b.ParamU32("nk"), b.ParamU32("no")
	nOuter, innerN, innerSt := b.ParamU32("n_outer"), b.ParamU32("inner_n"), b.ParamU32("inner_st")
	keptSt := b.Index4(tab, nk)
	redN := b.Index4(keptSt, nk)
	redSt := b.Index4(redN, no)
	x0 := b.MadU32(b.Ctaid(ptx.X), b.Ntid(ptx.X), b.Tid(ptx.X))
	loop(b, nOut, x0, b.MulU32(b.Nctaid(ptx.X), b.Ntid(ptx.X)), func(o ptx.U32) {
		base, r := b.NewU32(), b.NewU32()
		b.MovU32To(base, ptx.ImmU32(0))
		b.MovU32To(r, o)
		downLoop(b, nk, func(i ptx.U32) {
			d := b.LdGlobalU32(b.Index4(tab, i), 0)
			s := b.LdGlobalU32(b.Index4(keptSt, i), 0)
			b.AddU32To(base, base, b.MulU32(b.RemU32(r, d), s))
			b.MovU32To(r, b.DivU32(r, d))
		})
		acc, comp := b.NewF32(), b.NewF32()
		switch op {
		case tensor.OpSum:
			b.MovF32To(acc, ptx.ImmF32(float32(math.Copysign(0, -1))))
		case tensor.OpMax:
			b.MovF32To(acc, ptx.ImmF32(float32(math.Inf(-1))))
		default:
			b.MovF32To(acc, ptx.ImmF32(float32(math.Inf(1))))
		}
		b.MovF32To(comp, ptx.ImmF32(0))
		loop(b, nOuter, ptx.ImmU32(0), ptx.ImmU32(1), func(q ptx.U32) {
			off, rr := b.NewU32(), b.NewU32()
			b.MovU32To(off, base)
			b.MovU32To(rr, q)
			downLoop(b, no, func(i ptx.U32) {
				d := b.LdGlobalU32(b.Index4(redN, i), 0)
				s := b.LdGlobalU32(b.Index4(redSt, i), 0)
				b.AddU32To(off, off, b.MulU32(b.RemU32(rr, d), s))
				b.MovU32To(rr, b.DivU32(rr, d))
			})
			loop(b, innerN, ptx.ImmU32(0), ptx.ImmU32(1), func(k ptx.U32) {
				v := b.LdGlobalF32(b.Index4(x, b.MadU32(k, innerSt, off)), 0)
				switch op {
				case tensor.OpSum: // Kahan: comp carries the low bits lost so far
					y := b.SubF32(v, comp)
					t := b.AddF32(acc, y)
					c := b.SubF32(b.SubF32(t, acc), y)
					// Past an infinity the compensation is NaN: drop it,
					// so the sum stays ±Inf (or NaN) as the host's.
					fin := b.SetpF32(ptx.EQ, b.SubF32(t, t), ptx.ImmF32(0))
					b.MovF32To(comp, b.SelpF32(fin, c, ptx.ImmF32(0)))
					b.MovF32To(acc, t)
				default:
					c := ptx.GT
					if op == tensor.OpMin {
						c = ptx.LT
					}
					b.MovF32To(acc, b.SelpF32(b.SetpF32(c, v, acc), v, acc))
					b.MovF32To(acc, b.SelpF32(b.SetpF32(ptx.EQ, v, v), acc, v)) // NaN wins
				}
			})
		})
		b.StGlobalF32(b.Index4(out, o), 0, acc)
	})
	return b.Build()
}

// reduceAny runs a Reduce that reduceAt refuses (sums over non-trailing
// axes, Max and Min over any axes) with s.mu held: out is the zeroed
// output with the reduced axes kept as 1. It reports false, launching
// nothing, for empty tensors and sizes past 32-bit indexing.
func (s *Device) reduceAny(a tensor.ReduceArgs, x, out *tensor.Tensor) bool {
	k, ok := reduceAnyKernels[a.Op]
	shape := x.Shape()
	n := tensor.Numel(shape)
	if !ok || n == 0 || n > maxElems || len(a.Reduce) != len(shape) || out.Len() == 0 {
		return false
	}
	p := newSimReducePlan(shape, a.Reduce)
	innerN, innerSt := 1, 0
	var outerN, outerSt []int
	if nr := len(p.redN); nr > 0 {
		innerN, innerSt = p.redN[nr-1], p.redSt[nr-1]
		outerN, outerSt = p.redN[:nr-1], p.redSt[:nr-1]
	}
	var words []uint32
	for _, l := range [][]int{p.keptN, p.keptSt, outerN, outerSt} {
		for _, v := range l {
			words = append(words, uint32(v))
		}
	}
	if len(words) == 0 {
		words = []uint32{0} // a buffer is never empty
	}
	nOut := out.Len()
	tab := s.m.AllocU32(words)
	defer s.m.Free(tab)
	grid, block := launch3(nOut, 1, 1)
	s.be.run("Reduce", k, s.m, grid, block, ptr(out), ptr(x), tab,
		uint32(nOut), uint32(len(p.keptN)), uint32(len(outerN)), uint32(tensor.Numel(outerN)), uint32(innerN), uint32(innerSt))
	return true
}

// buildArgMax: per output o < outer·inner, the index along the axis (n
// elements inner apart) of the first maximum, as tensor.ArgMax: best
// starts at the first element and moves only on a strictly greater value
// (a NaN never wins a compare, so it is chosen only when first).
func buildArgMax() *ptx.Kernel {
	b := ptx.New("argmax_f32")
	out, x := b.ParamPtr("out"), b.ParamPtr("x")
	nOut, n, inner := b.ParamU32("n_out"), b.ParamU32("n"), b.ParamU32("inner")
	x0 := b.MadU32(b.Ctaid(ptx.X), b.Ntid(ptx.X), b.Tid(ptx.X))
	loop(b, nOut, x0, b.MulU32(b.Nctaid(ptx.X), b.Ntid(ptx.X)), func(o ptx.U32) {
		i, j := b.DivU32(o, inner), b.RemU32(o, inner)
		base := b.MadU32(b.MulU32(i, n), inner, j)
		best, bi := b.NewF32(), b.NewU32()
		b.LdGlobalF32To(best, b.Index4(x, base), 0)
		b.MovU32To(bi, ptx.ImmU32(0))
		loop(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(k ptx.U32) {
			v := b.LdGlobalF32(b.Index4(x, b.MadU32(k, inner, base)), 0)
			gt := b.SetpF32(ptx.GT, v, best)
			b.MovF32To(best, b.SelpF32(gt, v, best))
			b.MovU32To(bi, b.SelpU32(gt, k, bi))
		})
		b.StGlobalF32(b.Index4(out, o), 0, b.CvtF32U32(bi))
	})
	return b.Build()
}

// argMax runs ArgMax along a.Axis with s.mu held; false (nothing
// launched) for an empty axis or output, or sizes past 32-bit indexing.
func (s *Device) argMax(a tensor.AxisArgs, x, out *tensor.Tensor) bool {
	shape := x.Shape()
	if a.Axis < 0 || a.Axis >= len(shape) {
		return false
	}
	outer, n, inner := tensor.Numel(shape[:a.Axis]), shape[a.Axis], tensor.Numel(shape[a.Axis+1:])
	total := tensor.Numel(shape)
	if n == 0 || outer*inner == 0 || total > maxElems || out.Len() != outer*inner {
		return false
	}
	grid, block := launch3(outer*inner, 1, 1)
	s.be.run("ArgMax", argMaxKernel, s.m, grid, block, ptr(out), ptr(x), uint32(outer*inner), uint32(n), uint32(inner))
	return true
}
