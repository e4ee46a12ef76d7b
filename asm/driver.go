package asm

// gemmArgs bundles the operands of one call so the loops below stay short.
// Exactly one of b and src provides op(B); asrc, when set, provides op(A)
// (as a source of its transpose) instead of a.
type gemmArgs struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
	src            BSource
	asrc           BSource
	c              []float32
	ldc            int
}

// region is the rectangle of C one worker owns: rows i0..i1-1, columns
// j0..j1-1. Regions are disjoint and aligned to the kernel's tile grid.
type region struct{ i0, i1, j0, j1 int }

// compute runs the five loops of the BLIS/Goto algorithm over region r:
//
//	loop 5  jc: nc-wide column panels of C and B
//	loop 4  pc: kc-deep slices of K; pack B[pc:, jc:] (kc×nc)
//	loop 3  ic: mc-tall row blocks; pack A[ic:, pc:] (mc×kc)
//	loop 2  jr: nr-wide micro-panels of the packed B     } macroKernel
//	loop 1  ir: mr-tall micro-panels of the packed A     }
//
// K is always walked in the same kc slices, from 0 up, so every element of
// C sees the same sequence of kernel calls whatever region it falls in.
func (g *gemmArgs) compute(kern *kernel, kc int, r region, ws *workspace) {
	mr, nr := kern.mr, kern.nr
	mcMax, ncMax := kern.blockSizes(r)
	if r.i1-r.i0 <= mcMax {
		g.computeShort(kern, kc, r, ws)
		return
	}
	for jc := r.j0; jc < r.j1; jc += ncMax {
		nc := min(ncMax, r.j1-jc)
		for pc := 0; pc < g.k; pc += kc {
			kb := min(kc, g.k-pc)
			bp := ws.b[:roundUp(nc, nr)*kb]
			g.packB(bp, ws, pc, kb, jc, nc, nr)
			// The first slice applies the caller's beta; later slices
			// accumulate onto what the earlier ones wrote.
			beta := g.beta
			if pc > 0 {
				beta = 1
			}
			for ic := r.i0; ic < r.i1; ic += mcMax {
				mc := min(mcMax, r.i1-ic)
				ap := ws.a[:roundUp(mc, mr)*kb]
				g.packA(ap, kern, ws, ic, mc, pc, kb)
				g.macroKernel(kern, ap, bp, ws.tile, ic, mc, jc, nc, kb, beta)
			}
		}
	}
}

// computeShort is compute for a region no taller than one A block, the
// usual case of convolutions (M is the number of output channels). There
// the B panel is used by a single A block, so a large panel buys no reuse:
// the A block is packed once per kc slice, and B is packed one micro-panel
// at a time and consumed at once, while it is in L1. Each C element sees
// the same kernel calls in the same order as in compute.
func (g *gemmArgs) computeShort(kern *kernel, kc int, r region, ws *workspace) {
	mr, nr := kern.mr, kern.nr
	mc := r.i1 - r.i0
	for pc := 0; pc < g.k; pc += kc {
		kb := min(kc, g.k-pc)
		beta := g.beta
		if pc > 0 {
			beta = 1
		}
		ap := ws.a[:roundUp(mc, mr)*kb]
		g.packA(ap, kern, ws, r.i0, mc, pc, kb)
		bp := ws.b[:nr*kb]
		for jc := r.j0; jc < r.j1; jc += nr {
			nc := min(nr, r.j1-jc)
			g.packB(bp, ws, pc, kb, jc, nc, nr)
			g.macroKernel(kern, ap, bp, ws.tile, r.i0, mc, jc, nc, kb, beta)
		}
	}
}

// packB packs the kb×nc block of op(B) at (pc, jc).
func (g *gemmArgs) packB(bp []float32, ws *workspace, pc, kb, jc, nc, nr int) {
	if g.src != nil {
		packSource(bp, g.src, ws.scratch, pc, kb, jc, nc, nr)
	} else {
		packB(bp, g.b, g.ldb, g.transB, pc, kb, jc, nc, nr)
	}
}

// packA packs the mc×kb block of op(A) at (ic, pc).
func (g *gemmArgs) packA(ap []float32, kern *kernel, ws *workspace, ic, mc, pc, kb int) {
	if g.asrc != nil {
		// A packed micro-panel is an mr-wide panel of Aᵀ.
		packSource(ap, g.asrc, ws.scratch, pc, kb, ic, mc, kern.mr)
	} else {
		packA(ap, g.a, g.lda, g.transA, ic, mc, pc, kb, kern.mr, kern.transposeA)
	}
}

// macroKernel multiplies a packed mc×kb block of A by a packed kb×nc panel
// of B into C[ic:ic+mc, jc:jc+nc], one mr×nr register tile per kernel call.
// The B micro-panel stays in L1 across the inner loop over A micro-panels.
func (g *gemmArgs) macroKernel(kern *kernel, ap, bp, tile []float32, ic, mc, jc, nc, kb int, beta float32) {
	mr, nr, ldc := kern.mr, kern.nr, g.ldc
	for jr := 0; jr < nc; jr += nr {
		b := bp[jr*kb:]
		cols := min(nr, nc-jr)
		for ir := 0; ir < mc; ir += mr {
			a := ap[ir*kb:]
			rows := min(mr, mc-ir)
			c := g.c[(ic+ir)*ldc+jc+jr:]
			if rows == mr && cols == nr {
				kern.tile(kb, a, b, c, ldc, g.alpha, beta)
				continue
			}
			if kern.edge != nil && cols == nr {
				// A short tile: only its rows are computed and written.
				kern.edge(kb, a, b, c, ldc, g.alpha, beta, rows)
				continue
			}
			// Edge tile: run the same kernel on a private mr×nr tile and
			// copy back only the part inside C, so nothing outside C is
			// read or written.
			t := tile[:mr*nr]
			if beta != 0 {
				copyTile(t, nr, c, ldc, rows, cols)
			}
			if kern.edge != nil {
				kern.edge(kb, a, b, t, nr, g.alpha, beta, rows)
			} else {
				kern.tile(kb, a, b, t, nr, g.alpha, beta)
			}
			copyTile(c, ldc, t, nr, rows, cols)
		}
	}
}

// blockSizes returns the row-block and column-panel sizes used in region r:
// the region is cut into the fewest blocks allowed by the cache blocking,
// of equal size rounded up to whole tiles. This avoids a sliver of a block
// at the end (e.g. 1024 rows as 3×336 + 16), whose packed B panel would be
// streamed from L3 for only a couple of kernel calls.
func (k *kernel) blockSizes(r region) (mc, nc int) {
	return evenBlock(r.i1-r.i0, k.blocks.mc, k.mr), evenBlock(r.j1-r.j0, k.blocks.nc, k.nr)
}

// evenBlock splits n into ceil(n/maxBlock) blocks of equal size rounded up
// to a multiple of unit (maxBlock is a multiple of unit).
func evenBlock(n, maxBlock, unit int) int {
	blocks := ceilDiv(n, maxBlock)
	return min(maxBlock, roundUp(ceilDiv(n, blocks), unit))
}

// copyTile copies a rows×cols block between row-major buffers.
func copyTile(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	for i := range rows {
		copy(dst[i*ldd:i*ldd+cols], src[i*lds:i*lds+cols])
	}
}

func roundUp(x, m int) int { return (x + m - 1) / m * m }
