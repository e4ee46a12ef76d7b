// Package tensor holds dense float32 N-dimensional arrays and every numeric
// operation on their raw values: elementwise math with NumPy/PyTorch
// broadcasting, reductions, batched matrix products, layout changes
// (reshape, permute, slice, concat, pad), indexing (gather, scatter-add,
// index-select, one-hot, where), convolution, pooling and seeded random
// numbers.
//
// The package knows nothing about gradients: package autograd builds the
// differentiable ops on top of it.
//
// # Where things live
//
//   - Storage and devices: tensor.go (the Tensor, constructors,
//     accessors), alloc.go (host free lists, Release, Pin), device.go
//     (Device, DeviceBackend, To, transfer counts, the fallback),
//     device_ops.go (the ops a device receives), scope.go (freeing a
//     step's device tensors).
//   - The op API, one family a file, each op validating its operands and
//     then dispatching by device: elementwise.go, broadcast.go, reduce.go,
//     matmul.go, conv.go, pool.go, fused.go (the training step's fused
//     kernels), index.go, layout.go, resize.go, random.go.
//   - Backends' kernels: backend.go (the Backend seam and the plain CPU
//     reference), simd*.go, depthwise*.go and winograd.go (the SIMD
//     backend's convolution planning over package asm), team.go and
//     parallel.go (the worker team); the CUDA kernels and the device
//     backend are in cuda/backend, the conformance suite every backend
//     passes in tensor/conformance, and a host-memory test device in
//     tensor/devicetest.
//
// # Layout and ownership
//
// A Tensor is always contiguous and row-major. Every op returns a fresh
// tensor; only Reshape (and View) share storage with their input, and
// AddBiasInPlace writes into its argument. Keeping one layout makes each
// kernel simple and lets the SIMD and CUDA kernels assume it.
//
// Storage comes from size-class free lists (alloc.go): a caller that knows
// a tensor is dead hands it back with Release, and the next tensor of that
// size reuses it instead of fresh memory from the garbage collector.
// Storage whose slice was handed out by Data, or that was pinned, is never
// recycled; a released tensor is emptied, so a stray use panics.
//
// # The backend seam
//
// The heavy numeric kernels (GEMM, convolution, pooling, elementwise maps and
// reductions) are reached through the Backend interface. The CPU backend in
// this package is the reference; faster implementations (the asm package's
// SIMD kernels, a CUDA backend) plug in with SetBackend without any change to
// autograd or nn.
//
// The SIMD backend picks a convolution algorithm per geometry: depthwise
// kernels when each group has one channel (depthwise*.go); direct shifted
// sums for unpadded layers with few output channels (simd_direct.go);
// Winograd F(2×2, 3×3) for 3×3 stride-1 layers with many channels
// (winograd.go); otherwise GEMMs whose B panels are gathered straight from
// the input planes, with no im2col buffer (simd_conv.go, simd_plan.go). The
// input gradient of a stride-1 layer runs as the convolution with the
// flipped kernel, and so takes the same choice, unless that convolution
// would be mostly padding (then col2im); the weight gradient is a GEMM or
// the direct path's shifted dot products.
//
// # Devices
//
// A tensor's storage is on the host or on a device (device.go): a
// DeviceBackend registered under a name such as "cuda:0" owns the memory
// and computes the ops of tensors stored there. Copies are explicit: To
// moves a tensor, Item reads a scalar back; Data, Borrow, At and Set
// refuse a device tensor. Every op checks its operands' device after
// validating them (the same panics on every device): all on the host, the
// code below runs unchanged; all on one device, the op goes to that
// device's Run with outputs already allocated there; mixed, it panics
// naming the op and the devices. The ops a device receives, with their
// arguments, are listed in device_ops.go. A backend without a kernel for
// an op says so, and the op then runs on host copies — counted, with the
// explicit copies, by Transfers, and refused after AllowHostFallback(false)
// — so a device path always works and a test shows what it still copies.
// Max pooling's indices live with the pooled values: on a device as exact
// float32 indices (PoolIndices.Tensor).
//
// # Determinism
//
// Work is split over GOMAXPROCS goroutines, but never so that the order of a
// floating-point reduction depends on the number of workers: each output
// element is reduced by one goroutine in a fixed order, and whole-tensor sums
// add fixed-size chunks in index order. Results are bitwise identical for any
// GOMAXPROCS.
//
// # Errors
//
// Shape mismatches are programming errors: ops panic with a message that
// names the op and the shapes involved.
package tensor
