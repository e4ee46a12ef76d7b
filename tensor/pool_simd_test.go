package tensor

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/asm"
)

// TestPoolSIMDBitwise requires the SIMD backend's pooling (forward and
// backward, max and average, with and without the padding counted) to give
// the reference backend's bits, with every asm implementation.
func TestPoolSIMDBitwise(t *testing.T) {
	for _, impl := range asm.Implementations() {
		t.Run(impl, func(t *testing.T) {
			restore, err := asm.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			r := NewRNG(9)
			for _, c := range poolCases {
				for _, include := range []bool{false, true} {
					p := c.p
					p.CountIncludePad = include
					x := Normal(r, 0, 1, c.n, c.c, c.h, c.w)
					ref, simd := CPU{}, SIMD{}
					shape := poolShape("test", x, p)
					a, b := newTensor(shape), newTensor(shape)
					ref.AvgPool2D(x, p, a)
					simd.AvgPool2D(x, p, b)
					sameBits(t, "AvgPool2D", c, a, b)
					gy := Normal(r, 0, 1, shape...)
					ga, gb := Zeros(x.shape...), Zeros(x.shape...)
					ref.AvgPool2DTranspose(gy, p, ga)
					simd.AvgPool2DTranspose(gy, p, gb)
					sameBits(t, "AvgPool2DTranspose", c, ga, gb)
					ma, mb := newTensor(shape), newTensor(shape)
					ia, ib := make([]int32, len(ma.data)), make([]int32, len(mb.data))
					ref.MaxPool2D(x, p, ma, ia)
					simd.MaxPool2D(x, p, mb, ib)
					sameBits(t, "MaxPool2D", c, ma, mb)
					for i := range ia {
						if ia[i] != ib[i] {
							t.Fatalf("MaxPool2D %+v: index %d = %d, reference %d", c, i, ib[i], ia[i])
						}
					}
				}
			}
		})
	}
}

func sameBits(t *testing.T, op string, c poolCase, want, got *Tensor) {
	t.Helper()
	for i := range want.data {
		if math.Float32bits(want.data[i]) != math.Float32bits(got.data[i]) {
			t.Fatalf("%s %+v: element %d = %v, reference %v", op, c, i, got.data[i], want.data[i])
		}
	}
}
