package backend_test

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// whereCond is a condition with every kind of zero and non-zero: ±0,
// NaNs of both signs (non-zero, as Go's c != 0), ±Inf, subnormals, ±1.
func whereCond(r *tensor.RNG, shape ...int) *tensor.Tensor {
	f := math.Float32frombits
	vals := []float32{0, f(0x80000000), f(0x7fc00000), f(0xffc00000), f(0x7f800001), float32(math.Inf(1)), float32(math.Inf(-1)),
		f(1), f(0x80000001), 1, -1, 0, 0}
	x := tensor.Uniform(r, 0, float32(len(vals)), shape...)
	d := x.Data()
	for i := range d {
		d[i] = vals[int(d[i])%len(vals)]
	}
	return tensor.New(d, shape...)
}

func TestSimWhereExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(31)
	for _, c := range []struct{ c, a, b []int }{
		{[]int{4, 5}, []int{4, 5}, []int{4, 5}},
		{[]int{2, 3, 4}, []int{2, 3, 4}, []int{2, 3, 4}},
		{[]int{2, 1, 4}, []int{3, 1}, []int{4}},          // all three broadcast
		{[]int{1}, []int{2, 3, 4}, []int{2, 3, 4}},       // scalar-like cond
		{[]int{2, 3, 4}, []int{1}, []int{}},              // rank-0 b
		{[]int{3, 1, 5, 1}, []int{1, 4, 1, 6}, []int{6}}, // rank 4, alternating
		{[]int{}, []int{}, []int{}},                      // one element, rank 0
		{[]int{1, 1}, []int{1}, []int{1, 1, 1}},
		{[]int{7, 1}, []int{1, 9}, []int{7, 9}},
	} {
		cond := whereCond(r, c.c...)
		a, b := withSpecials(r, max(tensor.Numel(c.a), 1)), withSpecials(r, max(tensor.Numel(c.b), 1))
		a, b = tensor.New(a.Data()[:tensor.Numel(c.a)], c.a...), tensor.New(b.Data()[:tensor.Numel(c.b)], c.b...)
		onDeviceExact(t, s, "Where", []*tensor.Tensor{cond, a, b}, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.Where(v[0], v[1], v[2]) })
	}
	// every cond special against every a/b special, elementwise
	sp := specials()
	n := len(sp) * len(sp)
	cs, as, bs := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range sp {
		for j := range sp {
			cs[i*len(sp)+j], as[i*len(sp)+j], bs[i*len(sp)+j] = sp[i], sp[j], sp[(i+j)%len(sp)]
		}
	}
	onDeviceExact(t, s, "Where", []*tensor.Tensor{tensor.New(cs, n), tensor.New(as, n), tensor.New(bs, n)}, false,
		func(v []*tensor.Tensor) *tensor.Tensor { return tensor.Where(v[0], v[1], v[2]) })
}
