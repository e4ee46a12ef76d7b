package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Gather and ScatterAdd (torch.gather, torch.scatter_add) on the simulated
// device. Their indices are host values (tensor.Indices): each op uploads
// them as u32 words into a temporary device buffer, counts the copy with
// tensor.NoteUpload, and frees the buffer before it returns.
//
// With idx shaped [outer, n, inner] and x (or base) [outer, xn, inner]:
//   - Gather: out[(o·n + j)·inner + k] = x[(o·xn + idx[…])·inner + k], one
//     thread an output;
//   - ScatterAdd: out = base with src[p] added at (o·xn + idx[p])·inner + k,
//     as a gather, one thread an output position (o, s, k) walking j
//     ascending and adding src where idx names s, from base's value. Those
//     are the additions the host makes into that position, in its order
//     (j ascending for fixed o and k), so the result is the host's bit for
//     bit without atomics. The walk is n steps per output, which a GPU
//     version would also make (or bound with a per-slice inverse index
//     when n is large).

var gatherKernels struct {
	once            sync.Once
	gather, scatter *ptx.Kernel
}

func gatherK() (gather, scatter *ptx.Kernel) {
	k := &gatherKernels
	k.once.Do(func() {
		// params (out, x, idx, n, inner, xn, total).
		b := ptx.New("gather_axis_f32")
		out, x, idx := b.ParamPtr("out"), b.ParamPtr("x"), b.ParamPtr("idx")
		n, inner, xn, total := b.ParamU32("n"), b.ParamU32("inner"), b.ParamU32("xn"), b.ParamU32("total")
		grid3(b, total, ptx.ImmU32(1), ptx.ImmU32(1), func(p, _, _ ptx.U32) {
			kk := b.RemU32(p, inner)
			o := b.DivU32(p, b.MulU32(n, inner))
			s := b.LdGlobalU32(b.Index4(idx, p), 0)
			src := b.MadU32(b.MadU32(o, xn, s), inner, kk)
			b.StGlobalF32(b.Index4(out, p), 0, b.LdGlobalF32(b.Index4(x, src), 0))
		})
		k.gather = b.Build()

		k.scatter = buildIndexAdd("scatter_add_gather_f32", true)
	})
	return k.gather, k.scatter
}

// gatherPlan returns the sizes of an index op: idx [outer, n, inner]
// against an axis of length xn; ok is false for empty or oversized
// operands.
func gatherPlan(a tensor.IndexArgs, xShape []int) (n, inner, xn int, ok bool) {
	is := a.Idx.Shape
	n, inner, xn = is[a.Axis], tensor.Numel(is[a.Axis+1:]), xShape[a.Axis]
	ni, nx := len(a.Idx.Data), tensor.Numel(xShape)
	return n, inner, xn, ni > 0 && nx > 0 && ni <= maxElems && nx <= maxElems
}

func init() {
	deviceOps["Gather"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.IndexArgs)
		n, inner, xn, ok := gatherPlan(a, in[0].Shape())
		if !ok {
			return false
		}
		gather, _ := gatherK()
		s.runIndexed("Gather", gather, a.Idx.Data, n, inner, xn, len(a.Idx.Data), ptr(out[0]), ptr(in[0]))
		return true
	}
	deviceOps["ScatterAdd"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.IndexArgs)
		n, inner, xn, ok := gatherPlan(a, in[0].Shape())
		if !ok {
			return false
		}
		_, scatter := gatherK()
		s.runIndexed("ScatterAdd", scatter, a.Idx.Data, n, inner, xn, out[0].Len(), ptr(out[0]), ptr(in[0]), ptr(in[1]))
		return true
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		g, sc := gatherK()
		return []*ptx.Kernel{g, sc}
	})
}
