package backend

import (
	"fmt"
	"sync/atomic"

	"github.com/modeldoctor/modeldoctor/cuda/kernels"
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Backend is a tensor.Backend whose Unary, Binary, Reduce and Gemm run
// generated kernels in the ptx interpreter; the embedded CPU reference
// serves every op without a kernel (see the package doc for the list).
type Backend struct {
	tensor.CPU
	unary   map[tensor.UnaryOp]*ptx.Kernel
	binary  map[tensor.BinaryOp]*ptx.Kernel // dense, same-shape operands
	strided map[tensor.BinaryOp]*ptx.Kernel // broadcasting
	sum     *ptx.Kernel
	rowSum  *ptx.Kernel
	gather  *ptx.Kernel
	epi     [2]*ptx.Kernel // without and with beta
	small   *ptx.Kernel    // SGEMM tilings: small for the interpreter's sake
	large   *ptx.Kernel
	conv    convKernels
	dw      dwKernels // direct depthwise convolution
	pool    poolKernels
	// launches counts kernel launches, so tests can tell which ops ran
	// kernels and which delegated.
	launches atomic.Int64
}

// New builds every kernel once.
func New() (*Backend, error) {
	small, err := kernels.Sgemm(kernels.SmallSgemm)
	if err != nil {
		return nil, err
	}
	large, err := kernels.Sgemm(kernels.DefaultSgemm)
	if err != nil {
		return nil, err
	}
	return &Backend{
		unary: unaryKernels(),
		binary: map[tensor.BinaryOp]*ptx.Kernel{
			tensor.OpAdd: kernels.Add(), tensor.OpMul: kernels.Mul(), tensor.OpSub: sub(),
		},
		strided: stridedKernels(),
		sum:     kernels.Sum(), rowSum: rowSum(), gather: gather2D(),
		epi:   [2]*ptx.Kernel{gemmEpilogue(false), gemmEpilogue(true)},
		small: small, large: large,
		conv: convKernels{im2col: im2col(), col2im: col2im(), gather3: gather3D()},
		pool: newPoolKernels(),
		dw:   newDwKernels(),
	}, nil
}

// Name implements tensor.Backend.
func (*Backend) Name() string { return "cuda-interpreter" }

// maxElems is the kernels' limit: they index with 32-bit arithmetic.
const maxElems = 1<<31 - 1

// Launches is the number of kernel launches so far.
func (be *Backend) Launches() int64 { return be.launches.Load() }

// Kernels lists the kernels this backend launches, for checks that must
// cover each one (ptxas, a GPU run).
func (be *Backend) Kernels() []*ptx.Kernel {
	ks := []*ptx.Kernel{be.sum, be.rowSum, be.gather, be.epi[0], be.epi[1], be.small, be.large,
		be.conv.im2col, be.conv.col2im, be.conv.gather3}
	v4 := vec4Sgemm()
	ks = append(ks, v4[:]...)
	ks = append(ks, be.pool.list()...)
	ks = append(ks, be.dw.list()...)
	for _, k := range be.unary {
		ks = append(ks, k)
	}
	for _, m := range []map[tensor.BinaryOp]*ptx.Kernel{be.binary, be.strided} {
		for _, k := range m {
			ks = append(ks, k)
		}
	}
	return ks
}

// run interprets k; a fault is a bug in a kernel or in its launch, so it
// panics with the op's name.
func (be *Backend) run(op string, k *ptx.Kernel, m machine, grid, block ptx.Dim3, args ...any) {
	be.launches.Add(1)
	if err := m.Launch(k, grid, block, args...); err != nil {
		panic(fmt.Sprintf("cuda/backend.%s: %v", op, err))
	}
}
