package asm

// sgemmNaive is the textbook triple loop, the reference the tests compare
// every implementation against. It has the same contract as Sgemm but
// accumulates each dot product in float64, so its own rounding error is
// negligible next to the float32 kernels'.
func sgemmNaive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	at := func(i, p int) float64 {
		if transA {
			return float64(a[p*lda+i])
		}
		return float64(a[i*lda+p])
	}
	bt := func(p, j int) float64 {
		if transB {
			return float64(b[j*ldb+p])
		}
		return float64(b[p*ldb+j])
	}
	for i := range m {
		for j := range n {
			var sum float64
			for p := range k {
				sum += at(i, p) * bt(p, j)
			}
			v := float64(alpha) * sum
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(v)
		}
	}
}
