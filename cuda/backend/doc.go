// Package backend is the CUDA backend's first step: a tensor.Backend whose
// hot ops run generated GPU kernels (package ptx, many from package
// kernels) in the ptx interpreter, and whose other ops delegate to the CPU
// reference. Host tensors are copied into interpreter memory, the kernels
// launched, and the results copied back; the device-resident version
// will launch the same kernels on the GPU with tensors kept there.
//
// Each op is a pointer-level core (unaryAt, gemmAt, conv2DAt, …) that
// launches its kernels on buffers already in a ptx.Memory, writes the
// given output pointer and frees its own temporaries, plus the host
// wrapper, the tensor.Backend method, which uploads, calls the core and
// reads back. The cores are what the device-resident path calls; each
// returns false where no kernel applies, which a shape-only predicate
// (unaryOK, convOK, …) tells before anything is launched.
//
// Ops that run kernels:
//   - Unary: Relu (its own relu_nan_f32, not kernels.Relu, which maps NaN
//     to 0 where tensor's relu lets NaN through), Neg, Square, AddScalar,
//     MulScalar, RsubScalar;
//   - Binary: Add and Mul (kernels.Add, kernels.Mul) and Sub on equal
//     shapes; with broadcasting, Add, Sub and Mul on a strided kernel when
//     the shapes fold into three axes;
//   - Reduce: Sum over trailing axes — over everything on kernels.Sum's
//     two passes, per row on a row-sum kernel (one block a row, a fixed
//     tree, no atomics);
//   - Gemm: kernels.Sgemm (the small tiling below 128×128 outputs, the
//     default above), with a gather kernel packing transposed or strided
//     operands and an epilogue kernel applying alpha, beta and ldc;
//   - Conv2D and its two gradients (groups and depthwise included), as
//     im2col + SGEMM with the batch folded into the GEMMs' column axis, one
//     SGEMM per group: the forward is W_g·col_g then a permutation to NCHW;
//     the input gradient W_gᵀ·gy_g then a col2im that gathers (each input
//     pixel sums its taps in the reference's order, no atomics); the
//     weight gradient gy_g·col_gᵀ, one fma chain over images and positions;
//   - MaxPool2D (maxima and indices, ties and NaN as the reference),
//     AvgPool2D and AdaptiveAvgPool2D, one thread an output, and their
//     transposes as gathers, one thread an input pixel adding its windows'
//     shares in the order the reference's scatter does. Sums run in the
//     reference's order and divisions are exact (a reciprocal table and
//     one fma correction), so every pooling result is the reference's to
//     the bit.
//
// The builder lacks integer division, u32 select, u32 stores and
// u32→f32 conversion; the kernels do without (see intmath.go and
// divide.go): gathers walk quotient and remainder instead of dividing,
// adaptive windows use a long division, and max pooling's indices travel
// as exact floats in a float32 buffer that the caller converts.
//
// Ops that delegate to tensor.CPU: every other Unary op (Exp, Log, Sqrt,
// Abs, Sign, Tanh, Sigmoid, Recip, PowScalar, GtScalar, LtScalar,
// ClampMin, ClampMax), every other Binary op (Div, Maximum, Minimum, Pow,
// Gt, Ge, Eq) and broadcasts that do not fold into three axes, Max and Min
// reductions and sums over non-trailing axes, empty GEMMs, and empty or
// oversized convolutions and pools (max pooling also for planes over 2²⁴
// elements, whose indices a float cannot hold exactly).
//
// The interpreter is exact by design; where a kernel sums in another order
// than the reference (the sum's tree, SGEMM's fma chains), the
// conformance suite's sum tolerance applies.
//
// # The simulated device
//
// Sim is the device-resident path: a tensor.DeviceBackend (register it
// under "cuda:0") whose buffers live in one interpreter memory between
// ops, and whose Run calls the same pointer-level cores on them. Ops
// without a core report false and tensor computes them on counted host
// copies. TestSimConformance runs the backend suite through it (operands
// uploaded, tensor ops on device tensors, results read back), and
// TestSimKeepsAStepOnTheDevice proves a conv → pool → linear forward and
// backward copies nothing but its inputs and the loss, with fallbacks
// refused and no kernel temporaries left behind. Device memory has no
// finalizers: what a caller does not Release stays allocated.

package backend
