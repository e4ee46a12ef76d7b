// Package cuda is a pure-Go shim over the CUDA driver API (libcuda.so.1,
// loaded at run time through purego: no cgo, no CUDA toolkit to build):
// devices, contexts, device memory with a caching allocator, streams,
// events, PTX modules and kernel launches. The kernels themselves are
// written with package ptx (cuda/ptx) and live in cuda/kernels.
//
// # Availability
//
// Available reports whether a driver and a device are present and, if
// not, why. Nothing else in the program depends on CUDA: without
// libcuda.so.1 every entry point returns an error, and `-tags nocuda`
// leaves the loader (and purego) out of the binary altogether.
//
// # Threads and contexts
//
// A CUDA context is current per OS thread, while Go moves goroutines
// between threads. A Context therefore owns one goroutine locked to its OS
// thread, made current there once, and every driver call that needs the
// context runs on it as a closure sent over a channel (Context.do). This
// costs a channel round trip per call, which is small beside a launch, and
// keeps the rule in one place instead of around every call. Calls are
// serialized; launches are still asynchronous on their stream.
//
// # Memory
//
// Device memory is never tied to Go finalizers: the GC does not see device
// pressure, and a finalizer would run at an arbitrary time on an arbitrary
// thread. Buffers come from a Cache (size classes, free lists) and go back
// with an explicit Free; Trim returns cached blocks to the driver. The
// caching policy knows nothing about the driver (Backing), so its tests
// run without a GPU.
//
// Kernel arguments are packed into a parameter block the driver reads
// during cuLaunchKernel; the block is pinned with runtime.Pinner for the
// call so that the pointers inside it stay valid.
//
// # Tests on a GPU
//
// With MODELDOCTOR_CUDA=1 and a driver present, the tests launch every
// kernel on the device, compare each result bit for bit with the ptx
// interpreter, time SGEMM 4096³ with events and print a table (see
// gpucheck.sh). Without it they skip the GPU part and say why.
package cuda
