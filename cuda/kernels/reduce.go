package kernels

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// SumBlock is the sum kernel's block size; the tree in shared memory is
// unrolled for it, so launches must use exactly this many threads.
const SumBlock = 256

// sumMaxBlocks caps the first pass, so the second pass is one block.
const sumMaxBlocks = 1024

// SumBlocks is the number of blocks (and partial sums) of the first pass
// for n elements. It depends on n alone, which fixes the reduction tree.
func SumBlocks(n int) int {
	return min(max((n+SumBlock-1)/SumBlock, 1), sumMaxBlocks)
}

// Sum writes, for each block, the sum of its grid-stride share of in[:n] to
// out[block]; params (out, in, n). Run it with SumBlocks(n) blocks, then
// once more with one block over the partials, to get the total in out[0].
// Each thread adds its elements in order, then the block adds the 256
// thread sums pairwise (stride 128, 64, ..., 1), barriers between levels.
func Sum() *ptx.Kernel {
	b := ptx.New("sum_f32")
	out, in := b.ParamPtr("out"), b.ParamPtr("in")
	n := b.ParamU32("n")
	sh := b.Shared("partial", SumBlock)
	tid := b.Tid(ptx.X)
	acc := b.MovF32(ptx.ImmF32(0))
	gridStride(b, n, func(i ptx.U32) {
		b.AddF32To(acc, acc, b.LdGlobalF32(b.Index4(in, i), 0))
	})
	mine := b.AddU32(sh, b.ShlU32(tid, ptx.ImmU32(2)))
	b.StSharedF32(mine, 0, acc)
	b.Bar()
	for s := SumBlock / 2; s >= 1; s /= 2 {
		b.If(b.SetpU32(ptx.LT, tid, ptx.ImmU32(uint32(s))), func() {
			x := b.LdSharedF32(mine, 0)
			y := b.LdSharedF32(mine, int32(4*s))
			b.StSharedF32(mine, 0, b.AddF32(x, y))
		})
		if s > 1 { // thread 0 reads only what it wrote itself after the last level
			b.Bar()
		}
	}
	b.If(b.SetpU32(ptx.EQ, tid, ptx.ImmU32(0)), func() {
		b.StGlobalF32(b.Index4(out, b.Ctaid(ptx.X)), 0, b.LdSharedF32(sh, 0))
	})
	return b.Build()
}
