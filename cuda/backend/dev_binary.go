package backend

import (
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Binary ops that binaryAt refuses: Div, Maximum, Minimum, Gt, Ge and Eq
// on any shapes (equal or broadcast), and Add, Sub, Mul broadcasts that do
// not fold into three axes. One thread an output element, which finds its
// operands' offsets from the folded axes (a table of sizes and both
// operands' strides, any rank) and applies the host's scalar op
// (tensor's binaryScalar) bit for bit:
//
//   - Div is div.rn.f32, IEEE division as Go's float32 a / b;
//   - Maximum is a if a ≥ b else b, Minimum a if a ≤ b else b (setp is
//     false for a NaN, so a NaN in either operand gives b, as the host);
//   - Gt, Ge and Eq are 1 where the ordered compare holds, else 0 (0 for
//     NaN).
//
// Pow is not here: the host rounds float64 math.Pow, and the builder has
// no lg2/ex2, so a correctly rounded pow would need a double-float log
// and exp in software; Pow reports false and runs on the host.

// binaryMoreOps are the ops with a kernel here, in a fixed order.
var binaryMoreOps = []tensor.BinaryOp{
	tensor.OpAdd, tensor.OpSub, tensor.OpMul, tensor.OpDiv,
	tensor.OpMaximum, tensor.OpMinimum, tensor.OpGt, tensor.OpGe, tensor.OpEq,
}

var binaryMoreK = sync.OnceValue(func() map[tensor.BinaryOp]*ptx.Kernel {
	one, zero := fimm(1), fimm(0)
	cmp := func(c ptx.Cmp) func(b *ptx.Builder, x, y ptx.F32) ptx.F32 {
		return func(b *ptx.Builder, x, y ptx.F32) ptx.F32 { return b.SelpF32(b.SetpF32(c, x, y), one, zero) }
	}
	pick := func(c ptx.Cmp) func(b *ptx.Builder, x, y ptx.F32) ptx.F32 {
		return func(b *ptx.Builder, x, y ptx.F32) ptx.F32 { return b.SelpF32(b.SetpF32(c, x, y), x, y) }
	}
	fs := map[tensor.BinaryOp]struct {
		name string
		f    func(b *ptx.Builder, x, y ptx.F32) ptx.F32
	}{
		tensor.OpAdd:     {"add", (*ptx.Builder).AddF32},
		tensor.OpSub:     {"sub", (*ptx.Builder).SubF32},
		tensor.OpMul:     {"mul", (*ptx.Builder).MulF32},
		tensor.OpDiv:     {"div", (*ptx.Builder).DivF32},
		tensor.OpMaximum: {"maximum", pick(ptx.GE)},
		tensor.OpMinimum: {"minimum", pick(ptx.LE)},
		tensor.OpGt:      {"gt", cmp(ptx.GT)},
		tensor.OpGe:      {"ge", cmp(ptx.GE)},
		tensor.OpEq:      {"eq", cmp(ptx.EQ)},
	}
	ks := map[tensor.BinaryOp]*ptx.Kernel{}
	for _, op := range binaryMoreOps {
		ks[op] = buildBinaryAny("binary_any_"+fs[op].name+"_f32", fs[op].f)
	}
	return ks
})

// buildBinaryAny: params (out, a, b, tab, n, rank); tab holds, as u32
// words, the folded axes' sizes, then a's strides, then b's (outermost
// first). out[i] = f(a[oa], b[ob]) for i < n.
func buildBinaryAny(name string, f func(b *ptx.Builder, x, y ptx.F32) ptx.F32) *ptx.Kernel {
	b := ptx.New(name)
	out, pa, pb, tab := b.ParamPtr("out"), b.ParamPtr("a"), b.ParamPtr("b"), b.ParamPtr("tab")
	n, rank := b.ParamU32("n"), b.ParamU32("rank")
	sa := b.Index4(tab, rank)
	sb := b.Index4(sa, rank)
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		r, oa, ob := b.MovU32(i), b.MovU32(ptx.ImmU32(0)), b.MovU32(ptx.ImmU32(0))
		downLoop(b, rank, func(d ptx.U32) {
			size := b.LdGlobalU32(b.Index4(tab, d), 0)
			c := b.RemU32(r, size)
			b.MovU32To(r, b.DivU32(r, size))
			b.MovU32To(oa, b.MadU32(c, b.LdGlobalU32(b.Index4(sa, d), 0), oa))
			b.MovU32To(ob, b.MadU32(c, b.LdGlobalU32(b.Index4(sb, d), 0), ob))
		})
		x := b.LdGlobalF32(b.Index4(pa, oa), 0)
		y := b.LdGlobalF32(b.Index4(pb, ob), 0)
		b.StGlobalF32(b.Index4(out, i), 0, f(b, x, y))
	})
	return b.Build()
}

// binaryMore runs a Binary that binaryAt refuses, with s.mu held: out is
// the zeroed output, x and y broadcast to its shape. It reports false,
// launching nothing, for Pow, unknown ops, empty tensors and sizes past
// 32-bit indexing.
func (s *Device) binaryMore(a tensor.BinaryArgs, x, y, out *tensor.Tensor) bool {
	k, ok := binaryMoreK()[a.Op]
	n := out.Len()
	if !ok || n == 0 || n > maxElems || x.Len() == 0 || y.Len() == 0 || x.Len() > maxElems || y.Len() > maxElems {
		return false
	}
	tab, rank := s.uploadFold(out.Shape(), x.Shape(), y.Shape())
	defer s.m.Free(tab)
	grid, block := launch3(n, 1, 1)
	s.be.run("Binary", k, s.m, grid, block, ptr(out), ptr(x), ptr(y), tab, uint32(n), uint32(rank))
	return true
}

func init() {
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel {
		ks := binaryMoreK()
		l := make([]*ptx.Kernel, 0, len(binaryMoreOps))
		for _, op := range binaryMoreOps {
			l = append(l, ks[op])
		}
		return l
	})
}
