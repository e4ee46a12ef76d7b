package asm

// SgemmSourceBBatch is SgemmSourceB on one thread for several products
// that share A: C_b = alpha·op(A)·B_b + beta·C_b, with op(B_b) from
// srcs[b] and C_b = cs[b], all m×n with row stride ldc. Each C_b gets
// bitwise what SgemmSourceB gives it. A's blocks are packed once per K
// slice for all the products instead of once per product: for a
// convolution over small planes (one product per image, a few hundred
// columns each) repacking the weights was a tenth of the time.
func SgemmSourceBBatch(transA bool, m, n, k int, alpha float32, a []float32, lda int, srcs []BSource, beta float32, cs [][]float32, ldc int) {
	if len(srcs) != len(cs) {
		panic("asm.SgemmSourceBBatch: different numbers of sources and outputs")
	}
	checkDims(m, n, k)
	checkMatrix("A", transA, m, k, a, lda)
	for b := range cs {
		checkMatrix("C", false, m, n, cs[b], ldc)
		if srcs[b] == nil && m > 0 && n > 0 && k > 0 && alpha != 0 {
			panic("asm: nil BSource")
		}
	}
	kern := active.Load()
	r := region{0, m, 0, n}
	if mc, _ := kern.blockSizes(r); len(cs) < 2 || m == 0 || n == 0 || k == 0 || alpha == 0 || m > mc {
		for b := range cs {
			SgemmSourceB(1, transA, m, n, k, alpha, a, lda, srcs[b], beta, cs[b], ldc)
		}
		return
	}
	kc := splitK(k, kern.blocks.kc)
	ws := getWorkspace(kern, kc, r)
	defer workspaces.Put(ws)
	g := gemmArgs{transA: transA, m: m, n: n, k: k, alpha: alpha, beta: beta, a: a, lda: lda, ldc: ldc}
	// computeShort's loops with the products innermost but one: every C_b
	// sees the same kernel calls, in the same order, as alone.
	mr, nr := kern.mr, kern.nr
	for pc := 0; pc < k; pc += kc {
		kb := min(kc, k-pc)
		bt := beta
		if pc > 0 {
			bt = 1
		}
		ap := ws.a[:roundUp(m, mr)*kb]
		g.packA(ap, kern, ws, 0, m, pc, kb)
		bp := ws.b[:nr*kb]
		for b := range cs {
			g.src, g.c = srcs[b], cs[b]
			for jc := 0; jc < n; jc += nr {
				nc := min(nr, n-jc)
				g.packB(bp, ws, pc, kb, jc, nc, nr)
				g.macroKernel(kern, ap, bp, ws.tile, 0, m, jc, nc, kb, bt)
			}
		}
	}
}
