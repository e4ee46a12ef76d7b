package backend

import (
	"fmt"
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Device is a CUDA device for tensors: a tensor.DeviceBackend whose
// buffers live on its machine between ops and whose Run launches the
// backend's kernels there — on a GPU (NewGPU), or in the ptx interpreter
// (NewSim), the same kernels, launches and buffers on any machine, so
// `go test` checks what stays on the device and what is copied. Ops it has
// no kernel for (see the package doc) report false and tensor computes
// them on counted host copies.
type Device struct {
	name tensor.Device
	be   *Backend
	mu   sync.Mutex // the interpreter memory serves one op at a time
	idx  indexCache // guarded by mu
	m    machine
}

// NewSim builds the kernels and returns a simulated device named name,
// its memory and kernels the interpreter's; register it with
// tensor.RegisterDevice to use it.
func NewSim(name tensor.Device) (*Device, error) {
	be, err := New()
	if err != nil {
		return nil, err
	}
	return &Device{name: name, be: be, m: interp{new(ptx.Memory)}}, nil
}

// Device implements tensor.DeviceBackend.
func (s *Device) Device() tensor.Device { return s.name }

// Alloc implements tensor.DeviceBackend.
func (s *Device) Alloc(n int) tensor.DeviceBuffer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return tensor.DeviceBuffer(s.m.Alloc(n))
}

// Free implements tensor.DeviceBackend.
func (s *Device) Free(b tensor.DeviceBuffer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.Free(ptx.Ptr(b))
}

// Upload implements tensor.DeviceBackend.
func (s *Device) Upload(dst tensor.DeviceBuffer, src []float32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.WriteF32(ptx.Ptr(dst), src)
}

// Download implements tensor.DeviceBackend.
func (s *Device) Download(dst []float32, src tensor.DeviceBuffer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.ReadF32Into(dst, ptx.Ptr(src))
}

// Launches is the number of kernels launched so far.
func (s *Device) Launches() int64 { return s.be.Launches() }

// Live is the number of device buffers allocated and not freed.
func (s *Device) Live() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m.Live()
}

// Kernels lists the kernels the device launches (for ptxas and GPU checks).
func (s *Device) Kernels() []*ptx.Kernel {
	ks := s.be.Kernels()
	for _, f := range deviceKernels {
		ks = append(ks, f()...)
	}
	return ks
}

func ptr(t *tensor.Tensor) ptx.Ptr { return ptx.Ptr(t.Buffer()) }

// Run implements tensor.DeviceBackend: the ops with kernels run on the
// device buffers; the rest report false.
func (s *Device) Run(op tensor.Op, in, out []*tensor.Tensor) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, be := s.m, s.be
	switch op.Name {
	case "Unary":
		a := powAsUnary(op.Args.(tensor.UnaryArgs))
		return (be.unaryOK(a.Op, out[0].Len()) && be.unaryAt(m, a.Op, a.P, ptr(out[0]), ptr(in[0]), out[0].Len())) || s.unaryMore(a, in[0], out[0])
	case "Copy": // x·1 is x exactly, −0 and NaN included
		return be.unaryOK(tensor.OpMulScalar, out[0].Len()) && be.unaryAt(m, tensor.OpMulScalar, 1, ptr(out[0]), ptr(in[0]), out[0].Len())
	case "Fill": // v − 0 on the zeroed output
		v := op.Args.(tensor.FillArgs).Value
		return be.unaryOK(tensor.OpRsubScalar, out[0].Len()) && be.unaryAt(m, tensor.OpRsubScalar, v, ptr(out[0]), ptr(out[0]), out[0].Len())
	case "Binary":
		a := op.Args.(tensor.BinaryArgs)
		os, as, bs := out[0].Shape(), in[0].Shape(), in[1].Shape()
		return (be.binaryOK(a.Op, os, as, bs) && be.binaryAt(m, a.Op, ptr(out[0]), ptr(in[0]), ptr(in[1]), os, as, bs)) || s.binaryMore(a, in[0], in[1], out[0])
	case "Reduce":
		a := op.Args.(tensor.ReduceArgs)
		return (reduceOK(a.Op, in[0].Shape(), a.Reduce) && be.reduceAt(m, a.Op, ptr(out[0]), ptr(in[0]), in[0].Shape(), a.Reduce)) || s.reduceAny(a, in[0], out[0])
	case "MatMul":
		return s.matMul(op.Args.(tensor.MatMulArgs), in[0], in[1], out[0])
	case "Conv2D":
		p := op.Args.(tensor.ConvParams)
		xs, ws, ys := in[0].Shape(), in[1].Shape(), out[0].Shape()
		return convOK(xs, ws, ys, p) && be.conv2DAt(m, ptr(out[0]), ptr(in[0]), ptr(in[1]), xs, ws, ys, p)
	case "Conv2DInputGrad":
		p := op.Args.(tensor.ConvParams)
		xs, ws, ys := out[0].Shape(), in[1].Shape(), in[0].Shape()
		return convOK(xs, ws, ys, p) && be.conv2DInputGradAt(m, ptr(out[0]), ptr(in[0]), ptr(in[1]), xs, ws, ys, p)
	case "Conv2DWeightGrad":
		p := op.Args.(tensor.ConvParams)
		xs, ws, ys := in[0].Shape(), out[0].Shape(), in[1].Shape()
		return convOK(xs, ws, ys, p) && be.conv2DWeightGradAt(m, ptr(out[0]), ptr(in[0]), ptr(in[1]), xs, ws, ys, p)
	case "MaxPool2D":
		p := op.Args.(tensor.PoolParams)
		xs, ys := in[0].Shape(), out[0].Shape()
		return maxPoolOK(xs, ys, p) && be.maxPool2DAt(m, ptr(out[0]), ptr(out[1]), ptr(in[0]), xs, ys, p)
	case "AvgPool2D":
		p := op.Args.(tensor.PoolParams)
		xs, ys := in[0].Shape(), out[0].Shape()
		return poolOK(xs, ys, p) && be.avgPool2DAt(m, ptr(out[0]), ptr(in[0]), xs, ys, p)
	case "AvgPool2DTranspose": // adds into the zeroed gradient
		p := op.Args.(tensor.PoolParams)
		gxs, gys := out[0].Shape(), in[0].Shape()
		return poolOK(gxs, gys, p) && be.avgPool2DTransposeAt(m, ptr(out[0]), ptr(in[0]), gxs, gys, p)
	case "AdaptiveAvgPool2D":
		xs, ys := in[0].Shape(), out[0].Shape()
		return adaptiveOK(xs, ys) && be.adaptiveAvgPool2DAt(m, ptr(out[0]), ptr(in[0]), xs, ys)
	case "AdaptiveAvgPool2DTranspose":
		gxs, gys := out[0].Shape(), in[0].Shape()
		return adaptiveOK(gxs, gys) && be.adaptiveAvgPool2DTransposeAt(m, ptr(out[0]), ptr(in[0]), gxs, gys)
	}
	if f, ok := deviceOps[op.Name]; ok {
		return f(s, op, in, out)
	}
	return false
}

