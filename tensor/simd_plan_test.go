package tensor

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/asm"
)

// TestPiecedPlan pins which geometries the SIMD backend gathers through
// pieced span tables (the conv tests check the results of every path).
func TestPiecedPlan(t *testing.T) {
	for _, c := range []struct {
		x, w   []int
		p      ConvParams
		ok     bool
		pieces int
	}{
		{[]int{2, 1, 32, 32}, []int{6, 1, 5, 5}, ConvParams{}, true, 2},                                         // LeNet conv1: 28-wide rows
		{[]int{2, 6, 14, 14}, []int{16, 6, 5, 5}, ConvParams{}, true, 3},                                        // LeNet conv2: 10-wide rows
		{[]int{2, 3, 8, 8}, []int{4, 3, 3, 3}, ConvParams{PadH: 1, PadW: 1}, true, 1},                           // "same": one span
		{[]int{2, 2, 5, 5}, []int{2, 2, 3, 3}, ConvParams{}, true, 3},                                           // 3×3 output: one segment, three rows
		{[]int{2, 2, 9, 5}, []int{2, 2, 3, 3}, ConvParams{}, false, 0},                                          // 7×3 output: six rows in a segment
		{[]int{2, 2, 8, 8}, []int{2, 2, 3, 3}, ConvParams{StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}, true, 4},   // 4×4 output, step 2
		{[]int{2, 2, 32, 32}, []int{2, 2, 3, 3}, ConvParams{StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}, true, 1}, // 16-wide rows, step 2
		{[]int{2, 2, 9, 9}, []int{2, 2, 1, 1}, ConvParams{StrideH: 3, StrideW: 3}, false, 0},                    // step 3
	} {
		p := c.p.Norm()
		ys := convGeometry("test", c.x, c.w, p)
		pl := buildConvPlan(newConvDims(c.x, c.w, ys, p), maxPieces)
		if pl.ok != c.ok || (pl.ok && pl.pieces != c.pieces) {
			t.Errorf("x %v w %v %+v: ok %v pieces %d, want %v %d", c.x, c.w, c.p, pl.ok, pl.pieces, c.ok, c.pieces)
		}
		if single := newConvPlan(newConvDims(c.x, c.w, ys, p)); single.ok != (c.ok && c.pieces == 1 && p.StrideW == 1) {
			t.Errorf("x %v w %v %+v: single-span plan ok = %v", c.x, c.w, c.p, single.ok)
		}
	}
}

// TestDirectChoice pins which convolutions take the direct kernels.
func TestDirectChoice(t *testing.T) {
	for _, c := range []struct {
		x, w []int
		p    ConvParams
		want bool
		wide bool // taken with AVX-512 only
	}{
		{[]int{2, 1, 32, 32}, []int{6, 1, 5, 5}, ConvParams{}, true, false},     // LeNet conv1
		{[]int{2, 6, 14, 14}, []int{16, 6, 5, 5}, ConvParams{}, true, true},     // LeNet conv2
		{[]int{2, 1, 28, 28}, []int{32, 1, 5, 5}, ConvParams{}, false, false},   // reference LeNet conv1: GEMM
		{[]int{2, 32, 12, 12}, []int{64, 32, 5, 5}, ConvParams{}, false, false}, // 64 outputs, K 800: GEMM
		{[]int{2, 24, 8, 8}, []int{16, 24, 1, 1}, ConvParams{}, false, false},   // 1×1, 16 outputs: GEMM
		{[]int{2, 24, 8, 8}, []int{8, 24, 1, 1}, ConvParams{}, true, false},
		{[]int{2, 4, 9, 8}, []int{6, 2, 3, 2}, ConvParams{Groups: 2}, true, false},
		{[]int{2, 1, 32, 32}, []int{6, 1, 5, 5}, ConvParams{PadH: 1, PadW: 1}, false, false}, // padded
		{[]int{2, 1, 32, 32}, []int{6, 1, 5, 5}, ConvParams{StrideH: 2, StrideW: 2}, false, false},
	} {
		p := c.p.Norm()
		ys := convGeometry("test", c.x, c.w, p)
		// Without the assembly shifted sums the direct path is never taken.
		want := c.want && asm.FastGathers() && (!c.wide || asm.Current() == "avx512")
		if got := directWorthIt(newConvDims(c.x, c.w, ys, p)); got != want {
			t.Errorf("x %v w %v %+v: direct %v, want %v", c.x, c.w, c.p, got, want)
		}
	}
}
