package tensor

import (
	"fmt"
	"testing"
)

func randIndices(r *RNG, n int, shape ...int) *Indices {
	d := make([]int, Numel(shape))
	for i := range d {
		d[i] = r.Intn(n)
	}
	return NewIndices(d, shape...)
}

func TestGatherVsNaiveAndScatterAddAdjoint(t *testing.T) {
	r := NewRNG(40)
	type tc struct {
		x    []int
		axis int
		m    int // index size along axis
	}
	cases := []tc{
		{[]int{5}, 0, 3},
		{[]int{4, 6}, 1, 9},
		{[]int{4, 6}, 0, 2},
		{[]int{3, 4, 5}, 1, 4},
		{[]int{3, 4, 5}, -1, 1},
		{[]int{2, 3, 16, 16}, 2, 16},
		{[]int{8, 16, 1024}, 2, 256}, // the max-pool shape, parallel
	}
	for _, c := range cases {
		a := (c.axis + len(c.x)) % len(c.x)
		is := append([]int{}, c.x...)
		is[a] = c.m
		x := randT(r, c.x...)
		idx := randIndices(r, c.x[a], is...)
		g := Gather(x, c.axis, idx)
		what := fmt.Sprintf("Gather(%v, axis %d, index %v)", c.x, c.axis, is)
		assertShape(t, what, g.Shape(), is)
		xs := rowMajorStrides(c.x)
		ii := make([]int, len(is))
		for k := range g.data {
			unflatten(k, is, ii)
			ii[a] = idx.Data[k]
			if g.data[k] != x.data[offsetOf(ii, xs)] {
				t.Fatalf("%s: element %d", what, k)
			}
		}
		// ScatterAdd into zeros is Gather's adjoint.
		y := randT(r, is...)
		s := ScatterAdd(Zeros(c.x...), c.axis, idx, y)
		assertShape(t, "ScatterAdd", s.Shape(), c.x)
		checkAdjoint(t, what, dot64(g, y), dot64(x, s), sumAbs64(g, y))
		// Into a non-zero base: base + scatter, and base is untouched.
		base := randT(r, c.x...)
		keep := base.Clone()
		s2 := ScatterAdd(base, c.axis, idx, y)
		assertExact(t, "ScatterAdd base untouched", base.Data(), keep.Data())
		assertClose(t, "ScatterAdd with base", s2.Data(), f64s(Add(base, s).Data()), 1e-6, 1e-6)
	}
}

func TestScatterAddValues(t *testing.T) {
	// Repeated indices accumulate.
	idx := NewIndices([]int{0, 0, 2, 1, 1, 1}, 2, 3)
	src := New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	got := ScatterAdd(Zeros(2, 4), 1, idx, src)
	assertExact(t, "ScatterAdd", got.Data(), []float32{3, 0, 3, 0, 0, 15, 0, 0})
	g := Gather(New([]float32{10, 11, 12, 13, 20, 21, 22, 23}, 2, 4), 1, idx)
	assertExact(t, "Gather", g.Data(), []float32{10, 10, 12, 21, 21, 21})
}