// deviceOps are device ops defined in files of their own (one op family a
// file), each registered from an init function: with s.mu held, run op
// on s.mem and report whether a kernel applied. deviceKernels lists their
// kernels for Kernels.
var (
	deviceOps     = map[string]func(s *Device, op tensor.Op, in, out []*tensor.Tensor) bool{}
	deviceKernels []func() []*ptx.Kernel
)

// matMul runs a batched product as one SGEMM per output batch, operand
// batches found by broadcasting (as tensor.MatMulT does on the host).
func (s *Device) matMul(a tensor.MatMulArgs, x, y, out *tensor.Tensor) bool {
	xs, ys, os := x.Shape(), y.Shape(), out.Shape()
	rx, ry, ro := len(xs), len(ys), len(os)
	m, n := os[ro-2], os[ro-1]
	k := xs[rx-1]
	if a.TransA {
		k = xs[rx-2]
	}
	if !gemmOK(m, n, k, n) {
		return false
	}
	batch := os[:ro-2]
	sx, sy := batchStrides(xs[:rx-2], batch), batchStrides(ys[:ry-2], batch)
	lda, ldb := xs[rx-1], ys[ry-1]
	for i := range tensor.Numel(batch) {
		ox, oy, r := 0, 0, i
		for d := len(batch) - 1; d >= 0; d-- {
			c := r % batch[d]
			r /= batch[d]
			ox += c * sx[d]
			oy += c * sy[d]
		}
		if !s.be.gemmAt(s.m, a.TransA, a.TransB, m, n, k, 1, ptr(x), ox*m*k, lda, ptr(y), oy*k*n, ldb, 0, ptr(out), i*m*n, n) {
			panic(fmt.Sprintf("cuda/backend.Device: SGEMM %d×%d×%d refused after gemmOK", m, n, k))
		}
	}
	return true
}

// batchStrides are the strides, in matrices, of an operand's batch axes
// src within the broadcast batch dst (0 where src broadcasts).
func batchStrides(src, dst []int) []int {
	st := make([]int, len(dst))
	acc, off := 1, len(dst)-len(src)
	for i := len(dst) - 1; i >= 0; i-- {
		j := i - off
		if j < 0 {
			continue
		}
		if src[j] != 1 {
			st[i] = acc
		}
		acc *= src[j]
	}
	return st
}

// Gemm computes c = alpha·op(a)·op(b) + beta·c on device tensors viewed as
// row-major matrices with leading dimensions lda, ldb, ldc (a BLAS-style
// entry for callers that hold device buffers); false when no kernel
// applies.
func (s *Device) Gemm(transA, transB bool, m, n, k int, alpha float32, a *tensor.Tensor, lda int, b *tensor.Tensor, ldb int, beta float32, c *tensor.Tensor, ldc int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return gemmOK(m, n, k, ldc) && s.be.gemmAt(s.m, transA, transB, m, n, k, alpha, ptr(a), 0, lda, ptr(b), 0, ldb, beta, ptr(c), 0, ldc)
}

// powAsUnary maps the powers the host computes without math.Pow — x² as
// x·x, x¹ as x, x^½ as a square root — to the kernels that compute them
// so (x·1 is x exactly); other powers stay PowScalar, which has no kernel.
func powAsUnary(a tensor.UnaryArgs) tensor.UnaryArgs {
	if a.Op != tensor.OpPowScalar {
		return a
	}
	switch a.P {
	case 2:
		return tensor.UnaryArgs{Op: tensor.OpSquare}
	case 1:
		return tensor.UnaryArgs{Op: tensor.OpMulScalar, P: 1}
	case 0.5:
		return tensor.UnaryArgs{Op: tensor.OpSqrt}
	}
	return a
}
