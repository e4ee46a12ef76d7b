package tensor

import (
	"fmt"
	"testing"
)

func randShape(r *RNG, rank int, sizes ...int) []int {
	if len(sizes) == 0 {
		sizes = []int{1, 2, 3, 4, 5}
	}
	s := make([]int, rank)
	for i := range s {
		s[i] = sizes[r.Intn(len(sizes))]
	}
	return s
}

// naivePermute reads out[i0..] = x[j] with j[perm[i]] = i.
func naivePermute(x *Tensor, perm []int) *Tensor {
	shape := make([]int, len(perm))
	for i, p := range perm {
		shape[i] = x.shape[p]
	}
	out := Zeros(shape...)
	st := rowMajorStrides(x.shape)
	oi, xi := make([]int, len(perm)), make([]int, len(perm))
	for k := range out.data {
		unflatten(k, shape, oi)
		for i, p := range perm {
			xi[p] = oi[i]
		}
		out.data[k] = x.data[offsetOf(xi, st)]
	}
	return out
}

func TestPermuteVsNaive(t *testing.T) {
	r := NewRNG(30)
	for i := 0; i < 100; i++ {
		rank := 1 + r.Intn(5)
		shape := randShape(r, rank)
		perm := r.Perm(rank)
		x := randT(r, shape...)
		got := Permute(x, perm...)
		want := naivePermute(x, perm)
		what := fmt.Sprintf("Permute(%v, %v)", shape, perm)
		assertShape(t, what, got.Shape(), want.Shape())
		assertExact(t, what, got.Data(), want.Data())
		// The inverse permutation undoes it.
		back := Permute(got, InversePermutation(perm)...)
		assertExact(t, what+" inverse", back.Data(), x.Data())
	}
	// A large one (parallel rows) and the identity (a copy).
	x := randT(r, 8, 64, 32, 32)
	perm := []int{0, 2, 3, 1}
	assertExact(t, "Permute NCHW→NHWC", Permute(x, perm...).Data(), naivePermute(x, perm).Data())
	id := Permute(x, 0, 1, 2, 3)
	if &id.Data()[0] == &x.Data()[0] {
		t.Error("identity Permute shares storage")
	}
	assertExact(t, "identity Permute", id.Data(), x.Data())
	assertShape(t, "Permute scalar", Permute(Scalar(2)).Shape(), []int{})
	assertShape(t, "Permute empty", Permute(Zeros(2, 0, 3), 2, 0, 1).Shape(), []int{3, 2, 0})

	mustPanic(t, "Permute length", func() { Permute(x, 0, 1) }, "tensor.Permute")
	mustPanic(t, "Permute repeat", func() { Permute(x, 0, 1, 1, 2) }, "tensor.Permute", "not a permutation")
	mustPanic(t, "Permute range", func() { Permute(x, 0, 1, 2, 4) }, "tensor.Permute")
}

func TestTranspose(t *testing.T) {
	r := NewRNG(31)
	x := randT(r, 2, 3, 4, 5)
	cases := []struct{ a, b int }{{0, 1}, {1, 3}, {-1, -2}, {2, 2}, {3, 0}}
	for _, c := range cases {
		perm := []int{0, 1, 2, 3}
		a, b := (c.a+4)%4, (c.b+4)%4
		perm[a], perm[b] = perm[b], perm[a]
		got := Transpose(x, c.a, c.b)
		want := naivePermute(x, perm)
		assertShape(t, fmt.Sprint("Transpose", c), got.Shape(), want.Shape())
		assertExact(t, fmt.Sprint("Transpose", c), got.Data(), want.Data())
	}
	m := New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	assertExact(t, "Transpose 2×3", Transpose(m, 0, 1).Data(), []float32{1, 4, 2, 5, 3, 6})
	mustPanic(t, "Transpose", func() { Transpose(m, 0, 2) }, "tensor.Transpose")
}

