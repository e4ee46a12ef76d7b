package tensor_test

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/asm"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/conformance"
)

// TestConformance runs the exported suite on the reference (against
// itself: it checks the suite's own plumbing) and on SIMD with each asm
// implementation this CPU supports. It lives in package tensor_test
// because conformance imports tensor.
func TestConformance(t *testing.T) {
	t.Run("cpu-reference", func(t *testing.T) { conformance.Run(t, tensor.CPU{}) })
	for _, impl := range asm.Implementations() {
		t.Run("simd-"+impl, func(t *testing.T) {
			restore, err := asm.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			conformance.Run(t, tensor.SIMD{})
		})
	}
}
