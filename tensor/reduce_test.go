package tensor

import (
	"fmt"
	"math"
	"testing"
)

// naiveReduce reduces x over the axes flagged in mask by visiting every
// input element and adding it into its output cell (float64 sums).
func naiveReduce(op string, x *Tensor, mask []bool, keepdim bool) ([]int, []float64) {
	var kshape, oshape []int
	for i, d := range x.shape {
		switch {
		case !mask[i]:
			kshape = append(kshape, d)
			oshape = append(oshape, d)
		case keepdim:
			kshape = append(kshape, 1)
			oshape = append(oshape, 1)
		default:
			kshape = append(kshape, 1)
		}
	}
	if oshape == nil {
		oshape = []int{}
	}
	kst := rowMajorStrides(kshape)
	n := Numel(kshape)
	acc := make([]float64, n)
	cnt := 1
	for i, d := range x.shape {
		if mask[i] {
			cnt *= d
		}
	}
	for i := range acc {
		switch op {
		case "Max":
			acc[i] = math.Inf(-1)
		case "Min":
			acc[i] = math.Inf(1)
		}
	}
	idx := make([]int, len(x.shape))
	for k, v := range x.data {
		unflatten(k, x.shape, idx)
		o := 0
		for d := range idx {
			if !mask[d] {
				o += idx[d] * kst[d]
			}
		}
		switch op {
		case "Sum", "Mean":
			acc[o] += float64(v)
		case "Max":
			acc[o] = math.Max(acc[o], float64(v))
		case "Min":
			acc[o] = math.Min(acc[o], float64(v))
		}
	}
	if op == "Mean" {
		for i := range acc {
			acc[i] /= float64(cnt)
		}
	}
	return oshape, acc
}

// TestReductionsEverySubset reduces a rank-4 tensor over each of the 16
// subsets of its axes (the empty list meaning "all"), with and without
// keepdim, and with positive and negative axis numbers.
func TestReductionsEverySubset(t *testing.T) {
	r := NewRNG(20)
	shapes := [][]int{{3, 4, 5, 6}, {2, 1, 7, 3}, {1, 5, 1, 2}, {16, 32, 8, 9}}
	ops := []struct {
		name string
		f    func(*Tensor, []int, bool) *Tensor
	}{{"Sum", Sum}, {"Mean", Mean}, {"Max", Max}, {"Min", Min}}
	for _, shape := range shapes {
		x := randT(r, shape...)
		for subset := 0; subset < 16; subset++ {
			var axes, neg []int
			mask := make([]bool, 4)
			for a := 0; a < 4; a++ {
				if subset&(1<<a) != 0 {
					axes = append(axes, a)
					neg = append(neg, a-4)
					mask[a] = true
				}
			}
			if subset == 0 { // nil axes reduce everything
				mask = []bool{true, true, true, true}
			}
			for _, keep := range []bool{false, true} {
				for _, op := range ops {
					wantShape, want := naiveReduce(op.name, x, mask, keep)
					for _, ax := range [][]int{axes, neg} {
						got := op.f(x, ax, keep)
						what := fmt.Sprintf("%s(%v, axes %v, keepdim %v)", op.name, shape, ax, keep)
						assertShape(t, what, got.Shape(), wantShape)
						tol := 0.0
						if op.name == "Sum" || op.name == "Mean" {
							tol = 3e-7 // float64 sums; rounding to float32 and the 1/n scale
						}
						assertClose(t, what, got.Data(), want, tol, 1e-6)
					}
				}
			}
		}
	}
}

