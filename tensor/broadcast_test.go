package tensor

import (
	"fmt"
	"math"
	"testing"
)

func TestBroadcastShapes(t *testing.T) {
	cases := []struct {
		a, b, want []int
		err        bool
	}{
		{[]int{}, []int{}, []int{}, false},
		{[]int{3}, []int{}, []int{3}, false},
		{[]int{}, []int{2, 3}, []int{2, 3}, false},
		{[]int{2, 3}, []int{2, 3}, []int{2, 3}, false},
		{[]int{2, 3}, []int{3}, []int{2, 3}, false},
		{[]int{2, 1}, []int{1, 3}, []int{2, 3}, false},
		{[]int{8, 1, 6, 1}, []int{7, 1, 5}, []int{8, 7, 6, 5}, false}, // NumPy's docs
		{[]int{5, 4}, []int{1}, []int{5, 4}, false},
		{[]int{15, 3, 5}, []int{15, 1, 5}, []int{15, 3, 5}, false},
		{[]int{4, 3, 8, 8}, []int{1, 3, 1, 1}, []int{4, 3, 8, 8}, false},
		{[]int{0, 3}, []int{1, 3}, []int{0, 3}, false},
		{[]int{1}, []int{0}, []int{0}, false},
		{[]int{3}, []int{4}, nil, true},
		{[]int{2, 1}, []int{8, 4, 3}, nil, true},
		{[]int{2, 3}, []int{3, 2}, nil, true},
		{[]int{0}, []int{2}, nil, true},
	}
	for _, c := range cases {
		for _, swap := range []bool{false, true} {
			a, b := c.a, c.b
			if swap {
				a, b = b, a
			}
			got, err := BroadcastShapes(a, b)
			if c.err {
				if err == nil {
					t.Errorf("BroadcastShapes(%v, %v) = %v, want an error", a, b, got)
				} else if msg := err.Error(); !containsAll(msg, fmt.Sprint(a), fmt.Sprint(b)) {
					t.Errorf("BroadcastShapes(%v, %v): error %q does not name the shapes", a, b, msg)
				}
				continue
			}
			if err != nil || !SameShape(got, c.want) {
				t.Errorf("BroadcastShapes(%v, %v) = %v, %v; want %v", a, b, got, err, c.want)
			}
		}
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		found := false
		for i := 0; i+len(x) <= len(s); i++ {
			if s[i:i+len(x)] == x {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// binaryRef is the test's own scalar definition of each binary op,
// computed in float64 and rounded once (exact for + − · / of float32s).
func binaryRef(op BinaryOp, a, b float32) float32 {
	x, y := float64(a), float64(b)
	b2f := func(c bool) float32 {
		if c {
			return 1
		}
		return 0
	}
	switch op {
	case OpAdd:
		return float32(x + y)
	case OpSub:
		return float32(x - y)
	case OpMul:
		return float32(x * y)
	case OpDiv:
		return float32(x / y)
	case OpMaximum:
		return float32(math.Max(x, y))
	case OpMinimum:
		return float32(math.Min(x, y))
	case OpPow:
		return float32(math.Pow(x, y))
	case OpGt:
		return b2f(x > y)
	case OpGe:
		return b2f(x >= y)
	case OpEq:
		return b2f(x == y)
	}
	panic("binaryRef: unknown op")
}

// naiveBinary broadcasts by walking every output multi-index and mapping
// it into each operand with explicit strides (0 contribution on size-1
// axes, missing leading axes skipped).
func naiveBinary(op BinaryOp, a, b *Tensor) *Tensor {
	n := max(len(a.shape), len(b.shape))
	out := make([]int, n)
	for i := range out {
		da, db := 1, 1
		if j := i - (n - len(a.shape)); j >= 0 {
			da = a.shape[j]
		}
		if j := i - (n - len(b.shape)); j >= 0 {
			db = b.shape[j]
		}
		if da == 1 {
			out[i] = db
		} else {
			out[i] = da
		}
	}
	res := Zeros(out...)
	sa, sb := rowMajorStrides(a.shape), rowMajorStrides(b.shape)
	idx := make([]int, n)
	for k := range res.data {
		unflatten(k, out, idx)
		oa, ob := 0, 0
		for i := range idx {
			if j := i - (n - len(a.shape)); j >= 0 && a.shape[j] != 1 {
				oa += idx[i] * sa[j]
			}
			if j := i - (n - len(b.shape)); j >= 0 && b.shape[j] != 1 {
				ob += idx[i] * sb[j]
			}
		}
		res.data[k] = binaryRef(op, a.data[oa], b.data[ob])
	}
	return res
}

// randBroadcastPair draws an output shape and two operand shapes that
// broadcast to it: leading axes dropped at random, other axes set to 1 at
// random.
func randBroadcastPair(r *RNG) (a, b []int) {
	sizes := []int{1, 2, 3, 4, 5, 7}
	n := r.Intn(6)
	out := make([]int, n)
	for i := range out {
		out[i] = sizes[r.Intn(len(sizes))]
	}
	derive := func() []int {
		s := append([]int{}, out[r.Intn(n+1):]...)
		for i := range s {
			if r.Intn(3) == 0 {
				s[i] = 1
			}
		}
		return s
	}
	return derive(), derive()
}

// quantized returns values in {-2, -1, 0, 1, 2}, so that ties and
// equalities actually occur.
func quantized(r *RNG, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i := range t.data {
		t.data[i] = float32(r.Intn(5) - 2)
	}
	return t
}

var allBinaryOps = []BinaryOp{OpAdd, OpSub, OpMul, OpDiv, OpMaximum, OpMinimum, OpPow, OpGt, OpGe, OpEq}

func TestBinaryBroadcastVsNaive(t *testing.T) {
	r := NewRNG(1)
	type pair struct{ a, b []int }
	pairs := []pair{
		{[]int{2, 3, 4, 5}, []int{1, 3, 1, 1}},
		{[]int{2, 3, 4, 5}, []int{3, 1, 1}},
		{[]int{2, 3, 4, 5}, []int{5}},
		{[]int{2, 1, 4, 1}, []int{1, 3, 1, 5}},
		{[]int{7, 1, 5}, []int{8, 1, 6, 1}},
		{[]int{}, []int{3, 1, 2}},
		{[]int{1}, []int{}},
		{[]int{3, 5}, []int{3, 5}},
		{[]int{1, 1, 1}, []int{2, 1, 3}},
		{[]int{0, 3}, []int{1, 3}},
		{[]int{3, 0}, []int{1, 0}},
		{[]int{2, 0, 3}, []int{1}},
		// Large enough for parallelFor to split (rows of various lengths).
		{[]int{16, 3, 33, 17}, []int{3, 1, 17}},
		{[]int{4, 64, 16, 16}, []int{1, 64, 1, 1}},
		{[]int{4, 16, 16, 33}, []int{4, 1, 16, 1}},
		{[]int{40000}, []int{1}},
	}
	for i := 0; i < 60; i++ {
		a, b := randBroadcastPair(r)
		pairs = append(pairs, pair{a, b})
	}
	for _, p := range pairs {
		for _, swap := range []bool{false, true} {
			sa, sb := p.a, p.b
			if swap {
				sa, sb = sb, sa
			}
			big := Numel(sa)+Numel(sb) > 1<<14
			if big && swap {
				continue // keep the big cases quick
			}
			for _, gen := range []func(*RNG, ...int) *Tensor{randT, quantized} {
				a, b := gen(r, sa...), gen(r, sb...)
				for _, op := range allBinaryOps {
					if big && op != OpAdd && op != OpMul && op != OpMaximum {
						continue
					}
					got := Binary(op, a, b)
					want := naiveBinary(op, a, b)
					what := fmt.Sprintf("%v(%v, %v)", op, sa, sb)
					assertShape(t, what, got.Shape(), want.Shape())
					assertExact(t, what, got.Data(), want.Data())
				}
			}
		}
	}
}

func TestBinaryWrappers(t *testing.T) {
	a := New([]float32{1, -2, 3, 0}, 2, 2)
	b := New([]float32{2, -2}, 2)
	cases := []struct {
		name string
		f    func(a, b *Tensor) *Tensor
		want []float32
	}{
		{"Add", Add, []float32{3, -4, 5, -2}},
		{"Sub", Sub, []float32{-1, 0, 1, 2}},
		{"Mul", Mul, []float32{2, 4, 6, 0}},
		{"Div", Div, []float32{0.5, 1, 1.5, 0}},
		{"Maximum", Maximum, []float32{2, -2, 3, 0}},
		{"Minimum", Minimum, []float32{1, -2, 2, -2}},
		{"Pow", Pow, []float32{1, 0.25, 9, float32(math.Inf(1))}},
		{"Gt", Gt, []float32{0, 0, 1, 1}},
		{"Ge", Ge, []float32{0, 1, 1, 1}},
		{"Eq", Eq, []float32{0, 1, 0, 0}},
	}
	for _, c := range cases {
		got := c.f(a, b)
		assertShape(t, c.name, got.Shape(), []int{2, 2})
		assertExact(t, c.name, got.Data(), c.want) // 0^-2 = +Inf
	}
}

func TestBinaryPanics(t *testing.T) {
	for _, op := range allBinaryOps {
		mustPanic(t, op.String(), func() { Binary(op, Ones(2, 3), Ones(2, 4)) }, "tensor."+op.String(), "[2 3]", "[2 4]")
	}
	mustPanic(t, "Add", func() { Add(Ones(3), Ones(4)) }, "tensor.Add")
}

func TestBroadcastToVsNaive(t *testing.T) {
	r := NewRNG(2)
	for i := 0; i < 80; i++ {
		a, b := randBroadcastPair(r)
		out, _ := BroadcastShapes(a, b)
		x := randT(r, a...)
		got := BroadcastTo(x, out)
		// x + 0 broadcast is the same thing computed by the reference.
		want := naiveBinary(OpAdd, x, Zeros(out...))
		assertShape(t, "BroadcastTo", got.Shape(), out)
		assertExact(t, fmt.Sprintf("BroadcastTo(%v → %v)", a, out), got.Data(), want.Data())
	}
}

// TestBroadcastSumToAdjoint checks <BroadcastTo(x), y> == <x, SumTo(y)>,
// which pins SumTo to being BroadcastTo's transpose.
func TestBroadcastSumToAdjoint(t *testing.T) {
	r := NewRNG(3)
	shapes := [][2][]int{
		{{3, 1}, {2, 3, 4}},
		{{1, 4, 1, 1}, {3, 4, 5, 6}},
		{{}, {2, 3}},
		{{5}, {5}},
		{{1, 1}, {7, 1}},
		{{64, 1, 1}, {8, 64, 32, 32}},
	}
	for i := 0; i < 60; i++ {
		a, b := randBroadcastPair(r)
		out, _ := BroadcastShapes(a, b)
		shapes = append(shapes, [2][]int{a, out})
	}
	for _, s := range shapes {
		x, y := randT(r, s[0]...), randT(r, s[1]...)
		bx := BroadcastTo(x, s[1])
		sy := SumTo(y, s[0])
		assertShape(t, "SumTo", sy.Shape(), s[0])
		checkAdjoint(t, fmt.Sprintf("%v → %v", s[0], s[1]), dot64(bx, y), dot64(x, sy), sumAbs64(bx, y))
	}
}

func TestSumToValues(t *testing.T) {
	y := Arange(24).Reshape(2, 3, 4)
	cases := []struct {
		shape []int
		want  []float32
	}{
		{[]int{4}, []float32{60, 66, 72, 78}},
		{[]int{3, 1}, []float32{60, 92, 124}},
		{[]int{2, 1, 1}, []float32{66, 210}},
		{[]int{1, 3, 4}, []float32{12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34}},
		{[]int{}, []float32{276}},
		{[]int{1}, []float32{276}},
	}
	for _, c := range cases {
		got := SumTo(y, c.shape)
		assertShape(t, fmt.Sprint("SumTo", c.shape), got.Shape(), c.shape)
		assertExact(t, fmt.Sprint("SumTo", c.shape), got.Data(), c.want)
	}
}

func TestBroadcastPanics(t *testing.T) {
	mustPanic(t, "BroadcastTo", func() { BroadcastTo(Ones(3), []int{2, 4}) }, "tensor.BroadcastTo", "[3]", "[2 4]")
	mustPanic(t, "BroadcastTo shrink", func() { BroadcastTo(Ones(2, 3), []int{3}) }, "tensor.BroadcastTo")
	mustPanic(t, "SumTo", func() { SumTo(Ones(2, 3), []int{2}) }, "tensor.SumTo", "[2 3]", "[2]")
	mustPanic(t, "SumTo grow", func() { SumTo(Ones(3), []int{2, 3}) }, "tensor.SumTo")
}

func TestWhere(t *testing.T) {
	cond := New([]float32{1, 0, 2, 0, -1, 0}, 2, 3)
	a := New([]float32{10, 20, 30}, 3)
	b := Scalar(-5)
	got := Where(cond, a, b)
	assertShape(t, "Where", got.Shape(), []int{2, 3})
	assertExact(t, "Where", got.Data(), []float32{10, -5, 30, -5, 20, -5})

	// Broadcast all three against a reference built from Binary.
	r := NewRNG(4)
	c3 := Bernoulli(r, 0.5, 4, 1, 5)
	x, y := randT(r, 3, 1), randT(r, 1, 3, 5)
	w := Where(c3, x, y)
	want := Add(Mul(c3, x), Mul(RsubScalar(c3, 1), y))
	assertShape(t, "Where broadcast", w.Shape(), []int{4, 3, 5})
	assertExact(t, "Where broadcast", w.Data(), want.Data())

	mustPanic(t, "Where", func() { Where(Ones(2), Ones(3), Ones(1)) }, "tensor.Where")
	mustPanic(t, "Where b", func() { Where(Ones(2), Ones(2), Ones(3)) }, "tensor.Where")
}
