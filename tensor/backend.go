package tensor

import "sync/atomic"

// Backend is the seam between the tensor API (shape checks, output
// allocation) and the numeric kernels that fill the outputs. Every method
// receives fully shape-checked, allocated tensors and only computes values.
//
// The CPU backend in this package is the plain reference; the asm package's
// SIMD kernels and a CUDA backend implement the same interface, and the
// conformance tests compare them against it.
type Backend interface {
	Name() string
	// Unary writes op(x) (with op's scalar parameter p) into out.
	Unary(op UnaryOp, p float32, x, out *Tensor)
	// Binary writes op(a, b) into out, broadcasting a and b to out's shape.
	Binary(op BinaryOp, a, b, out *Tensor)
	// Reduce reduces x over the axes marked in reduce into out, whose shape
	// is x's with the reduced axes set to 1.
	Reduce(op ReduceOp, x *Tensor, reduce []bool, out *Tensor)
	// Gemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices.
	Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	// Conv2D, Conv2DInputGrad and Conv2DWeightGrad are the three faces of a
	// 2-d convolution (NCHW activations, OIHW weights).
	Conv2D(x, w *Tensor, p ConvParams, out *Tensor)
	Conv2DInputGrad(gy, w *Tensor, p ConvParams, gx *Tensor)
	Conv2DWeightGrad(x, gy *Tensor, p ConvParams, gw *Tensor)
	// MaxPool2D writes the pooled maxima and, for each, the flat index
	// h*W+w of its source within the input plane.
	MaxPool2D(x *Tensor, p PoolParams, out *Tensor, idx []int32)
	// AvgPool2D and its transpose (the linear map's adjoint).
	AvgPool2D(x *Tensor, p PoolParams, out *Tensor)
	AvgPool2DTranspose(gy *Tensor, p PoolParams, gx *Tensor)
	// AdaptiveAvgPool2D and its transpose.
	AdaptiveAvgPool2D(x *Tensor, out *Tensor)
	AdaptiveAvgPool2DTranspose(gy *Tensor, gx *Tensor)
}

var current atomic.Pointer[Backend]

func init() {
	var b Backend = CPU{}
	current.Store(&b)
}

// SetBackend installs b for all subsequent ops and returns the previous one.
func SetBackend(b Backend) Backend {
	old := current.Swap(&b)
	return *old
}

// CurrentBackend returns the backend in use.
func CurrentBackend() Backend { return *current.Load() }

func backend() Backend { return *current.Load() }

// CPU is the portable reference backend: plain Go loops, parallel over
// independent output elements.
type CPU struct{}

// Name implements Backend.
func (CPU) Name() string { return "cpu" }
