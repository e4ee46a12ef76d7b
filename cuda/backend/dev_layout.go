package backend

import (
	"fmt"
	"math"
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Concat, Narrow, Permute and Pad on the simulated device. All four are
// copies, so they share one strided-copy kernel: one thread an element of
// a box of at most copyRank axes, reading x at xbase + Σ c_d·xs_d and
// writing y at ybase + Σ c_d·ys_d. Values move as raw words (ld/st, no
// arithmetic), so NaN payloads and −0 come out as they went in, as the
// host's copy does.
//
//   - Narrow: the box [outer, length, inner] of x from start·inner;
//   - Concat: one launch an input, its box placed at its axis offset in y;
//   - Permute: the box of y's shape, x's strides permuted (the existing
//     gather3D kernel only takes three axes; this one takes any rank that
//     folds to copyRank);
//   - Pad: a fill of y with the value's bits (none for ±0: the host's
//     Full makes +0 there, which the zeroed y holds), then x's box at the
//     offset of the leading pads.
//
// Boxes are folded first (size-1 axes dropped, neighbours contiguous in
// both x and y merged); a box that folds to more than copyRank axes, an
// empty result, or a size past 32-bit indexing reports false.

const copyRank = 6

var layoutKernels struct {
	once       sync.Once
	copy, fill *ptx.Kernel
}

// layoutK builds the kernels once. copy: params (y, x, n, xbase, ybase,
// size0…size5, xs0…xs5, ys0…ys5), axis 5 innermost. fill: params (y, n,
// bits), y[i] = bits.
func layoutK() (cp, fill *ptx.Kernel) {
	k := &layoutKernels
	k.once.Do(func() {
		b := ptx.New("strided_copy_f32")
		y, x := b.ParamPtr("y"), b.ParamPtr("x")
		n, xbase, ybase := b.ParamU32("n"), b.ParamU32("xbase"), b.ParamU32("ybase")
		var size, xs, ys [copyRank]ptx.U32
		for d := range copyRank {
			size[d] = b.ParamU32(fmt.Sprintf("size%d", d))
		}
		for d := range copyRank {
			xs[d] = b.ParamU32(fmt.Sprintf("xs%d", d))
		}
		for d := range copyRank {
			ys[d] = b.ParamU32(fmt.Sprintf("ys%d", d))
		}
		grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
			r := b.MovU32(i)
			xo, yo := b.MovU32(xbase), b.MovU32(ybase)
			for d := copyRank - 1; d >= 0; d-- {
				c := b.RemU32(r, size[d])
				b.MovU32To(r, b.DivU32(r, size[d]))
				b.MovU32To(xo, b.MadU32(c, xs[d], xo))
				b.MovU32To(yo, b.MadU32(c, ys[d], yo))
			}
			b.StGlobalU32(b.Index4(y, yo), 0, b.LdGlobalU32(b.Index4(x, xo), 0))
		})
		k.copy = b.Build()

		b = ptx.New("fill_bits_f32")
		y = b.ParamPtr("y")
		n, bits := b.ParamU32("n"), b.ParamU32("bits")
		grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
			b.StGlobalU32(b.Index4(y, i), 0, bits)
		})
		k.fill = b.Build()
	})
	return k.copy, k.fill
}

// copyBox is a strided copy: sizes outermost first, x's and y's strides,
// and the base offsets.
type copyBox struct {
	size, xs, ys []int
	xbase, ybase int
}

// fold drops size-1 axes and merges neighbours that are contiguous in
// both x and y; ok is false past copyRank axes.
func (c copyBox) fold() (copyBox, bool) {
	out := copyBox{xbase: c.xbase, ybase: c.ybase}
	for i := len(c.size) - 1; i >= 0; i-- { // innermost first
		if c.size[i] == 1 {
			continue
		}
		if k := len(out.size) - 1; k >= 0 && out.xs[k]*out.size[k] == c.xs[i] && out.ys[k]*out.size[k] == c.ys[i] {
			out.size[k] *= c.size[i]
			continue
		}
		out.size = append(out.size, c.size[i])
		out.xs = append(out.xs, c.xs[i])
		out.ys = append(out.ys, c.ys[i])
	}
	if len(out.size) > copyRank {
		return out, false
	}
	for l, r := 0, len(out.size)-1; l < r; l, r = l+1, r-1 {
		out.size[l], out.size[r] = out.size[r], out.size[l]
		out.xs[l], out.xs[r] = out.xs[r], out.xs[l]
		out.ys[l], out.ys[r] = out.ys[r], out.ys[l]
	}
	return out, true
}