func TestReduceValues(t *testing.T) {
	x := New([]float32{1, 5, -2, 4, 0, 3}, 2, 3)
	cases := []struct {
		name  string
		got   *Tensor
		shape []int
		want  []float32
	}{
		{"Sum all", Sum(x, nil, false), []int{}, []float32{11}},
		{"Sum all keep", Sum(x, nil, true), []int{1, 1}, []float32{11}},
		{"Sum 0", Sum(x, []int{0}, false), []int{3}, []float32{5, 5, 1}},
		{"Sum 1 keep", Sum(x, []int{1}, true), []int{2, 1}, []float32{4, 7}},
		{"Max 1", Max(x, []int{-1}, false), []int{2}, []float32{5, 4}},
		{"Min 0", Min(x, []int{0}, true), []int{1, 3}, []float32{1, 0, -2}},
		{"Mean all", Mean(x, nil, false), []int{}, []float32{11.0 / 6}},
		{"Mean 0,1", Mean(x, []int{0, 1}, false), []int{}, []float32{11.0 / 6}},
	}
	for _, c := range cases {
		assertShape(t, c.name, c.got.Shape(), c.shape)
		assertClose(t, c.name, c.got.Data(), f64s(c.want), 1e-7, 0)
	}
	if s := SumAll(x); s != 11 {
		t.Errorf("SumAll = %v", s)
	}
	// NaN propagates through Max and Min.
	n := New([]float32{1, float32(math.NaN()), 3}, 3)
	if v := Max(n, nil, false).Item(); v == v {
		t.Errorf("Max with a NaN = %v", v)
	}
	if v := Min(n, nil, false).Item(); v == v {
		t.Errorf("Min with a NaN = %v", v)
	}
	mustPanic(t, "Sum axis", func() { Sum(x, []int{2}, false) }, "tensor.Sum", "axis 2")
	mustPanic(t, "Max axis", func() { Max(x, []int{-3}, false) }, "tensor.Max")
	mustPanic(t, "Mean axis", func() { Mean(x, []int{5}, false) }, "tensor.Mean")
}

func f64s(xs []float32) []float64 {
	out := make([]float64, len(xs))
	for i, v := range xs {
		out[i] = float64(v)
	}
	return out
}

// TestSumLargeAccuracy: sums accumulate in float64, so a million equal
// float32 terms add up exactly.
func TestSumLargeAccuracy(t *testing.T) {
	x := Full(0.1, 1<<20)
	got := Sum(x, nil, false).Item()
	want := float32(float64(float32(0.1)) * (1 << 20))
	if got != want {
		t.Errorf("Sum of 2^20 × 0.1 = %v, want %v", got, want)
	}
}

func TestArgMax(t *testing.T) {
	x := New([]float32{
		1, 3, 3, 0,
		2, 2, 2, 2,
		-1, 5, 4, 5,
	}, 3, 4)
	cases := []struct {
		axis  int
		keep  bool
		shape []int
		want  []float32
	}{
		{1, false, []int{3}, []float32{1, 0, 1}}, // ties → first
		{-1, true, []int{3, 1}, []float32{1, 0, 1}},
		{0, false, []int{4}, []float32{1, 2, 2, 2}},
		{0, true, []int{1, 4}, []float32{1, 2, 2, 2}},
	}
	for _, c := range cases {
		got := ArgMax(x, c.axis, c.keep)
		what := fmt.Sprintf("ArgMax(axis %d, keep %v)", c.axis, c.keep)
		assertShape(t, what, got.Shape(), c.shape)
		assertExact(t, what, got.Data(), c.want)
	}

	// Random rank-4 tensors with many ties, every axis, against a naive
	// scan that keeps the first maximum.
	r := NewRNG(21)
	shape := []int{3, 4, 5, 6}
	q := quantized(r, shape...)
	st := rowMajorStrides(shape)
	for axis := 0; axis < 4; axis++ {
		got := ArgMax(q, axis, true)
		idx := make([]int, 4)
		for o := range got.data {
			unflatten(o, got.shape, idx)
			best, bi := float32(math.Inf(-1)), -1
			for k := 0; k < shape[axis]; k++ {
				idx[axis] = k
				if v := q.data[offsetOf(idx, st)]; v > best {
					best, bi = v, k
				}
			}
			if got.data[o] != float32(bi) {
				t.Fatalf("ArgMax axis %d at %d: %v, want %d", axis, o, got.data[o], bi)
			}
		}
	}
	mustPanic(t, "ArgMax", func() { ArgMax(x, 2, false) }, "tensor.ArgMax")
}
