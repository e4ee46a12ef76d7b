//go:build linux

package cuda

import (
	"math"
	"strings"
	"sync"
	"syscall"
	"unsafe"
)

// fakeDriver is a driverAPI made of Go functions: host memory stands in
// for the device, and every call records the OS thread it ran on, so tests
// can check the shim's plumbing (threads, pinned parameter blocks, JIT
// logs, error strings) without a GPU.
type fakeDriver struct {
	mu       sync.Mutex
	mem      map[uint64][]byte
	next     uint64
	threads  map[int]bool
	launches [][]uint64 // each launch's arguments, read as the driver does
	kinds    []int      // bytes to read per parameter: 4 or 8
	ptx      string
	api      *driverAPI
}

var fakeErrNames = map[cuResult][2]string{
	2:   {"CUDA_ERROR_OUT_OF_MEMORY\x00", "out of memory\x00"},
	218: {"CUDA_ERROR_INVALID_PTX\x00", "a PTX JIT compilation failed\x00"},
}

func newFakeDriver() *fakeDriver {
	f := &fakeDriver{mem: map[uint64][]byte{}, next: 1 << 32, threads: map[int]bool{}}
	ok := func() cuResult { f.seen(); return 0 }
	f.api = &driverAPI{
		cuInit:             func(uint32) cuResult { return ok() },
		cuDriverGetVersion: func(v *int32) cuResult { *v = 12040; return ok() },
		cuDeviceGetCount:   func(n *int32) cuResult { *n = 1; return ok() },
		cuDeviceGet:        func(d *int32, o int32) cuResult { *d = o; return ok() },
		cuDevicePrimaryCtxRetain: func(c *uintptr, d int32) cuResult {
			*c = 0xc0
			return ok()
		},
		cuDevicePrimaryCtxRelease: func(int32) cuResult { return ok() },
		cuCtxSetCurrent:           func(uintptr) cuResult { return ok() },
		cuCtxSynchronize:          func() cuResult { return ok() },
		cuMemAlloc: func(p *uint64, n uint64) cuResult {
			f.seen()
			if n > 1<<20 {
				return 2
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			*p = f.next
			f.mem[f.next] = make([]byte, n)
			f.next += n + 256
			return 0
		},
		cuMemFree: func(p uint64) cuResult { f.seen(); delete(f.mem, p); return 0 },
		cuMemcpyHtoD: func(dst uint64, src unsafe.Pointer, n uint64) cuResult {
			f.seen()
			copy(f.mem[dst], unsafe.Slice((*byte)(src), n))
			return 0
		},
		cuMemcpyDtoH: func(dst unsafe.Pointer, src uint64, n uint64) cuResult {
			f.seen()
			copy(unsafe.Slice((*byte)(dst), n), f.mem[src])
			return 0
		},
		cuMemsetD32: func(dst uint64, v uint32, n uint64) cuResult {
			f.seen()
			b := f.mem[dst]
			for i := uint64(0); i < n; i++ {
				*(*uint32)(unsafe.Pointer(&b[4*i])) = v
			}
			return 0
		},
		cuModuleLoadDataEx: func(m *uintptr, img unsafe.Pointer, n uint32, opts, vals unsafe.Pointer) cuResult {
			f.seen()
			f.ptx = goString((*byte)(img))
			o := unsafe.Slice((*int32)(opts), n)
			v := unsafe.Slice((*uintptr)(vals), n)
			if strings.Contains(f.ptx, "BROKEN") {
				for i := range o {
					if o[i] == jitErrorLogBuffer {
						msg := "ptxas application ptx input, line 3; error : BROKEN here\x00"
						buf := *(*unsafe.Pointer)(unsafe.Pointer(&v[i])) // the slot holds an address
						copy(unsafe.Slice((*byte)(buf), v[i+1]), msg)
						v[i+1] = uintptr(len(msg))
					}
				}
				return 218
			}
			*m = 0x30
			return 0
		},
		cuModuleUnload:      func(uintptr) cuResult { return ok() },
		cuModuleGetFunction: func(fn *uintptr, m uintptr, name *byte) cuResult { *fn = 0x40; return ok() },
		cuLaunchKernel: func(fn uintptr, gx, gy, gz, bx, by, bz, sh uint32, s uintptr, params, extra unsafe.Pointer) cuResult {
			f.seen()
			ptrs := unsafe.Slice((*unsafe.Pointer)(params), len(f.kinds))
			var args []uint64
			for i, k := range f.kinds {
				if k == 4 {
					args = append(args, uint64(*(*uint32)(ptrs[i])))
				} else {
					args = append(args, *(*uint64)(ptrs[i]))
				}
			}
			f.launches = append(f.launches, args)
			return 0
		},
		cuGetErrorName: func(r cuResult, s **byte) cuResult {
			if n, ok := fakeErrNames[r]; ok {
				*s = unsafe.StringData(n[0])
				return 0
			}
			return 1
		},
		cuGetErrorString: func(r cuResult, s **byte) cuResult {
			if n, ok := fakeErrNames[r]; ok {
				*s = unsafe.StringData(n[1])
				return 0
			}
			return 1
		},
	}
	return f
}

func (f *fakeDriver) seen() {
	f.mu.Lock()
	f.threads[syscall.Gettid()] = true
	f.mu.Unlock()
}

func f32bits(v float32) uint64 { return uint64(math.Float32bits(v)) }
