package backend_test

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// TestDispatch pins which calls launch kernels (and how many) and which
// delegate to the reference, so that a change in routing is seen; the
// conformance suite checks the values either way.
func TestDispatch(t *testing.T) {
	be, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	r := tensor.NewRNG(7)
	x := tensor.Normal(r, 0, 1, 2, 3, 4)
	v := tensor.Normal(r, 0, 1, 4)
	x4 := tensor.Normal(r, 0, 1, 2, 3, 4, 5)
	y4 := tensor.Normal(r, 0, 1, 2, 1, 4, 1)
	a, b := tensor.Normal(r, 0, 1, 6*5).Borrow(), tensor.Normal(r, 0, 1, 5*7).Borrow()
	c := make([]float32, 6*7)
	g2 := tensor.ConvParams{Groups: 2}.Norm()
	pool := tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	cases := []struct {
		name string
		call func()
		want int64
	}{
		{"relu", func() { be.Unary(tensor.OpRelu, 0, x, tensor.ZerosLike(x)) }, 1},
		{"exp delegates", func() { be.Unary(tensor.OpExp, 0, x, tensor.ZerosLike(x)) }, 0},
		{"empty relu delegates", func() { be.Unary(tensor.OpRelu, 0, tensor.Zeros(0), tensor.Zeros(0)) }, 0},
		{"add", func() { be.Binary(tensor.OpAdd, x, x, tensor.ZerosLike(x)) }, 1},
		{"mul broadcast", func() { be.Binary(tensor.OpMul, x, v, tensor.ZerosLike(x)) }, 1},
		{"sub four axes after folding delegates", func() { be.Binary(tensor.OpSub, x4, y4, tensor.ZerosLike(x4)) }, 0},
		{"div delegates", func() { be.Binary(tensor.OpDiv, x, x, tensor.ZerosLike(x)) }, 0},
		{"sum all: two passes", func() { be.Reduce(tensor.OpSum, x, []bool{true, true, true}, tensor.Zeros(1, 1, 1)) }, 2},
		{"sum last axes: row sum", func() { be.Reduce(tensor.OpSum, x, []bool{false, true, true}, tensor.Zeros(2, 1, 1)) }, 1},
		{"sum first axis delegates", func() { be.Reduce(tensor.OpSum, x, []bool{true, false, false}, tensor.Zeros(1, 3, 4)) }, 0},
		{"max delegates", func() { be.Reduce(tensor.OpMax, x, []bool{false, false, true}, tensor.Zeros(2, 3, 1)) }, 0},
		{"gemm dense: sgemm, epilogue", func() { be.Gemm(false, false, 6, 7, 5, 1, a, 5, b, 7, 0, c, 7) }, 2},
		{"gemm both transposed: two packs more", func() { be.Gemm(true, true, 6, 7, 5, 1, a, 6, b, 5, 1, c, 7) }, 4},
		{"gemm k=0 delegates", func() { be.Gemm(false, false, 6, 7, 0, 1, a, 1, b, 7, 1, c, 7) }, 0},
		{"conv one image: im2col, sgemm", func() {
			be.Conv2D(tensor.Zeros(1, 1, 3, 3), tensor.Zeros(1, 1, 2, 2), tensor.ConvParams{}.Norm(), tensor.Zeros(1, 1, 2, 2))
		}, 2},
		{"conv 2 images 2 groups: im2col, 2 sgemm, permute", func() {
			be.Conv2D(tensor.Zeros(2, 4, 3, 3), tensor.Zeros(2, 2, 2, 2), g2, tensor.Zeros(2, 2, 2, 2))
		}, 4},
		{"conv input grad: 2 permutes, 2 sgemm, col2im", func() {
			be.Conv2DInputGrad(tensor.Zeros(2, 2, 2, 2), tensor.Zeros(2, 2, 2, 2), g2, tensor.Zeros(2, 4, 3, 3))
		}, 5},
		{"conv weight grad: permute, im2col, 2 sgemm", func() {
			be.Conv2DWeightGrad(tensor.Zeros(2, 4, 3, 3), tensor.Zeros(2, 2, 2, 2), g2, tensor.Zeros(2, 2, 2, 2))
		}, 4},
		{"max pool: one launch", func() { be.MaxPool2D(x4, pool, tensor.Zeros(2, 3, 2, 2), make([]int32, 24)) }, 1},
		{"avg pool: one launch", func() { be.AvgPool2D(x4, pool, tensor.Zeros(2, 3, 2, 2)) }, 1},
		{"avg pool transpose: one gather", func() { be.AvgPool2DTranspose(tensor.Zeros(2, 3, 2, 2), pool, tensor.ZerosLike(x4)) }, 1},
		{"adaptive avg pool: one launch", func() { be.AdaptiveAvgPool2D(x4, tensor.Zeros(2, 3, 1, 1)) }, 1},
		{"adaptive transpose: one gather", func() { be.AdaptiveAvgPool2DTranspose(tensor.Zeros(2, 3, 1, 1), tensor.ZerosLike(x4)) }, 1},
	}
	for _, tc := range cases {
		before := be.Launches()
		tc.call()
		if got := be.Launches() - before; got != tc.want {
			t.Errorf("%s: %d launches, want %d", tc.name, got, tc.want)
		}
	}
}

// TestLargeGemmTiling runs a product big enough for the default 128×128
// tiling, with a ragged edge, against the reference.
func TestLargeGemmTiling(t *testing.T) {
	be, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	r := tensor.NewRNG(8)
	const m, n, k = 130, 129, 3
	a, b := tensor.Uniform(r, -1, 1, m*k).Borrow(), tensor.Uniform(r, -1, 1, k*n).Borrow()
	got, want := make([]float32, m*n), make([]float32, m*n)
	be.Gemm(false, true, m, n, k, 1.5, a, k, b, k, 0, got, n)
	tensor.CPU{}.Gemm(false, true, m, n, k, 1.5, a, k, b, k, 0, want, n)
	for i := range want {
		if d := got[i] - want[i]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("C[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}
