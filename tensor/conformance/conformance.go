package conformance

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// ref is the backend every other one is compared with.
var ref tensor.Backend = tensor.CPU{}

// Run runs the whole suite on b, one subtest per op family. It calls b's
// methods directly, so b need not be the installed backend.
func Run(t *testing.T, b tensor.Backend) {
	t.Run("Unary", func(t *testing.T) { testUnary(t, b) })
	t.Run("Binary", func(t *testing.T) { testBinary(t, b) })
	t.Run("Reduce", func(t *testing.T) { testReduce(t, b) })
	t.Run("Gemm", func(t *testing.T) { testGemm(t, b) })
	t.Run("Conv2D", func(t *testing.T) { testConv2D(t, b) })
	t.Run("Conv2DInputGrad", func(t *testing.T) { testConv2DInputGrad(t, b) })
	t.Run("Conv2DWeightGrad", func(t *testing.T) { testConv2DWeightGrad(t, b) })
	t.Run("MaxPool2D", func(t *testing.T) { testMaxPool2D(t, b) })
	t.Run("AvgPool2D", func(t *testing.T) { testAvgPool2D(t, b) })
	t.Run("AvgPool2DTranspose", func(t *testing.T) { testAvgPool2DTranspose(t, b) })
	t.Run("AdaptiveAvgPool2D", func(t *testing.T) { testAdaptiveAvgPool2D(t, b) })
	t.Run("AdaptiveAvgPool2DTranspose", func(t *testing.T) { testAdaptiveAvgPool2DTranspose(t, b) })
}
