package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Where on the simulated device: y = a where cond ≠ 0 else b, cond, a and
// b broadcast to y's shape, bit for bit as tensor.Where. The test is on
// cond's bit pattern with the sign cleared (non-zero for every value but
// ±0, NaNs included, as Go's c != 0), and a's or b's word is copied as
// u32, so NaN payloads and −0 pass through. One thread an output element,
// which finds its three operands' offsets from the folded axes (a table
// of sizes and the operands' strides, any rank), as binaryMore does for
// two.

// whereK: params (out, c, a, b, tab, n, rank); tab holds, as u32 words,
// the folded axes' sizes, then c's strides, a's and b's (outermost first).
var whereK = sync.OnceValue(func() *ptx.Kernel {
	b := ptx.New("where_any_u32")
	out, pc, pa, pb, tab := b.ParamPtr("out"), b.ParamPtr("c"), b.ParamPtr("a"), b.ParamPtr("b"), b.ParamPtr("tab")
	n, rank := b.ParamU32("n"), b.ParamU32("rank")
	sc := b.Index4(tab, rank)
	sa := b.Index4(sc, rank)
	sb := b.Index4(sa, rank)
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		r := b.MovU32(i)
		oc, oa, ob := b.MovU32(ptx.ImmU32(0)), b.MovU32(ptx.ImmU32(0)), b.MovU32(ptx.ImmU32(0))
		downLoop(b, rank, func(d ptx.U32) {
			size := b.LdGlobalU32(b.Index4(tab, d), 0)
			c := b.RemU32(r, size)
			b.MovU32To(r, b.DivU32(r, size))
			b.MovU32To(oc, b.MadU32(c, b.LdGlobalU32(b.Index4(sc, d), 0), oc))
			b.MovU32To(oa, b.MadU32(c, b.LdGlobalU32(b.Index4(sa, d), 0), oa))
			b.MovU32To(ob, b.MadU32(c, b.LdGlobalU32(b.Index4(sb, d), 0), ob))
		})
		cv := b.AndU32(b.LdGlobalU32(b.Index4(pc, oc), 0), ptx.ImmU32(0x7fffffff))
		x := b.LdGlobalU32(b.Index4(pa, oa), 0)
		y := b.LdGlobalU32(b.Index4(pb, ob), 0)
		b.StGlobalU32(b.Index4(out, i), 0, b.SelpU32(b.SetpU32(ptx.NE, cv, ptx.ImmU32(0)), x, y))
	})
	return b.Build()
})

// whereAt runs Where with s.mu held: out is the output, cond, a and b
// broadcast to its shape. It reports false, launching nothing, for empty
// tensors and sizes past 32-bit indexing.
func (s *Device) whereAt(cond, a, b, out *tensor.Tensor) bool {
	n := out.Len()
	if n == 0 || n > maxElems {
		return false
	}
	for _, t := range []*tensor.Tensor{cond, a, b} {
		if t.Len() == 0 || t.Len() > maxElems {
			return false
		}
	}
	tab, rank := s.uploadFold(out.Shape(), cond.Shape(), a.Shape(), b.Shape())
	defer s.m.Free(tab)
	grid, block := launch3(n, 1, 1)
	s.be.run("Where", whereK(), s.m, grid, block, ptr(out), ptr(cond), ptr(a), ptr(b), tab, uint32(n), uint32(rank))
	return true
}

func init() {
	deviceOps["Where"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		return s.whereAt(in[0], in[1], in[2], out[0])
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel { return []*ptx.Kernel{whereK()} })
}
