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

var whereKernel struct {
	once sync.Once
	k    *ptx.Kernel
}

// whereK: params (out, c, a, b, tab, n, rank); tab holds, as u32 words,
// the folded axes' sizes, then c's strides, a's and b's (outermost first).
func whereK() *ptx.Kernel {
	whereKernel.once.Do(func() {
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
		whereKernel.k = b.Build()
	})
	return whereKernel.k
}

// foldOperands folds operands broadcast to out into axes (outermost
// first) of sizes and each operand's element strides (0 where it
// broadcasts): size-1 axes dropped, neighbours along which every operand
// walks on contiguously merged.
func foldOperands(out []int, ops ...[]int) (size []int, st [][]int) {
	full := make([][]int, len(ops))
	for k, xs := range ops {
		s := make([]int, len(out))
		off, acc := len(out)-len(xs), 1
		for i := len(out) - 1; i >= off; i-- {
			if xs[i-off] != 1 {
				s[i] = acc
			}
			acc *= xs[i-off]
		}
		full[k] = s
	}
	st = make([][]int, len(ops))
	for i := len(out) - 1; i >= 0; i-- { // innermost first
		if out[i] == 1 {
			continue
		}
		if l := len(size) - 1; l >= 0 {
			merge := true
			for k := range ops {
				if st[k][l]*size[l] != full[k][i] {
					merge = false
					break
				}
			}
			if merge {
				size[l] *= out[i]
				continue
			}
		}
		size = append(size, out[i])
		for k := range ops {
			st[k] = append(st[k], full[k][i])
		}
	}
	rev := func(v []int) {
		for l, r := 0, len(v)-1; l < r; l, r = l+1, r-1 {
			v[l], v[r] = v[r], v[l]
		}
	}
	rev(size)
	for k := range st {
		rev(st[k])
	}
	return size, st
}

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
	size, st := foldOperands(out.Shape(), cond.Shape(), a.Shape(), b.Shape())
	words := make([]uint32, 0, 4*len(size)+1)
	for _, l := range append([][]int{size}, st...) {
		for _, v := range l {
			words = append(words, uint32(v))
		}
	}
	if len(words) == 0 { // one element: rank 0
		words = []uint32{0} // a buffer is never empty
	}
	tab := s.m.AllocU32(words)
	defer s.m.Free(tab)
	grid, block := launch3(n, 1, 1)
	s.be.run("Where", whereK(), s.m, grid, block, ptr(out), ptr(cond), ptr(a), ptr(b), tab, uint32(n), uint32(len(size)))
	return true
}

func init() {
	deviceOps["Where"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		return s.whereAt(in[0], in[1], in[2], out[0])
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel { return []*ptx.Kernel{whereK()} })
}
