package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// machine is where kernels run and buffers live: the ptx interpreter's
// memory (interp) or a GPU (gpu.go). The cores take one, so the same
// launch code serves the interpreter in `go test` and the device on a
// GPU. Pointers are ptx.Ptr on both: an interpreter address or a device
// address, offset by bytes the same way.
type machine interface {
	Alloc(n int) ptx.Ptr
	AllocF32(v []float32) ptx.Ptr
	AllocU32(v []uint32) ptx.Ptr
	Free(p ptx.Ptr)
	WriteF32(p ptx.Ptr, v []float32)
	ReadF32(p ptx.Ptr) []float32
	ReadF32Into(dst []float32, p ptx.Ptr)
	Live() int
	Launch(k *ptx.Kernel, grid, block ptx.Dim3, args ...any) error
}

// interp runs kernels in the ptx interpreter over its memory.
type interp struct{ *ptx.Memory }

// Launch interprets k.
func (i interp) Launch(k *ptx.Kernel, grid, block ptx.Dim3, args ...any) error {
	return k.Run(i.Memory, grid, block, args...)
}
