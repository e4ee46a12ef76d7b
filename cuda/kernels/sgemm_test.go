package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// sgemmFMARef is C = A·B with each element one fma chain in k order, the
// order the kernel promises.
func sgemmFMARef(a, b []float32, m, n, k int) []float32 {
	c := make([]float32, m*n)
	for i := range m {
		for j := range n {
			var s float32
			for p := range k {
				s = FMA32(a[i*k+p], b[p*n+j], s)
			}
			c[i*n+j] = s
		}
	}
	return c
}

func TestSgemm(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	shapes := []struct {
		cfg     SgemmConfig
		m, n, k int
	}{
		{SmallSgemm, 16, 16, 4}, // one tile exactly
		{SmallSgemm, 1, 1, 1},   // one element
		{SmallSgemm, 33, 17, 9}, // ragged in every dimension
		{SmallSgemm, 5, 40, 31}, // wide, K not a multiple of BK
		{SmallSgemm, 48, 3, 64}, // tall and thin
		{DefaultSgemm, 130, 131, 17},
		{SgemmConfig{BM: 32, BN: 64, BK: 16, TM: 4, TN: 8}, 70, 90, 45},
	}
	for _, s := range shapes {
		t.Run(fmt.Sprintf("%v/%dx%dx%d", s.cfg, s.m, s.n, s.k), func(t *testing.T) {
			kern, err := Sgemm(s.cfg)
			if err != nil {
				t.Fatal(err)
			}
			a, b := randVec(r, s.m*s.k), randVec(r, s.k*s.n)
			var mem ptx.Memory
			pa, pb := mem.AllocF32(a), mem.AllocF32(b)
			pc := mem.AllocF32(make([]float32, s.m*s.n))
			run(t, kern, &mem, s.cfg.Grid(s.m, s.n), ptx.D1(uint32(s.cfg.Threads())),
				pc, pa, pb, uint32(s.m), uint32(s.n), uint32(s.k))
			got := mem.ReadF32(pc)
			sameBits(t, "C vs fma chain", got, sgemmFMARef(a, b, s.m, s.n, s.k))
			want, bound := SgemmRef(a, b, s.m, s.n, s.k)
			for i := range want {
				if d := math.Abs(float64(got[i]) - want[i]); d > 1e-5*bound[i] {
					t.Fatalf("C[%d] = %g, want %g (error %.2g of Σ|ab| = %g)", i, got[i], want[i], d, bound[i])
				}
			}
		})
	}
}

func TestSgemmRejectsBadTiling(t *testing.T) {
	for _, c := range []SgemmConfig{
		{BM: 24, BN: 16, BK: 4, TM: 2, TN: 2},   // not a power of two
		{BM: 16, BN: 16, BK: 1, TM: 1, TN: 1},   // 256 threads, A slice of 16 words
		{BM: 256, BN: 256, BK: 8, TM: 2, TN: 2}, // 16384 threads
	} {
		if _, err := Sgemm(c); err == nil {
			t.Errorf("tiling %+v accepted", c)
		}
	}
}
