package kernels

import (
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// SgemmVec4Fits reports whether a Vec4 SGEMM may run C = A·B with these
// sizes and operands: K and N multiples of 4 (so a row of A or B, and a
// tile's offset within it, keep 16-byte alignment, and the bounds checks
// take a quad of four elements all in or all out) and every pointer
// 16-byte aligned. An operand at an element offset into a buffer is
// aligned only if the offset is a multiple of 4.
func SgemmVec4Fits(n, k int, ptrs ...ptx.Ptr) bool {
	if n%4 != 0 || k%4 != 0 {
		return false
	}
	for _, p := range ptrs {
		if uint64(p)%16 != 0 {
			return false
		}
	}
	return true
}

// sgemmVec4 is Sgemm for a Vec4 tiling; the caller checked c. The
// parameters, launch and results are Sgemm's; only the data movement
// differs:
//
//   - A and B are staged with ld.global.v4.f32, four consecutive
//     elements of a row (k for A, n for B) per load. A quad is wholly in
//     range or wholly out (K % 4 = N % 4 = 0, quads start at multiples of
//     4), and out-of-range quads stage zeros, as the scalar kernel does
//     element by element.
//   - Bs rows are written with st.shared.v4.f32; As, transposed, takes
//     its quad's four words by scalar stores, BM words apart.
//   - A thread owns rows ty*TM+i (consecutive in As, read TM/4 quads at
//     a time) and columns tx*4 + q*4*(BN/TN) + t for t < 4 and q <
//     TN/4: quads of consecutive columns, so its B fragment is TN/4
//     ld.shared.v4 reads and consecutive threads read consecutive 16
//     bytes. C's quads are written with st.global.v4.f32.
//
// Each C element is still one fma chain over k = 0, 1, ..., K-1 from 0,
// so the results are SgemmRef's fma order bit for bit.
func sgemmVec4(c SgemmConfig) *ptx.Kernel {
	b, f := sgemmPrologue("sgemm_v4", c)
	pc, pa, pb, m, n, k, as, bs := f.pc, f.pa, f.pb, f.m, f.n, f.k, f.as, f.bs
	threads, colThreads, tid, tx, ty, rowBase, colBase := f.threads, f.colThreads, f.tid, f.tx, f.ty, f.rowBase, f.colBase
	imm := immU32

	type tileLoad struct {
		ptr    ptx.U64
		inner  ptx.U32 // first column within the slice (A) or row (B)
		outer  ptx.Pred
		shAddr ptx.U32
		exists *ptx.Pred // nil: every thread has this quad
	}
	// exists is set where quad e may not exist: when a slice has fewer
	// quads than the block has threads, the last threads stage none.
	exists := func(e ptx.U32, groups int) *ptx.Pred {
		if groups%threads == 0 {
			return nil
		}
		p := b.SetpU32(ptx.LT, e, imm(groups))
		return &p
	}
	// Quad e of the BM×BK slice of A is row e/(BK/4), columns 4·(e%(BK/4))
	// onward.
	aQuads, aPerRow := c.BM*c.BK/4, c.BK/4
	var aLoads, bLoads []tileLoad
	for j := 0; j*threads < aQuads; j++ {
		e := b.AddU32(tid, imm(j*threads))
		r := b.ShrU32(e, imm(int(log2(aPerRow))))
		col := b.ShlU32(b.AndU32(e, imm(aPerRow-1)), imm(2))
		row := b.AddU32(rowBase, r)
		ptr := b.NewU64()
		b.MovU64To(ptr, b.Index4(pa, b.MadU32(row, k, col)))
		sh := b.AddU32(as, b.ShlU32(b.MadU32(col, imm(c.BM), r), imm(2)))
		aLoads = append(aLoads, tileLoad{ptr, col, b.SetpU32(ptx.LT, row, m), sh, exists(e, aQuads)})
	}
	// Quad e of the BK×BN slice of B is row e/(BN/4), columns
	// 4·(e%(BN/4)) onward: Bs words 4e to 4e+3.
	bQuads, bPerRow := c.BK*c.BN/4, c.BN/4
	for j := 0; j*threads < bQuads; j++ {
		e := b.AddU32(tid, imm(j*threads))
		r := b.ShrU32(e, imm(int(log2(bPerRow))))
		col := b.AddU32(colBase, b.ShlU32(b.AndU32(e, imm(bPerRow-1)), imm(2)))
		ptr := b.NewU64()
		b.MovU64To(ptr, b.Index4(pb, b.MadU32(r, n, col)))
		sh := b.AddU32(bs, b.ShlU32(e, imm(4)))
		bLoads = append(bLoads, tileLoad{ptr, r, b.SetpU32(ptx.LT, col, n), sh, exists(e, bQuads)})
	}
	aStep := ptx.ImmU64(uint64(4 * c.BK))
	bStep := b.MulWideU32(n, imm(4*c.BK))

	acc := make([]ptx.F32, c.TM*c.TN)
	for i := range acc {
		acc[i] = b.MovF32(ptx.ImmF32(0))
	}
	quad := func() [4]ptx.F32 { return [4]ptx.F32{b.NewF32(), b.NewF32(), b.NewF32(), b.NewF32()} }
	ra := make([][4]ptx.F32, c.TM/4)
	rb := make([][4]ptx.F32, c.TN/4)
	for i := range ra {
		ra[i] = quad()
	}
	for j := range rb {
		rb[j] = quad()
	}
	aRead := b.AddU32(as, b.ShlU32(ty, imm(int(log2(c.TM))+2)))
	bRead := b.AddU32(bs, b.ShlU32(tx, imm(4)))

	k0 := b.MovU32(imm(0))
	top, done := b.NewLabel(), b.NewLabel()
	b.Place(top)
	b.BraIf(b.SetpU32(ptx.GE, k0, k), done)
	stage := func(loads []tileLoad, step ptx.U64, store func(ld tileLoad, v [4]ptx.F32)) {
		for _, ld := range loads {
			body := func() {
				var v [4]ptx.F32
				for i := range v {
					v[i] = b.MovF32(ptx.ImmF32(0))
				}
				ok := b.AndPred(ld.outer, b.SetpU32(ptx.LT, b.AddU32(k0, ld.inner), k))
				b.If(ok, func() { b.LdGlobalV4F32To(v, ld.ptr, 0) })
				store(ld, v)
				b.AddU64To(ld.ptr, ld.ptr, step)
			}
			if ld.exists != nil {
				b.If(*ld.exists, body)
			} else {
				body()
			}
		}
	}
	stage(aLoads, aStep, func(ld tileLoad, v [4]ptx.F32) {
		for i, x := range v {
			b.StSharedF32(ld.shAddr, int32(4*i*c.BM), x)
		}
	})
	stage(bLoads, bStep, func(ld tileLoad, v [4]ptx.F32) { b.StSharedV4F32(ld.shAddr, 0, v) })
	b.Bar()
	for kk := 0; kk < c.BK; kk++ {
		for g := range ra {
			b.LdSharedV4F32To(ra[g], aRead, int32(4*(kk*c.BM+4*g)))
		}
		for q := range rb {
			b.LdSharedV4F32To(rb[q], bRead, int32(4*(kk*c.BN+4*q*colThreads)))
		}
		for i := 0; i < c.TM; i++ {
			for j := 0; j < c.TN; j++ {
				a := acc[i*c.TN+j]
				b.FmaF32To(a, ra[i/4][i%4], rb[j/4][j%4], a)
			}
		}
	}
	b.Bar()
	b.AddU32To(k0, k0, imm(c.BK))
	b.Bra(top)
	b.Place(done)

	// Epilogue: store the owned quads that fall inside C; N % 4 = 0
	// makes each quad wholly in or out.
	firstCol := b.AddU32(colBase, b.ShlU32(tx, imm(2)))
	colOK := make([]ptx.Pred, c.TN/4)
	for q := range colOK {
		colOK[q] = b.SetpU32(ptx.LT, b.AddU32(firstCol, imm(4*q*colThreads)), n)
	}
	for i := 0; i < c.TM; i++ {
		row := b.AddU32(b.AddU32(rowBase, b.ShlU32(ty, imm(int(log2(c.TM))))), imm(i))
		rowOK := b.SetpU32(ptx.LT, row, m)
		base := b.Index4(pc, b.MadU32(row, n, firstCol))
		for q := 0; q < c.TN/4; q++ {
			v := [4]ptx.F32(acc[i*c.TN+4*q : i*c.TN+4*q+4])
			b.If(b.AndPred(rowOK, colOK[q]), func() {
				b.StGlobalV4F32(base, int32(16*q*colThreads), v)
			})
		}
	}
	return b.Build()
}
