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

		k.add = buildIndexAdd("index_add_gather_f32", false)
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
		s.runIndexed("IndexSelect", sel, a.Index, n, inner, xn, out[0].Len(), ptr(out[0]), ptr(in[0]))
		return true
	}
	deviceOps["IndexAdd"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.IndexArgs)
		n, inner, xn, ok := indexPlan(a, in[0].Shape(), in[0], in[1], out[0])
		if !ok {
			return false
		}
		_, add := indexSelectK()
		s.runIndexed("IndexAdd", add, a.Index, n, inner, xn, out[0].Len(), ptr(out[0]), ptr(in[0]), ptr(in[1]))
		return true
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		sel, add := indexSelectK()
		return []*ptx.Kernel{sel, add}
	})
}
