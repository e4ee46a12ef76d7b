package backend_test

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/tensor/conformance"
)

// TestConformance runs the exported backend suite on the interpreted
// kernels.
func TestConformance(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	conformance.Run(t, b)
}
