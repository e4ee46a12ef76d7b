package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// The builder has no div.rn.f32, and the pools must divide exactly as the
// reference does (s / float32(count)). A table uploaded with the launch
// holds, for each count d, float32(d) and 1/d rounded to nearest; with q
// = s·(1/d) within an ulp of s/d, the residual e = s − q·d is exact under
// fma and q + e·(1/d) rounds to s/d itself (Markstein's theorem).

// divTable is the table for counts 0..maxCount, pairs (d, 1/d).
func divTable(maxCount int) []float32 {
	t := make([]float32, 2*(maxCount+1))
	for d := 1; d <= maxCount; d++ {
		t[2*d], t[2*d+1] = float32(d), 1/float32(d)
	}
	return t
}

// divide is s / d for a count d in the table tab. Where the residual is
// NaN (s infinite or NaN) the first quotient already is the answer.
func divide(b *ptx.Builder, s ptx.F32, d ptx.U32, tab ptx.U64) ptx.F32 {
	at := b.Index4(tab, b.ShlU32(d, ptx.ImmU32(1)))
	fd, rd := b.LdGlobalF32(at, 0), b.LdGlobalF32(at, 4)
	q := b.MulF32(s, rd)
	e := b.FmaF32(b.MulF32(q, ptx.ImmF32(-1)), fd, s)
	return b.SelpF32(b.SetpF32(ptx.EQ, e, e), b.FmaF32(e, rd, q), q)
}
