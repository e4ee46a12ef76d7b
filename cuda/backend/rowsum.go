package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// rowSumBlock is the row sum's block size; the shared tree is unrolled
// for it.
const rowSumBlock = 256

// rowSum builds out[r] = Σ_j in[r·n+j] for r < rows: one block per row
// (blocks loop over rows past the grid), each thread adding its strided
// share in order, then the block adding the 256 thread sums pairwise. The
// tree depends on n alone, so the result is the same bits on every run;
// no atomics. Params (out, in, rows, n).
func rowSum() *ptx.Kernel {
	b := ptx.New("row_sum_f32")
	out, in := b.ParamPtr("out"), b.ParamPtr("in")
	rows, n := b.ParamU32("rows"), b.ParamU32("n")
	sh := b.Shared("partial", rowSumBlock)
	tid := b.Tid(ptx.X)
	mine := b.AddU32(sh, b.ShlU32(tid, ptx.ImmU32(2)))
	loop(b, rows, b.Ctaid(ptx.X), b.Nctaid(ptx.X), func(r ptx.U32) {
		base := b.MulU32(r, n)
		acc := b.MovF32(ptx.ImmF32(0))
		loop(b, n, tid, b.Ntid(ptx.X), func(j ptx.U32) {
			b.AddF32To(acc, acc, b.LdGlobalF32(b.Index4(in, b.AddU32(base, j)), 0))
		})
		b.StSharedF32(mine, 0, acc)
		b.Bar()
		for s := rowSumBlock / 2; s >= 1; s /= 2 {
			b.If(b.SetpU32(ptx.LT, tid, ptx.ImmU32(uint32(s))), func() {
				b.StSharedF32(mine, 0, b.AddF32(b.LdSharedF32(mine, 0), b.LdSharedF32(mine, int32(4*s))))
			})
			b.Bar() // after the last level too: the next row's stores wait for its reads
		}
		b.If(b.SetpU32(ptx.EQ, tid, ptx.ImmU32(0)), func() {
			b.StGlobalF32(b.Index4(out, r), 0, b.LdSharedF32(sh, 0))
		})
	})
	return b.Build()
}
