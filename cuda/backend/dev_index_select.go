package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// IndexSelect and IndexAdd (torch.index_select, index_add) on the
// simulated device. Their index list is host values (IndexArgs.Index):
// each op uploads it as u32 words into a temporary device buffer, counts
// the copy with tensor.NoteUpload, and frees it before returning.
//
// With x (or base) [outer, xn, inner] and the selection [outer, n, inner]:
//   - IndexSelect: y[(o·n + j)·inner + k] = x[(o·xn + index[j])·inner + k],
//     one thread an output, a raw word copy;
//   - IndexAdd: one thread an output position (o, s, k), starting from
//     base's value and adding src[(o·n + j)·inner + k] for each j, ascending,
//     whose index is s. Those are the additions the host makes into that
//     position, in its order, so the result is the host's bit for bit
//     without atomics (n steps an output).

var indexSelectKernels struct {
	once     sync.Once
	sel, add *ptx.Kernel
}

func indexSelectK() (sel, add *ptx.Kernel) {
	k := &indexSelectKernels
	k.once.Do(func() {
		// params (y, x, idx, n, inner, xn, total), total = y's length.
		b := ptx.New("index_select_f32")
		y, x, idx := b.ParamPtr("y"), b.ParamPtr("x"), b.ParamPtr("idx")
		n, inner, xn, total := b.ParamU32("n"), b.ParamU32("inner"), b.ParamU32("xn"), b.ParamU32("total")
		grid3(b, total, ptx.ImmU32(1), ptx.ImmU32(1), func(p, _, _ ptx.U32) {
			kk := b.RemU32(p, inner)
			t := b.DivU32(p, inner)
			j, o := b.RemU32(t, n), b.DivU32(t, n)
			s := b.LdGlobalU32(b.Index4(idx, j), 0)
			src := b.MadU32(b.MadU32(o, xn, s), inner, kk)
			b.StGlobalU32(b.Index4(y, p), 0, b.LdGlobalU32(b.Index4(x, src), 0))
		})
		k.sel = b.Build()

		// params (y, base, src, idx, n, inner, xn, total), total = base's
		// length.
		b = ptx.New("index_add_gather_f32")
		y, base, srcp, idx := b.ParamPtr("y"), b.ParamPtr("base"), b.ParamPtr("src"), b.ParamPtr("idx")
		n, inner, xn, total = b.ParamU32("n"), b.ParamU32("inner"), b.ParamU32("xn"), b.ParamU32("total")
		grid3(b, total, ptx.ImmU32(1), ptx.ImmU32(1), func(q, _, _ ptx.U32) {
			kk := b.RemU32(q, inner)
			t := b.DivU32(q, inner) // o·xn + s
			s, o := b.RemU32(t, xn), b.DivU32(t, xn)
			acc := b.NewF32()
			b.LdGlobalF32To(acc, b.Index4(base, q), 0)
			p := b.NewU32() // (o·n + j)·inner + k
			b.MovU32To(p, b.MadU32(b.MulU32(o, n), inner, kk))
			loop(b, n, ptx.ImmU32(0), ptx.ImmU32(1), func(j ptx.U32) {
				b.If(b.SetpU32(ptx.EQ, b.LdGlobalU32(b.Index4(idx, j), 0), s), func() {
					b.AddF32To(acc, acc, b.LdGlobalF32(b.Index4(srcp, p), 0))
				})
				b.AddU32To(p, p, inner)
			})
			b.StGlobalF32(b.Index4(y, q), 0, acc)
		})
		k.add = b.Build()
	})
	return k.sel, k.add
}

// indexPlan returns the sizes of an index list op on x (or base) of
// shape xs: ok is false for empty or oversized operands.
func indexPlan(a tensor.IndexArgs, xs []int, ts ...*tensor.Tensor) (n, inner, xn int, ok bool) {
	n, inner, xn = len(a.Index), tensor.Numel(xs[a.Axis+1:]), xs[a.Axis]
	return n, inner, xn, n > 0 && n <= maxElems && fits(ts...)
}

func init() {
	deviceOps["IndexSelect"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.IndexArgs)
		n, inner, xn, ok := indexPlan(a, in[0].Shape(), in[0], out[0])
		if !ok {
			return false
		}
		sel, _ := indexSelectK()
		idx := s.uploadIndices(a.Index)
		defer s.m.Free(idx)
		total := out[0].Len()
		grid, block := launch3(total, 1, 1)
		s.be.run("IndexSelect", sel, s.m, grid, block, ptr(out[0]), ptr(in[0]), idx, uint32(n), uint32(inner), uint32(xn), uint32(total))
		return true
	}
	deviceOps["IndexAdd"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.IndexArgs)
		n, inner, xn, ok := indexPlan(a, in[0].Shape(), in[0], in[1], out[0])
		if !ok {
			return false
		}
		_, add := indexSelectK()
		idx := s.uploadIndices(a.Index)
		defer s.m.Free(idx)
		total := out[0].Len()
		grid, block := launch3(total, 1, 1)
		s.be.run("IndexAdd", add, s.m, grid, block, ptr(out[0]), ptr(in[0]), ptr(in[1]), idx, uint32(n), uint32(inner), uint32(xn), uint32(total))
		return true
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		sel, add := indexSelectK()
		return []*ptx.Kernel{sel, add}
	})
}