// args are the copy kernel's parameters for the folded box.
func (c copyBox) args(y, x ptx.Ptr) []any {
	n := 1
	for _, v := range c.size {
		n *= v
	}
	args := []any{y, x, uint32(n), uint32(c.xbase), uint32(c.ybase)}
	pad := copyRank - len(c.size)
	for j, v := range [][]int{c.size, c.xs, c.ys} {
		for d := range copyRank {
			w := 0 // leading strides are 0
			if d >= pad {
				w = v[d-pad]
			} else if j == 0 { // and leading sizes 1
				w = 1
			}
			args = append(args, uint32(w))
		}
	}
	return args
}

// rowStrides are a dense row-major shape's strides.
func rowStrides(shape []int) []int {
	st := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= shape[i]
	}
	return st
}

// fits reports whether tensors are non-empty and 32-bit indexable.
func fits(ts ...*tensor.Tensor) bool {
	for _, t := range ts {
		if n := t.Len(); n == 0 || n > maxElems {
			return false
		}
	}
	return true
}

// copyBoxes folds every box (false if one does not fold) and launches
// the copies.
func (s *Device) copyBoxes(op string, y *tensor.Tensor, xs []*tensor.Tensor, boxes []copyBox) bool {
	folded := make([]copyBox, len(boxes))
	for i, c := range boxes {
		f, ok := c.fold()
		if !ok {
			return false
		}
		folded[i] = f
	}
	cp, _ := layoutK()
	for i, c := range folded {
		args := c.args(ptr(y), ptr(xs[i]))
		grid, block := launch3(int(args[2].(uint32)), 1, 1)
		s.be.run(op, cp, s.m, grid, block, args...)
	}
	return true
}

func init() {
	deviceOps["Narrow"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.NarrowArgs)
		if !fits(in[0], out[0]) {
			return false
		}
		xs := in[0].Shape()
		outer, xn, inner := tensor.Numel(xs[:a.Axis]), xs[a.Axis], tensor.Numel(xs[a.Axis+1:])
		return s.copyBoxes("Narrow", out[0], in[:1], []copyBox{{
			size:  []int{outer, a.Length, inner},
			xs:    []int{xn * inner, inner, 1},
			ys:    []int{a.Length * inner, inner, 1},
			xbase: a.Start * inner,
		}})
	}
	deviceOps["Concat"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.AxisArgs).Axis
		if !fits(out[0]) {
			return false
		}
		ys := out[0].Shape()
		outer, total, inner := tensor.Numel(ys[:a]), ys[a], tensor.Numel(ys[a+1:])
		var xs []*tensor.Tensor
		var boxes []copyBox
		off := 0
		for _, x := range in {
			m := x.Shape()[a]
			if x.Len() > 0 {
				xs = append(xs, x)
				boxes = append(boxes, copyBox{
					size:  []int{outer, m, inner},
					xs:    []int{m * inner, inner, 1},
					ys:    []int{total * inner, inner, 1},
					ybase: off * inner,
				})
			}
			off += m
		}
		return s.copyBoxes("Concat", out[0], xs, boxes)
	}
	deviceOps["Permute"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		perm := op.Args.(tensor.PermuteArgs).Perm
		if !fits(in[0], out[0]) {
			return false
		}
		xst := rowStrides(in[0].Shape())
		xs := make([]int, len(perm))
		for i, p := range perm {
			xs[i] = xst[p]
		}
		return s.copyBoxes("Permute", out[0], in[:1], []copyBox{{size: out[0].Shape(), xs: xs, ys: rowStrides(out[0].Shape())}})
	}
	deviceOps["Pad"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.PadArgs)
		if !fits(out[0]) || in[0].Len() > maxElems {
			return false
		}
		yst := rowStrides(out[0].Shape())
		var boxes []copyBox
		if in[0].Len() > 0 {
			base := 0
			for i, p := range a.Pads {
				base += p[0] * yst[i]
			}
			boxes = []copyBox{{size: in[0].Shape(), xs: rowStrides(in[0].Shape()), ys: yst, ybase: base}}
			if _, ok := boxes[0].fold(); !ok {
				return false
			}
		}
		if a.Value != 0 { // the host's Full(±0) is Zeros: +0, which y holds
			_, fill := layoutK()
			n := out[0].Len()
			grid, block := launch3(n, 1, 1)
			s.be.run("Pad", fill, s.m, grid, block, ptr(out[0]), uint32(n), math.Float32bits(a.Value))
		}
		return s.copyBoxes("Pad", out[0], in[:1], boxes)
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		cp, fill := layoutK()
		return []*ptx.Kernel{cp, fill}
	})
}