func TestNarrowConcatSplitRoundTrip(t *testing.T) {
	r := NewRNG(32)
	for i := 0; i < 60; i++ {
		rank := 1 + r.Intn(4)
		shape := randShape(r, rank, 1, 2, 3, 5, 7)
		axis := r.Intn(rank)
		x := randT(r, shape...)
		// Cut the axis into random pieces (zero-length ones included).
		var sizes []int
		for left := shape[axis]; left > 0; {
			s := r.Intn(left + 1)
			sizes = append(sizes, s)
			left -= s
		}
		if len(sizes) == 0 {
			sizes = []int{0}
		}
		ax := axis
		if r.Intn(2) == 0 {
			ax = axis - rank // negative axis
		}
		parts := Split(x, ax, sizes...)
		start := 0
		st := rowMajorStrides(shape)
		for j, p := range parts {
			ws := append([]int{}, shape...)
			ws[axis] = sizes[j]
			assertShape(t, "Split piece", p.Shape(), ws)
			// Check each piece against x by index.
			idx := make([]int, rank)
			for k := range p.data {
				unflatten(k, ws, idx)
				idx[axis] += start
				if p.data[k] != x.data[offsetOf(idx, st)] {
					t.Fatalf("Split(%v, axis %d, %v) piece %d wrong at %d", shape, axis, sizes, j, k)
				}
			}
			n := Narrow(x, ax, start, sizes[j])
			assertExact(t, "Narrow", n.Data(), p.Data())
			start += sizes[j]
		}
		back := Concat(parts, ax)
		what := fmt.Sprintf("Concat(Split(%v, %d, %v))", shape, axis, sizes)
		assertShape(t, what, back.Shape(), shape)
		assertExact(t, what, back.Data(), x.Data())
	}
	// A large concat along channels (parallel rows).
	a, b := randT(r, 8, 64, 32, 32), randT(r, 8, 16, 32, 32)
	c := Concat([]*Tensor{a, b}, 1)
	ps := Split(c, 1, 64, 16)
	assertExact(t, "large concat a", ps[0].Data(), a.Data())
	assertExact(t, "large concat b", ps[1].Data(), b.Data())

	x := Arange(6).Reshape(2, 3)
	mustPanic(t, "Narrow range", func() { Narrow(x, 1, 2, 2) }, "tensor.Narrow")
	mustPanic(t, "Narrow negative", func() { Narrow(x, 1, -1, 1) }, "tensor.Narrow")
	mustPanic(t, "Narrow axis", func() { Narrow(x, 2, 0, 1) }, "tensor.Narrow")
	mustPanic(t, "Split sizes", func() { Split(x, 1, 1, 1) }, "tensor.Split", "[1 1]")
	mustPanic(t, "Concat none", func() { Concat(nil, 0) }, "tensor.Concat")
	mustPanic(t, "Concat mismatch", func() { Concat([]*Tensor{x, Ones(3, 3)}, 1) }, "tensor.Concat", "[2 3]", "[3 3]")
	mustPanic(t, "Concat rank", func() { Concat([]*Tensor{x, Ones(2, 3, 1)}, 0) }, "tensor.Concat", "rank")
}

func TestStack(t *testing.T) {
	r := NewRNG(33)
	xs := []*Tensor{randT(r, 2, 3), randT(r, 2, 3), randT(r, 2, 3), randT(r, 2, 3)}
	for _, axis := range []int{0, 1, 2, -1, -3} {
		s := Stack(xs, axis)
		a := (axis + 3) % 3
		want := []int{2, 3}
		want = append(want[:a], append([]int{4}, want[a:]...)...)
		assertShape(t, fmt.Sprint("Stack axis ", axis), s.Shape(), want)
		for i, x := range xs {
			piece := Narrow(s, a, i, 1).Reshape(2, 3)
			assertExact(t, fmt.Sprint("Stack axis ", axis, " piece ", i), piece.Data(), x.Data())
		}
	}
	assertExact(t, "Stack scalars", Stack([]*Tensor{Scalar(1), Scalar(2)}, 0).Data(), []float32{1, 2})
	mustPanic(t, "Stack none", func() { Stack(nil, 0) }, "tensor.Stack")
	mustPanic(t, "Stack mismatch", func() { Stack([]*Tensor{Ones(2), Ones(3)}, 0) }, "tensor.Stack", "[2]", "[3]")
	mustPanic(t, "Stack axis", func() { Stack([]*Tensor{Ones(2)}, 2) }, "tensor.Stack")
}

