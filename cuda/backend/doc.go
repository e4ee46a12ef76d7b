// Package backend runs tensor ops on generated CUDA kernels (package ptx,
// some from package kernels): on a GPU through the driver shim, or in the
// ptx interpreter on any machine, with the same launch code.
//
// # Two faces
//
// Device is the device-resident path: a tensor.DeviceBackend whose
// buffers stay on the device between ops. NewSim makes one whose memory
// and kernels are the interpreter's (a simulated GPU, for `go test` on
// machines without one); NewGPU one on a real GPU (buffers from the
// cuda.Context's caching allocator, each kernel JIT-compiled by the driver
// on first launch, launches on the default stream, copies synchronous on
// it). Register either under "cuda:0" with tensor.RegisterDevice and move
// tensors there with To. Backend is the older host face: a tensor.Backend
// whose hot ops upload host tensors into a fresh interpreter memory, run
// the kernels and read back (the conformance suite checks the kernels
// through it).
//
// Both call pointer-level cores (unaryAt, gemmAt, conv2DAt, …) that take a
// machine (machine.go: the interpreter's memory or gpu.go's device),
// launch their kernels on buffers already there, write the output and
// free their own temporaries; each reports false where no kernel applies,
// which a shape-only predicate (unaryOK, convOK, …) tells first.
//
// # The device's ops
//
// Device.Run serves every op tensor sends (tensor/device_ops.go), one
// family a file:
//   - device.go: Unary (the backend's kernels, then dev_unary.go's: Exp,
//     Log, Sqrt, Abs, Sign, Recip, comparisons, clamps, Sigmoid, Tanh —
//     exp, log and sqrt built from exact instructions in dev_math.go;
//     x², x¹, x^½ as the host computes them), Binary (dense and folded
//     strided kernels, then dev_binary.go for any broadcast and Div,
//     Maximum, Minimum, Gt, Ge, Eq), Reduce (trailing sums, then
//     dev_reduce.go: any axes, Max, Min, and ArgMax), MatMul (one SGEMM
//     per broadcast batch), the convolutions (direct kernels for
//     depthwise ones, depthwise.go; otherwise im2col/col2im-gather +
//     SGEMM, one per group), the pools and their
//     transposes, Copy and Fill;
//   - dev_relu.go (ReluBackward, Relu6Backward), dev_activation.go (Relu6,
//     SiLU, SiLUBackward), dev_bias.go (AddBiasInPlace), dev_bn.go (batch
//     norm statistics, affine and backward), dev_logsoftmax.go,
//     dev_where.go, dev_pool_index.go (PoolGather, PoolScatter),
//     dev_gather.go (Gather, ScatterAdd), dev_index_select.go
//     (IndexSelect, IndexAdd), dev_layout.go (Concat, Narrow, Permute,
//     Pad), dev_broadcast.go (BroadcastTo), dev_resize.go (bilinear resize
//     and its transpose), dev_random.go (Bernoulli: the host's splitmix64
//     stream, drawn per element from its counter).
//
// Host fallbacks remain for Pow and for PowScalar other than 2, 1 and ½
// (the host rounds float64 math.Pow), for shapes past 32-bit indexing or
// folding into more axes than a kernel takes, and for max pooling over
// planes past 2²⁴ elements. Ops on host indices (Gather, ScatterAdd,
// IndexSelect, IndexAdd) upload a list the first time they see its values
// in a step, counted by tensor.NoteUpload, and reuse that copy until the
// step's tensor.Scope closes (dev_indices.go).
//
// # Determinism and exactness
//
// No atomics: every reduction and scatter is a gather in a fixed order
// (a pixel sums its taps, an output its sources, in the host's order).
// Where the host's arithmetic can be reproduced, results are its bits
// (copies, masks, pools, comparisons, elementwise arithmetic); sums in
// another order (SGEMM's fma chains, Kahan float32 sums where the host
// adds in float64) and software transcendentals are within the
// tolerances their tests state. NaN payloads are not compared where IEEE
// leaves them to the hardware.
//
// # Tests
//
// Every device op's test runs the tensor function on device tensors with
// host fallbacks refused and compares with the host. TestSimConformance
// runs the backend suite through the device path; TestStepsStayOnTheDevice
// is the transfer count: LeNet and SimpleCNN training steps and a LeNet
// treat step (second order) copy only the batch, its labels (once) and
// the values the loop reads back, hold the same device memory step after
// step, and agree with the host. With MODELDOCTOR_CUDA=1 (cuda/gpucheck.sh)
// the same external tests take GPU 0 instead of the interpreter, and
// TestGPUTrainStepThroughput times zoo training steps. Device memory has
// no finalizers: tensor.Scope and Release free it.
package backend
