package asm

// The pure-Go micro-kernel: the twin of the assembly kernels, used on
// platforms without them, with -tags purego, and as a readable statement of
// what every kernel computes.
//
// A 2×4 tile keeps its 8 accumulators, the 4 B values of a step and one A
// value in registers (the compiler has 15 XMM registers for floats); a 4×4
// tile spilled accumulators to the stack and ran ~8% slower.
const goMR, goNR = 2, 4

// goTile computes C = alpha*Ap*Bp + beta*C on one 2×4 tile. a holds kc steps
// of 2 values of a column of A, b holds kc steps of 4 values of a row of B.
func goTile(kc int, a, b, c []float32, ldc int, alpha, beta float32) {
	a, b = a[:kc*goMR], b[:kc*goNR]
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	for len(a) >= goMR && len(b) >= goNR {
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		a0 := a[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := a[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a, b = a[goMR:], b[goNR:]
	}
	goStoreRow(c[0*ldc:], c00, c01, c02, c03, alpha, beta)
	goStoreRow(c[1*ldc:], c10, c11, c12, c13, alpha, beta)
}

// goStoreRow writes alpha*acc + beta*c into one row of the tile, without
// reading c when beta == 0 (so NaNs there are overwritten, as BLAS requires).
func goStoreRow(c []float32, x0, x1, x2, x3, alpha, beta float32) {
	c = c[:goNR]
	if beta == 0 {
		c[0], c[1], c[2], c[3] = alpha*x0, alpha*x1, alpha*x2, alpha*x3
		return
	}
	c[0] = alpha*x0 + beta*c[0]
	c[1] = alpha*x1 + beta*c[1]
	c[2] = alpha*x2 + beta*c[2]
	c[3] = alpha*x3 + beta*c[3]
}

// goSink keeps the compiler from discarding goPeak's arithmetic.
var goSink float32

// goPeak runs 12 independent multiply-add chains (enough to cover the
// latency of scalar mul+add on current cores) for iters iterations and
// returns the flops done. Each chain is s = s*x + y, which cannot be hoisted
// out of the loop and converges instead of overflowing.
func goPeak(iters int) float64 {
	const chains = 12
	x, y := float32(0.999), float32(0.001)
	var s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11 float32
	for i := 0; i < iters; i++ {
		s0 = s0*x + y
		s1 = s1*x + y
		s2 = s2*x + y
		s3 = s3*x + y
		s4 = s4*x + y
		s5 = s5*x + y
		s6 = s6*x + y
		s7 = s7*x + y
		s8 = s8*x + y
		s9 = s9*x + y
		s10 = s10*x + y
		s11 = s11*x + y
	}
	goSink = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11
	return float64(iters) * chains * 2
}
