package tensor

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/modeldoctor/modeldoctor/asm"
)

// TestWinogradVsNaive: the Winograd forward agrees with the naive
// convolution within float32 rounding, for odd and even planes (partial
// 2×2 blocks at the edges), single rows and columns, batches cut into
// several blocks, and channel counts below and above the path's threshold
// (winogradForward is called directly, so small shapes are covered too).
func TestWinogradVsNaive(t *testing.T) {
	r := NewRNG(71)
	p := ConvParams{PadH: 1, PadW: 1}.Norm()
	for _, s := range [][5]int{{1, 1, 1, 1, 1}, {2, 3, 4, 1, 5}, {3, 5, 7, 7, 5}, {2, 4, 6, 8, 8}, {1, 2, 3, 2, 9}, {5, 64, 64, 8, 8}, {2, 70, 65, 5, 7}, {9, 64, 64, 32, 32}} {
		n, c, o, h, w := s[0], s[1], s[2], s[3], s[4]
		name := fmt.Sprintf("n%d c%d o%d %dx%d", n, c, o, h, w)
		x := randT(r, n, c, h, w)
		k := randT(r, o, c, 3, 3)
		got := make([]float32, n*o*h*w)
		winogradForward(newConvDims(x.Shape(), k.Shape(), []int{n, o, h, w}, p), x.data, k.data, got)
		_, want := naiveConv2D(x, k, p)
		// Each output sums 9c products of values in [-1, 1); the transforms
		// add a few roundings of that size.
		tol := 1e-6 * float64(9*c)
		for i := range want {
			if d := math.Abs(float64(got[i]) - want[i]); d > tol || math.IsNaN(float64(got[i])) {
				t.Fatalf("%s: element %d = %v, naive %v (tolerance %g)", name, i, got[i], want[i], tol)
			}
		}
	}
}

// TestWinogradChoiceAndThreads: the SIMD backend takes the path for a
// wide 3×3 same convolution only, and gives the same bits at any
// GOMAXPROCS.
func TestWinogradChoiceAndThreads(t *testing.T) {
	p := ConvParams{PadH: 1, PadW: 1}.Norm()
	for _, c := range []struct {
		x, w []int
		p    ConvParams
		want bool
	}{
		{[]int{2, 64, 8, 8}, []int{64, 64, 3, 3}, p, true},
		{[]int{2, 32, 8, 8}, []int{64, 32, 3, 3}, p, false},
		{[]int{2, 512, 4, 4}, []int{512, 512, 3, 3}, p, false}, // VGG16's 4×4: too few tiles
		{[]int{2, 64, 8, 8}, []int{64, 64, 3, 3}, ConvParams{StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}.Norm(), false},
		{[]int{2, 64, 8, 8}, []int{64, 64, 3, 3}, ConvParams{}.Norm(), false},
		{[]int{2, 64, 8, 8}, []int{64, 32, 3, 3}, ConvParams{PadH: 1, PadW: 1, Groups: 2}.Norm(), false},
	} {
		ys := convGeometry("test", c.x, c.w, c.p)
		want := c.want && asm.FastGathers()
		if got := winogradWorthIt(newConvDims(c.x, c.w, ys, c.p)); got != want {
			t.Errorf("x %v w %v %+v: Winograd %v, want %v", c.x, c.w, c.p, got, want)
		}
	}
	r := NewRNG(72)
	x, w := randT(r, 7, 64, 9, 7), randT(r, 65, 64, 3, 3)
	var first []float32
	for _, procs := range []int{1, 2, 3} {
		prev := runtime.GOMAXPROCS(procs)
		out := Zeros(7, 65, 9, 7)
		SIMD{}.Conv2D(x, w, p, out)
		runtime.GOMAXPROCS(prev)
		if first == nil {
			first = out.data
			continue
		}
		for i := range first {
			if math.Float32bits(first[i]) != math.Float32bits(out.data[i]) {
				t.Fatalf("GOMAXPROCS %d: element %d = %v, with 1: %v", procs, i, out.data[i], first[i])
			}
		}
	}
}
