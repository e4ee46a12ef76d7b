package tensor

import (
	"fmt"
	"testing"
)

// naiveMatMulT multiplies op(a)·op(b) element by element in float64,
// mapping every output batch index into each operand's batch axes.
func naiveMatMulT(a, b *Tensor, transA, transB bool) ([]int, []float64) {
	ra, rb := len(a.shape), len(b.shape)
	m, k := a.shape[ra-2], a.shape[ra-1]
	if transA {
		m, k = k, m
	}
	n := b.shape[rb-1]
	if transB {
		n = b.shape[rb-2]
	}
	ba, bb := a.shape[:ra-2], b.shape[:rb-2]
	nb := max(len(ba), len(bb))
	batch := make([]int, nb)
	for i := range batch {
		da, db := 1, 1
		if j := i - (nb - len(ba)); j >= 0 {
			da = ba[j]
		}
		if j := i - (nb - len(bb)); j >= 0 {
			db = bb[j]
		}
		batch[i] = max(da, db)
	}
	sa, sb := rowMajorStrides(a.shape), rowMajorStrides(b.shape)
	out := append(append([]int{}, batch...), m, n)
	res := make([]float64, Numel(out))
	bi := make([]int, nb)
	for p := 0; p < Numel(batch); p++ {
		unflatten(p, batch, bi)
		oa, ob := 0, 0
		for i := range bi {
			if j := i - (nb - len(ba)); j >= 0 && ba[j] != 1 {
				oa += bi[i] * sa[j]
			}
			if j := i - (nb - len(bb)); j >= 0 && bb[j] != 1 {
				ob += bi[i] * sb[j]
			}
		}
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s float64
				for q := 0; q < k; q++ {
					var av, bv float32
					if transA {
						av = a.data[oa+q*sa[ra-2]+i*sa[ra-1]]
					} else {
						av = a.data[oa+i*sa[ra-2]+q*sa[ra-1]]
					}
					if transB {
						bv = b.data[ob+j*sb[rb-2]+q*sb[rb-1]]
					} else {
						bv = b.data[ob+q*sb[rb-2]+j*sb[rb-1]]
					}
					s += float64(av) * float64(bv)
				}
				res[(p*m+i)*n+j] = s
			}
		}
	}
	return out, res
}

func TestMatMulTVsNaive(t *testing.T) {
	r := NewRNG(50)
	type tc struct {
		batchA, batchB []int
		m, k, n        int
	}
	cases := []tc{
		{nil, nil, 1, 1, 1},
		{nil, nil, 3, 5, 4},
		{nil, nil, 17, 33, 9},
		{[]int{2}, []int{2}, 4, 3, 5},
		{[]int{2}, nil, 4, 3, 5},
		{nil, []int{3}, 4, 3, 5},
		{[]int{2, 1}, []int{1, 3}, 2, 7, 3},
		{[]int{4, 1, 2}, []int{3, 1}, 3, 2, 6},
		{[]int{1}, []int{5}, 6, 1, 2},
		{[]int{3}, []int{3}, 0, 4, 2},
		{nil, nil, 3, 0, 2},
		{nil, nil, 64, 70, 300}, // splits over rows
	}
	for _, c := range cases {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				as := append(append([]int{}, c.batchA...), c.m, c.k)
				if ta {
					as = append(append([]int{}, c.batchA...), c.k, c.m)
				}
				bs := append(append([]int{}, c.batchB...), c.k, c.n)
				if tb {
					bs = append(append([]int{}, c.batchB...), c.n, c.k)
				}
				a, b := randT(r, as...), randT(r, bs...)
				got := MatMulT(a, b, ta, tb)
				shape, want := naiveMatMulT(a, b, ta, tb)
				what := fmt.Sprintf("MatMulT(%v, %v, %v, %v)", as, bs, ta, tb)
				assertShape(t, what, got.Shape(), shape)
				assertClose(t, what, got.Data(), want, 1e-5, 1e-5*float64(c.k+1))
				if !ta && !tb {
					assertExact(t, "MatMul", MatMul(a, b).Data(), got.Data())
				}
			}
		}
	}
}

func TestMatMulValues(t *testing.T) {
	a := New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := New([]float32{7, 8, 9, 10, 11, 12}, 3, 2)
	assertExact(t, "MatMul", MatMul(a, b).Data(), []float32{58, 64, 139, 154})
	assertExact(t, "MatMulT(a, a, false, true)", MatMulT(a, a, false, true).Data(), []float32{14, 32, 32, 77})
	assertExact(t, "MatMulT(a, a, true, false)", MatMulT(a, a, true, false).Data(),
		[]float32{17, 22, 27, 22, 29, 36, 27, 36, 45})
}

func TestGemmNaiveAlphaBeta(t *testing.T) {
	a := []float32{1, 2, 3, 4}    // 2×2
	b := []float32{5, 6, 7, 8}    // 2×2
	c := []float32{1, 1, 1, 1, 9} // 2×2 with ldc 2 and a guard value
	GemmNaive(false, false, 2, 2, 2, 2, a, 2, b, 2, 0.5, c, 2)
	// 2·[[19 22] [43 50]] + 0.5
	assertExact(t, "GemmNaive", c, []float32{38.5, 44.5, 86.5, 100.5, 9})
	// beta = 0 ignores C, even NaN.
	nan := float32(0)
	nan = nan / nan
	c2 := []float32{nan, nan, nan, nan}
	GemmNaive(true, true, 2, 2, 2, 1, a, 2, b, 2, 0, c2, 2)
	// aᵀ·bᵀ = (b·a)ᵀ: b·a = [[23 34] [31 46]]
	assertExact(t, "GemmNaive transposed", c2, []float32{23, 31, 34, 46})
}

func TestMatMulPanics(t *testing.T) {
	mustPanic(t, "rank", func() { MatMul(Ones(3), Ones(3, 2)) }, "tensor.MatMul", "[3]")
	mustPanic(t, "inner", func() { MatMul(Ones(2, 3), Ones(2, 3)) }, "tensor.MatMul", "[2 3]")
	mustPanic(t, "inner transposed", func() { MatMulT(Ones(2, 3), Ones(2, 3), false, false) }, "tensor.MatMul")
	mustPanic(t, "batch", func() { MatMul(Ones(2, 2, 3), Ones(3, 3, 2)) }, "tensor.MatMul", "batch")
}
