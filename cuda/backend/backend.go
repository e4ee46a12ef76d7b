package backend

import (
	"fmt"

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
	}, nil
}

// Name implements tensor.Backend.
func (*Backend) Name() string { return "cuda-interpreter" }

// maxElems is the kernels' limit: they index with 32-bit arithmetic.
const maxElems = 1<<31 - 1

// run interprets k; a fault is a bug in a kernel or in its launch, so it
// panics with the op's name.
func run(op string, k *ptx.Kernel, m *ptx.Memory, grid, block ptx.Dim3, args ...any) {
	if err := k.Run(m, grid, block, args...); err != nil {
		panic(fmt.Sprintf("cuda/backend.%s: %v", op, err))
	}
}
