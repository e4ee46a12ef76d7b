package backend_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// bitsEqual fails unless got and want hold the same bits.
func bitsEqual(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: element %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestPoolsMatchReferenceBits: the pooling kernels sum in the reference's
// order and divide exactly, so every result — maxima with their indices
// among ties, NaN and −Inf included — is the reference's to the bit, over
// windows with padding, ceil mode and either divisor.
func TestPoolsMatchReferenceBits(t *testing.T) {
	be, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	r := tensor.NewRNG(41)
	var cases []tensor.PoolParams
	for _, k := range [][2]int{{3, 2}, {2, 2}, {5, 3}} {
		for _, s := range [][2]int{{1, 1}, {2, 3}, {4, 2}} {
			for _, flags := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				cases = append(cases, tensor.PoolParams{KH: k[0], KW: k[1], StrideH: s[0], StrideW: s[1],
					PadH: k[0] / 2, PadW: k[1] / 2, CeilMode: flags[0], CountIncludePad: flags[1]})
			}
		}
	}
	for _, p := range cases {
		x := tensor.Uniform(r, -2, 2, 2, 2, 9, 8)
		d := x.Borrow()
		for i := range d {
			d[i] = float32(math.Round(float64(d[i]))) // ties
		}
		d[5], d[77], d[140] = float32(math.NaN()), float32(math.Inf(-1)), float32(math.Inf(1))
		what := fmt.Sprintf("%+v", p)
		ys := []int{2, 2, tensor.PoolOutSize(9, p.KH, p.StrideH, p.PadH, p.CeilMode), tensor.PoolOutSize(8, p.KW, p.StrideW, p.PadW, p.CeilMode)}
		got, want := tensor.Zeros(ys...), tensor.Zeros(ys...)
		gi, wi := make([]int32, got.Len()), make([]int32, want.Len())
		be.MaxPool2D(x, p, got, gi)
		tensor.CPU{}.MaxPool2D(x, p, want, wi)
		bitsEqual(t, "MaxPool2D "+what, got.Borrow(), want.Borrow())
		for i := range wi {
			if gi[i] != wi[i] {
				t.Fatalf("MaxPool2D %s: index %d is %d, want %d", what, i, gi[i], wi[i])
			}
		}

		x = tensor.Uniform(r, -1, 1, 2, 2, 9, 8)
		be.AvgPool2D(x, p, got)
		tensor.CPU{}.AvgPool2D(x, p, want)
		bitsEqual(t, "AvgPool2D "+what, got.Borrow(), want.Borrow())

		gy := tensor.Uniform(r, -1, 1, ys...)
		gx, wx := tensor.Uniform(r, -1, 1, 2, 2, 9, 8), tensor.Zeros(2, 2, 9, 8)
		copy(wx.Borrow(), gx.Borrow()) // the adjoint adds into what is there
		be.AvgPool2DTranspose(gy, p, gx)
		tensor.CPU{}.AvgPool2DTranspose(gy, p, wx)
		bitsEqual(t, "AvgPool2DTranspose "+what, gx.Borrow(), wx.Borrow())
	}
	for _, c := range [][4]int{{9, 8, 4, 3}, {5, 7, 1, 1}, {3, 4, 7, 9}, {13, 11, 5, 6}} {
		x := tensor.Uniform(r, -1, 1, 2, 3, c[0], c[1])
		got, want := tensor.Zeros(2, 3, c[2], c[3]), tensor.Zeros(2, 3, c[2], c[3])
		be.AdaptiveAvgPool2D(x, got)
		tensor.CPU{}.AdaptiveAvgPool2D(x, want)
		bitsEqual(t, fmt.Sprint("AdaptiveAvgPool2D ", c), got.Borrow(), want.Borrow())

		gy := tensor.Uniform(r, -1, 1, 2, 3, c[2], c[3])
		gx, wx := tensor.Uniform(r, -1, 1, 2, 3, c[0], c[1]), tensor.Zeros(2, 3, c[0], c[1])
		copy(wx.Borrow(), gx.Borrow())
		be.AdaptiveAvgPool2DTranspose(gy, gx)
		tensor.CPU{}.AdaptiveAvgPool2DTranspose(gy, wx)
		bitsEqual(t, fmt.Sprint("AdaptiveAvgPool2DTranspose ", c), gx.Borrow(), wx.Borrow())
	}
}
