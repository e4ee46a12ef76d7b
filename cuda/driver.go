package cuda

import (
	"sync"
	"unsafe"
)

// cuResult is CUresult: 0 is success.
type cuResult int32

// driverAPI holds the driver entry points used here, bound by the loader.
// Tests may fill it with Go fakes. Handles (contexts, modules, streams,
// events, functions) are opaque C pointers held as uintptr: Go never
// dereferences them.
type driverAPI struct {
	cuInit                    func(flags uint32) cuResult
	cuDriverGetVersion        func(v *int32) cuResult
	cuDeviceGetCount          func(n *int32) cuResult
	cuDeviceGet               func(d *int32, ordinal int32) cuResult
	cuDeviceGetName           func(name *byte, n int32, d int32) cuResult
	cuDeviceGetAttribute      func(v *int32, attr int32, d int32) cuResult
	cuDeviceTotalMem          func(bytes *uint64, d int32) cuResult
	cuDevicePrimaryCtxRetain  func(ctx *uintptr, d int32) cuResult
	cuDevicePrimaryCtxRelease func(d int32) cuResult
	cuCtxSetCurrent           func(ctx uintptr) cuResult
	cuCtxSynchronize          func() cuResult
	cuMemAlloc                func(p *uint64, bytes uint64) cuResult
	cuMemFree                 func(p uint64) cuResult
	cuMemcpyHtoD              func(dst uint64, src unsafe.Pointer, n uint64) cuResult
	cuMemcpyDtoH              func(dst unsafe.Pointer, src uint64, n uint64) cuResult
	cuMemcpyDtoD              func(dst, src uint64, n uint64) cuResult
	cuMemsetD32               func(dst uint64, v uint32, n uint64) cuResult
	cuStreamCreate            func(s *uintptr, flags uint32) cuResult
	cuStreamDestroy           func(s uintptr) cuResult
	cuStreamSynchronize       func(s uintptr) cuResult
	cuEventCreate             func(e *uintptr, flags uint32) cuResult
	cuEventDestroy            func(e uintptr) cuResult
	cuEventRecord             func(e, s uintptr) cuResult
	cuEventSynchronize        func(e uintptr) cuResult
	cuEventElapsedTime        func(ms *float32, start, end uintptr) cuResult
	cuModuleLoadDataEx        func(m *uintptr, image unsafe.Pointer, n uint32, opts unsafe.Pointer, vals unsafe.Pointer) cuResult
	cuModuleUnload            func(m uintptr) cuResult
	cuModuleGetFunction       func(f *uintptr, m uintptr, name *byte) cuResult
	cuLaunchKernel            func(f uintptr, gx, gy, gz, bx, by, bz, shared uint32, stream uintptr, params unsafe.Pointer, extra unsafe.Pointer) cuResult
	cuGetErrorName            func(r cuResult, s **byte) cuResult
	cuGetErrorString          func(r cuResult, s **byte) cuResult
}

// symbols pairs each entry point's exported name (the _v2 ABI where the
// driver has one) with the field it binds.
func (d *driverAPI) symbols() []struct {
	name string
	fn   any
} {
	return []struct {
		name string
		fn   any
	}{
		{"cuInit", &d.cuInit},
		{"cuDriverGetVersion", &d.cuDriverGetVersion},
		{"cuDeviceGetCount", &d.cuDeviceGetCount},
		{"cuDeviceGet", &d.cuDeviceGet},
		{"cuDeviceGetName", &d.cuDeviceGetName},
		{"cuDeviceGetAttribute", &d.cuDeviceGetAttribute},
		{"cuDeviceTotalMem_v2", &d.cuDeviceTotalMem},
		{"cuDevicePrimaryCtxRetain", &d.cuDevicePrimaryCtxRetain},
		{"cuDevicePrimaryCtxRelease_v2", &d.cuDevicePrimaryCtxRelease},
		{"cuCtxSetCurrent", &d.cuCtxSetCurrent},
		{"cuCtxSynchronize", &d.cuCtxSynchronize},
		{"cuMemAlloc_v2", &d.cuMemAlloc},
		{"cuMemFree_v2", &d.cuMemFree},
		{"cuMemcpyHtoD_v2", &d.cuMemcpyHtoD},
		{"cuMemcpyDtoH_v2", &d.cuMemcpyDtoH},
		{"cuMemcpyDtoD_v2", &d.cuMemcpyDtoD},
		{"cuMemsetD32_v2", &d.cuMemsetD32},
		{"cuStreamCreate", &d.cuStreamCreate},
		{"cuStreamDestroy_v2", &d.cuStreamDestroy},
		{"cuStreamSynchronize", &d.cuStreamSynchronize},
		{"cuEventCreate", &d.cuEventCreate},
		{"cuEventDestroy_v2", &d.cuEventDestroy},
		{"cuEventRecord", &d.cuEventRecord},
		{"cuEventSynchronize", &d.cuEventSynchronize},
		{"cuEventElapsedTime", &d.cuEventElapsedTime},
		{"cuModuleLoadDataEx", &d.cuModuleLoadDataEx},
		{"cuModuleUnload", &d.cuModuleUnload},
		{"cuModuleGetFunction", &d.cuModuleGetFunction},
		{"cuLaunchKernel", &d.cuLaunchKernel},
		{"cuGetErrorName", &d.cuGetErrorName},
		{"cuGetErrorString", &d.cuGetErrorString},
	}
}

// libName is the driver library; a variable so a test can point it at a
// library that does not exist.
var libName = "libcuda.so.1"

var loaded struct {
	once sync.Once
	api  *driverAPI
	err  error
}

// driver loads and initializes the driver once per process.
func driver() (*driverAPI, error) {
	loaded.once.Do(func() {
		api, err := loadDriver(libName)
		if err == nil {
			err = api.check("cuInit", api.cuInit(0))
		}
		if err != nil {
			loaded.err = err
			return
		}
		loaded.api = api
	})
	return loaded.api, loaded.err
}
