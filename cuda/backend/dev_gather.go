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

		// params (out, base, src, idx, n, inner, xn, total), total = base's
		// length.
		b = ptx.New("scatter_add_gather_f32")
		out, base, srcp, idx := b.ParamPtr("out"), b.ParamPtr("base"), b.ParamPtr("src"), b.ParamPtr("idx")
		n, inner, xn, total = b.ParamU32("n"), b.ParamU32("inner"), b.ParamU32("xn"), b.ParamU32("total")
		grid3(b, total, ptx.ImmU32(1), ptx.ImmU32(1), func(q, _, _ ptx.U32) {
			kk := b.RemU32(q, inner)
			t := b.DivU32(q, inner) // o·xn + s
			s, o := b.RemU32(t, xn), b.DivU32(t, xn)
			acc := b.NewF32()
			b.LdGlobalF32To(acc, b.Index4(base, q), 0)
			p := b.NewU32() // (o·n + j)·inner + k
			b.MovU32To(p, b.MadU32(b.MulU32(o, n), inner, kk))
			loop(b, n, ptx.ImmU32(0), ptx.ImmU32(1), func(_ ptx.U32) {
				b.If(b.SetpU32(ptx.EQ, b.LdGlobalU32(b.Index4(idx, p), 0), s), func() {
					b.AddF32To(acc, acc, b.LdGlobalF32(b.Index4(srcp, p), 0))
				})
				b.AddU32To(p, p, inner)
			})
			b.StGlobalF32(b.Index4(out, q), 0, acc)
		})
		k.scatter = b.Build()
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

// uploadIndices copies host indices into a new device buffer as u32
// words, counting the upload; the caller frees it.
func (s *Device) uploadIndices(data []int) ptx.Ptr {
	w := make([]uint32, len(data))
	for i, v := range data {
		w[i] = uint32(v)
	}
	tensor.NoteUpload(len(w))
	return s.m.AllocU32(w)
}

func init() {
	deviceOps["Gather"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.IndexArgs)
		n, inner, xn, ok := gatherPlan(a, in[0].Shape())
		if !ok {
			return false
		}
		gather, _ := gatherK()
		idx := s.uploadIndices(a.Idx.Data)
		defer s.m.Free(idx)
		total := len(a.Idx.Data)
		grid, block := launch3(total, 1, 1)
		s.be.run("Gather", gather, s.m, grid, block, ptr(out[0]), ptr(in[0]), idx, uint32(n), uint32(inner), uint32(xn), uint32(total))
		return true
	}
	deviceOps["ScatterAdd"] = func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool {
		a := op.Args.(tensor.IndexArgs)
		n, inner, xn, ok := gatherPlan(a, in[0].Shape())
		if !ok {
			return false
		}
		_, scatter := gatherK()
		idx := s.uploadIndices(a.Idx.Data)
		defer s.m.Free(idx)
		total := out[0].Len()
		grid, block := launch3(total, 1, 1)
		s.be.run("ScatterAdd", scatter, s.m, grid, block, ptr(out[0]), ptr(in[0]), ptr(in[1]), idx, uint32(n), uint32(inner), uint32(xn), uint32(total))
		return true
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		g, sc := gatherK()
		return []*ptx.Kernel{g, sc}
	})
}
