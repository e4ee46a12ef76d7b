package tensor

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/modeldoctor/modeldoctor/asm"
)

// Tests of the ops routed to the asm package's vector kernels (relu and
// relu6 and their masks, bias, channel affine, batch norm, sums, 2×2 max
// pooling): the package's tests of them rerun on the reference backend and
// on the SIMD backend with each asm implementation, exact comparisons of
// the fused ops with loops written out, and bitwise independence of the
// worker count.

// forEachVecBackend runs f on the CPU reference and on SIMD with every asm
// implementation usable here.
func forEachVecBackend(t *testing.T, f func(t *testing.T)) {
	run := func(t *testing.T, b Backend) {
		old := SetBackend(b)
		defer SetBackend(old)
		f(t)
	}
	t.Run("cpu-reference", func(t *testing.T) { run(t, CPU{}) })
	for _, impl := range asm.Implementations() {
		t.Run("simd-"+impl, func(t *testing.T) {
			restore, err := asm.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			run(t, SIMD{})
		})
	}
}

func TestVecOpsEveryBackend(t *testing.T) {
	tests := map[string]func(*testing.T){
		"ReluBits":              TestReluBits,
		"ReluBackward":          TestReluBackwardMasksByOutput,
		"Relu6":                 TestRelu6AndItsBackward,
		"AddBias":               TestAddBiasInPlaceMatchesAdd,
		"BatchNorm":             TestBatchNormKernels,
		"MaxPool2x2Exact":       TestMaxPool2x2Exact,
		"MaxPool2DVsNaive":      TestMaxPool2DVsNaive,
		"MaxPool2DNaN":          TestMaxPool2DNaN,
		"PoolAdjoint":           TestPoolGatherScatterAdjoint,
		"SumRows":               TestSumRowsMatchesGeneralReduce,
		"ReductionsEverySubset": TestReductionsEverySubset,
		"ReduceValues":          TestReduceValues,
		"SumLargeAccuracy":      TestSumLargeAccuracy,
		"UnaryVsMath":           TestUnaryVsMath,
		"FusedExact":            TestVecFusedExact,
	}
	forEachVecBackend(t, func(t *testing.T) {
		for name, f := range tests {
			t.Run(name, f)
		}
	})
}

// vecShapes have inner sizes with every kind of tail, and enough elements
// (the last two) for parallelFor to split the work.
var vecShapes = [][]int{{2, 3, 5, 5}, {3, 5, 1, 1}, {4, 7}, {2, 4, 17, 3}, {1, 2, 34, 34}, {8, 24, 30, 30}, {64, 300}}

// TestVecFusedExact compares the fused ops with their definitions written
// out as loops, bit for bit.
func TestVecFusedExact(t *testing.T) {
	r := NewRNG(31)
	for _, shape := range vecShapes {
		name := fmt.Sprint(shape)
		x := Normal(r, 0.5, 4, shape...)
		copy(x.data, specials(r, 16).data)
		c := shape[1]
		n, _, inner := channelGeom("test", x)
		scale, shift := Normal(r, 1, 1, c), Normal(r, 0, 1, c)

		got := ChannelAffine(x, scale, shift)
		want := make([]float32, len(x.data))
		for i, v := range x.data {
			ch := i / inner % c
			want[i] = float32(v*scale.data[ch]) + shift.data[ch]
		}
		assertExactNaN(t, name+" ChannelAffine", got.data, want)

		y := x.Clone()
		AddBiasInPlace(y, shift, 1)
		for i, v := range x.data {
			want[i] = v + shift.data[i/inner%c]
		}
		assertExactNaN(t, name+" AddBiasInPlace", y.data, want)

		x = Normal(r, 0.5, 2, shape...) // batch norm on finite data
		g := Normal(r, 0, 1, shape...)
		mean, variance := BatchNormStats(x)
		invstd := Recip(Sqrt(AddScalar(variance, 1e-5)))
		gamma := Uniform(r, 0.5, 1.5, c)
		gx, _, gbeta := BatchNormBackward(x, g, mean, invstd, gamma)
		for ch := range c {
			var lanes asm.Lanes // Σ g, lane k mod 16 of each run in turn
			for i := range n {
				for k := range inner {
					lanes[k%16] += float64(g.data[(i*c+ch)*inner+k])
				}
			}
			s := asm.FoldLanes(&lanes)
			if gbeta.data[ch] != float32(s) {
				t.Fatalf("%s: gbeta[%d] = %v, want %v", name, ch, gbeta.data[ch], float32(s))
			}
		}
		checkBNGradX(t, name, x, g, mean, invstd, gamma, gx)
	}
}

// checkBNGradX recomputes gx from the float64 sums (taken the same way as
// BatchNormBackward, through asm.BNGradLanes) with the formula's float32
// operations.
func checkBNGradX(t *testing.T, name string, x, g, mean, invstd, gamma, gx *Tensor) {
	t.Helper()
	n, c, inner := channelGeom("test", x)
	m := float64(n * inner)
	for ch := range c {
		var acc [32]float64
		asm.BNGradLanes(&acc, x.data[ch*inner:], g.data[ch*inner:], n, inner, c*inner, mean.data[ch])
		sg := asm.FoldLanes((*asm.Lanes)(acc[:16]))
		sgx := asm.FoldLanes((*asm.Lanes)(acc[16:])) * float64(invstd.data[ch])
		mu, is := mean.data[ch], invstd.data[ch]
		k := is * gamma.data[ch]
		mg, mgx := float32(sg/m), float32(sgx/m)
		for i := range n {
			for j := range inner {
				p := (i*c+ch)*inner + j
				xh := float32((x.data[p] - mu) * is)
				want := k * ((g.data[p] - mg) - float32(xh*mgx))
				if math.Float32bits(gx.data[p]) != math.Float32bits(want) {
					t.Fatalf("%s: gx[%d] = %v, want %v", name, p, gx.data[p], want)
				}
			}
		}
	}
}

func assertExactNaN(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("%s: element %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestVecOpsIndependentOfWorkers: the vectorised ops give the same bits
// with one worker and with several.
func TestVecOpsIndependentOfWorkers(t *testing.T) {
	r := NewRNG(32)
	x := Normal(r, 0.5, 3, 8, 24, 30, 30)
	g := Normal(r, 0, 1, x.Shape()...)
	gamma := Uniform(r, 0.5, 1.5, 24)
	run := func() [][]float32 {
		mean, variance := BatchNormStats(x)
		invstd := Recip(Sqrt(AddScalar(variance, 1e-5)))
		gx, gg, gb := BatchNormBackward(x, g, mean, invstd, gamma)
		y := ChannelAffine(x, invstd, mean)
		p, _ := MaxPool2DWithIndices(Relu(x), PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2})
		return [][]float32{mean.data, variance.data, gx.data, gg.data, gb.data, y.data, Relu6(x).data,
			Relu6Backward(g, x).data, Sum(x, []int{0, 2, 3}, false).data, Sum(x, []int{0, 1}, false).data,
			Sum(x, []int{1, 3}, false).data, p.data}
	}
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	one := run()
	runtime.GOMAXPROCS(4)
	four := run()
	for i := range one {
		assertExact(t, fmt.Sprint("result ", i), four[i], one[i])
	}
}
