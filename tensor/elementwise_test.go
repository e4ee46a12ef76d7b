package tensor

import (
	"fmt"
	"math"
	"testing"
)

func TestUnaryVsMath(t *testing.T) {
	b2f := func(c bool) float64 {
		if c {
			return 1
		}
		return 0
	}
	cases := []struct {
		op     UnaryOp
		p      float32
		domain string // "any" or "pos"
		ref    func(x, p float64) float64
	}{
		{OpNeg, 0, "any", func(x, _ float64) float64 { return -x }},
		{OpExp, 0, "any", func(x, _ float64) float64 { return math.Exp(x) }},
		{OpLog, 0, "pos", func(x, _ float64) float64 { return math.Log(x) }},
		{OpSqrt, 0, "pos", func(x, _ float64) float64 { return math.Sqrt(x) }},
		{OpAbs, 0, "any", func(x, _ float64) float64 { return math.Abs(x) }},
		{OpSign, 0, "any", func(x, _ float64) float64 {
			if x == 0 {
				return 0
			}
			return math.Copysign(1, x)
		}},
		{OpTanh, 0, "any", func(x, _ float64) float64 { return math.Tanh(x) }},
		{OpSigmoid, 0, "any", func(x, _ float64) float64 { return 1 / (1 + math.Exp(-x)) }},
		{OpRelu, 0, "any", func(x, _ float64) float64 { return math.Max(x, 0) }},
		{OpSquare, 0, "any", func(x, _ float64) float64 { return x * x }},
		{OpRecip, 0, "any", func(x, _ float64) float64 { return 1 / x }},
		{OpAddScalar, 1.5, "any", func(x, p float64) float64 { return x + p }},
		{OpMulScalar, -0.75, "any", func(x, p float64) float64 { return x * p }},
		{OpPowScalar, 2, "any", func(x, p float64) float64 { return math.Pow(x, p) }},
		{OpPowScalar, 3, "any", func(x, p float64) float64 { return math.Pow(x, p) }},
		{OpPowScalar, 0.5, "pos", func(x, p float64) float64 { return math.Pow(x, p) }},
		{OpPowScalar, -1.5, "pos", func(x, p float64) float64 { return math.Pow(x, p) }},
		{OpPowScalar, 1, "any", func(x, p float64) float64 { return x }},
		{OpPowScalar, 0, "any", func(x, p float64) float64 { return 1 }},
		{OpRsubScalar, 2, "any", func(x, p float64) float64 { return p - x }},
		{OpGtScalar, 0.25, "any", func(x, p float64) float64 { return b2f(x > p) }},
		{OpLtScalar, 0.25, "any", func(x, p float64) float64 { return b2f(x < p) }},
		{OpClampMin, -0.5, "any", func(x, p float64) float64 { return math.Max(x, p) }},
		{OpClampMax, 0.5, "any", func(x, p float64) float64 { return math.Min(x, p) }},
	}
	r := NewRNG(10)
	// 1<<17 elements so the parallel loops split; edge values up front.
	anyX := Uniform(r, -6, 6, 1<<17)
	copy(anyX.data, []float32{0, 1, -1, 0.25, -0.5, 0.5, 1e-30, -1e-30, 80, -80, 1e-3})
	posX := Uniform(r, 0.01, 50, 1<<17)
	copy(posX.data, []float32{1, 0.25, 4, 1e-20, 1e20})
	seen := map[UnaryOp]bool{}
	for _, c := range cases {
		seen[c.op] = true
		x := anyX
		if c.domain == "pos" {
			x = posX
		}
		got := Unary(c.op, c.p, x)
		want := make([]float64, x.Len())
		for i, v := range x.data {
			want[i] = c.ref(float64(v), float64(c.p))
		}
		// Computed in float64 and rounded once: within an ulp of float32
		// (x·x in float32 differs from the float64 product by ≤ ½ ulp).
		assertClose(t, fmt.Sprintf("%v(p=%v)", c.op, c.p), got.Data(), want, 1.2e-7, 1e-37)
	}
	for op := OpNeg; op <= OpClampMax; op++ {
		if !seen[op] {
			t.Errorf("unary op %v has no test case", op)
		}
	}
}

func TestUnaryWrappers(t *testing.T) {
	x := New([]float32{-2, 0, 0.5, 4}, 2, 2)
	cases := []struct {
		name string
		got  *Tensor
		want []float32
	}{
		{"Neg", Neg(x), []float32{2, 0, -0.5, -4}},
		{"Abs", Abs(x), []float32{2, 0, 0.5, 4}},
		{"Sign", Sign(x), []float32{-1, 0, 1, 1}},
		{"Relu", Relu(x), []float32{0, 0, 0.5, 4}},
		{"Square", Square(x), []float32{4, 0, 0.25, 16}},
		{"Recip", Recip(x), []float32{-0.5, float32(math.Inf(1)), 2, 0.25}},
		{"AddScalar", AddScalar(x, 1), []float32{-1, 1, 1.5, 5}},
		{"MulScalar", MulScalar(x, 2), []float32{-4, 0, 1, 8}},
		{"PowScalar", PowScalar(x, 2), []float32{4, 0, 0.25, 16}},
		{"RsubScalar", RsubScalar(x, 1), []float32{3, 1, 0.5, -3}},
		{"GtScalar", GtScalar(x, 0), []float32{0, 0, 1, 1}},
		{"LtScalar", LtScalar(x, 0.5), []float32{1, 1, 0, 0}},
		{"ClampMin", ClampMin(x, 0.25), []float32{0.25, 0.25, 0.5, 4}},
		{"ClampMax", ClampMax(x, 1), []float32{-2, 0, 0.5, 1}},
		{"Sqrt", Sqrt(Abs(x)), []float32{float32(math.Sqrt(2)), 0, float32(math.Sqrt(0.5)), 2}},
		{"Exp", Exp(Zeros(2)), []float32{1, 1}},
		{"Log", Log(Ones(1)), []float32{0}},
		{"Tanh", Tanh(Zeros(1)), []float32{0}},
		{"Sigmoid", Sigmoid(Zeros(1)), []float32{0.5}},
	}
	for _, c := range cases {
		assertExact(t, c.name, c.got.Data(), c.want)
	}
	if !SameShape(Neg(x).Shape(), []int{2, 2}) {
		t.Error("unary ops must keep the shape")
	}
	if s := (OpTanh).String(); s != "Tanh" {
		t.Errorf("OpTanh.String() = %q", s)
	}
	if s := (OpGe).String(); s != "Ge" {
		t.Errorf("OpGe.String() = %q", s)
	}
	// Unary ops return fresh tensors.
	y := Neg(x)
	y.Data()[0] = 100
	if x.Data()[0] != -2 {
		t.Error("Neg wrote into its input")
	}
}