// naivePad is the reference: out[o] = x[o − before] where that lies inside
// x, value elsewhere.
func naivePad(x *Tensor, pads [][2]int, value float32) *Tensor {
	shape := append([]int{}, x.shape...)
	for i, p := range pads {
		shape[i] += p[0] + p[1]
	}
	out := Zeros(shape...)
	st := rowMajorStrides(x.shape)
	oi := make([]int, len(shape))
	for k := range out.data {
		unflatten(k, shape, oi)
		inside := true
		for i := range oi {
			if i < len(pads) {
				oi[i] -= pads[i][0]
			}
			if oi[i] < 0 || oi[i] >= x.shape[i] {
				inside = false
			}
		}
		if inside {
			out.data[k] = x.data[offsetOf(oi, st)]
		} else {
			out.data[k] = value
		}
	}
	return out
}

func TestPadCrop(t *testing.T) {
	r := NewRNG(34)
	for i := 0; i < 60; i++ {
		rank := r.Intn(5)
		shape := randShape(r, rank, 1, 2, 3, 4)
		pads := make([][2]int, r.Intn(rank+1))
		for j := range pads {
			pads[j] = [2]int{r.Intn(3), r.Intn(3)}
		}
		x := randT(r, shape...)
		value := float32(r.Intn(3)) - 1
		got := Pad(x, pads, value)
		want := naivePad(x, pads, value)
		what := fmt.Sprintf("Pad(%v, %v)", shape, pads)
		assertShape(t, what, got.Shape(), want.Shape())
		assertExact(t, what, got.Data(), want.Data())
		back := Crop(got, pads)
		assertShape(t, "Crop∘"+what, back.Shape(), shape)
		assertExact(t, "Crop∘"+what, back.Data(), x.Data())
		if len(back.data) > 0 && &back.data[0] == &got.data[0] {
			t.Errorf("Crop∘%s shares storage", what)
		}
		// Crop is Pad's adjoint (with zero padding).
		y := randT(r, got.Shape()...)
		p0 := Pad(x, pads, 0)
		checkAdjoint(t, "Pad/Crop "+what, dot64(p0, y), dot64(x, Crop(y, pads)), sumAbs64(p0, y))
	}
	// Spatial padding of an NCHW tensor (the conv use), large enough to split.
	x := randT(r, 8, 16, 32, 32)
	pads := [][2]int{{0, 0}, {0, 0}, {1, 2}, {3, 0}}
	assertExact(t, "Pad NCHW", Pad(x, pads, 0).Data(), naivePad(x, pads, 0).Data())
	assertShape(t, "Pad empty", Pad(Zeros(0, 2), [][2]int{{1, 0}}, 5).Shape(), []int{1, 2})
	assertExact(t, "Pad empty", Pad(Zeros(0, 2), [][2]int{{1, 0}}, 5).Data(), []float32{5, 5})

	mustPanic(t, "Pad too many", func() { Pad(Ones(2), [][2]int{{1, 1}, {1, 1}}, 0) }, "tensor.Pad")
	mustPanic(t, "Pad negative", func() { Pad(Ones(2), [][2]int{{-1, 0}}, 0) }, "tensor.Pad", "negative")
}

func TestInversePermutation(t *testing.T) {
	p := []int{2, 0, 3, 1}
	q := InversePermutation(p)
	for i := range p {
		if q[p[i]] != i || p[q[i]] != i {
			t.Fatalf("InversePermutation(%v) = %v", p, q)
		}
	}
}