func TestIndexSelectIndexAdd(t *testing.T) {
	r := NewRNG(41)
	cases := []struct {
		x     []int
		axis  int
		index []int
	}{
		{[]int{5}, 0, []int{4, 0, 0, 2}},
		{[]int{4, 3}, 0, []int{3, 1}},
		{[]int{4, 3}, 1, []int{2, 2, 2, 0, 1}},
		{[]int{2, 5, 3}, -2, []int{0, 4, 1, 4}},
		{[]int{2, 5, 3}, 2, []int{}},
	}
	for _, c := range cases {
		a := (c.axis + len(c.x)) % len(c.x)
		x := randT(r, c.x...)
		sel := IndexSelect(x, c.axis, c.index)
		ws := append([]int{}, c.x...)
		ws[a] = len(c.index)
		what := fmt.Sprintf("IndexSelect(%v, %d, %v)", c.x, c.axis, c.index)
		assertShape(t, what, sel.Shape(), ws)
		xs := rowMajorStrides(c.x)
		ii := make([]int, len(ws))
		for k := range sel.data {
			unflatten(k, ws, ii)
			ii[a] = c.index[ii[a]]
			if sel.data[k] != x.data[offsetOf(ii, xs)] {
				t.Fatalf("%s: element %d", what, k)
			}
		}
		y := randT(r, ws...)
		add := IndexAdd(Zeros(c.x...), c.axis, c.index, y)
		checkAdjoint(t, what, dot64(sel, y), dot64(x, add), sumAbs64(sel, y))
		base := randT(r, c.x...)
		keep := base.Clone()
		IndexAdd(base, c.axis, c.index, y)
		assertExact(t, "IndexAdd base untouched", base.Data(), keep.Data())
	}
	got := IndexAdd(Zeros(3), 0, []int{1, 1, 0}, New([]float32{1, 2, 4}, 3))
	assertExact(t, "IndexAdd repeats", got.Data(), []float32{4, 3, 0})
}

func TestOneHot(t *testing.T) {
	got := OneHot([]int{2, 0, 1, 2}, 3)
	assertShape(t, "OneHot", got.Shape(), []int{4, 3})
	assertExact(t, "OneHot", got.Data(), []float32{0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1})
	assertShape(t, "OneHot empty", OneHot(nil, 5).Shape(), []int{0, 5})
	mustPanic(t, "OneHot", func() { OneHot([]int{3}, 3) }, "tensor.OneHot", "3")
	mustPanic(t, "OneHot negative", func() { OneHot([]int{-1}, 3) }, "tensor.OneHot")
}

func TestIndexPanics(t *testing.T) {
	x := Ones(3, 4)
	mustPanic(t, "NewIndices", func() { NewIndices([]int{1, 2}, 3) }, "tensor.NewIndices")
	mustPanic(t, "Gather rank", func() { Gather(x, 1, NewIndices([]int{0}, 1)) }, "tensor.Gather", "rank")
	mustPanic(t, "Gather shape", func() { Gather(x, 1, NewIndices(make([]int, 4), 2, 2)) }, "tensor.Gather", "[2 2]", "[3 4]")
	mustPanic(t, "Gather range", func() { Gather(x, 1, NewIndices([]int{0, 4, 0}, 3, 1)) }, "tensor.Gather", "out of range")
	mustPanic(t, "ScatterAdd src", func() {
		ScatterAdd(x, 1, NewIndices(make([]int, 6), 3, 2), Ones(3, 3))
	}, "tensor.ScatterAdd", "[3 2]", "[3 3]")
	mustPanic(t, "ScatterAdd range", func() {
		ScatterAdd(x, 0, NewIndices([]int{0, 0, 3, 0}, 1, 4), Ones(1, 4))
	}, "tensor.ScatterAdd", "out of range")
	mustPanic(t, "IndexSelect", func() { IndexSelect(x, 0, []int{3}) }, "tensor.IndexSelect")
	mustPanic(t, "IndexAdd shape", func() { IndexAdd(x, 0, []int{0}, Ones(2, 4)) }, "tensor.IndexAdd", "[2 4]")
	mustPanic(t, "IndexAdd range", func() { IndexAdd(x, 0, []int{-1}, Ones(1, 4)) }, "tensor.IndexAdd")

	// Out-of-range indices in a job big enough to run on several
	// goroutines must still panic in the caller's goroutine (recoverable),
	// not crash the process from a worker.
	big := Zeros(64, 4096)
	d := make([]int, 64*4096)
	d[len(d)-1] = 4096
	bad := NewIndices(d, 64, 4096)
	mustPanic(t, "Gather parallel range", func() { Gather(big, 1, bad) }, "tensor.Gather", "out of range")
	mustPanic(t, "ScatterAdd parallel range", func() { ScatterAdd(big, 1, bad, big) }, "tensor.ScatterAdd", "out of range")
}
