package tensor

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/asm"
)

// TestEveryBackend reruns the GEMM and convolution conformance tests on
// the plain reference backend and on the SIMD backend with each asm
// implementation this CPU supports (so the wider ISAs can be masked off),
// each against the naive loops in the tests.
func TestEveryBackend(t *testing.T) {
	conformance := map[string]func(*testing.T){
		"MatMulTVsNaive":     TestMatMulTVsNaive,
		"Conv2DVsNaive":      TestConv2DVsNaive,
		"Conv2DGradsAdjoint": TestConv2DGradsAdjoint,
		"Conv2DGradsVsNaive": TestConv2DGradsVsNaive,
		"Conv2DBitwise":      TestConv2DBitwiseThreads,
		"Conv2DWritesAll":    TestConv2DWritesEveryOutput,
	}
	run := func(t *testing.T, b Backend) {
		old := SetBackend(b)
		defer SetBackend(old)
		for name, f := range conformance {
			t.Run(name, f)
		}
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
