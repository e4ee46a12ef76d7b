package backend

import (
	"fmt"
	"sync"
	"unsafe"

	"github.com/modeldoctor/modeldoctor/cuda"
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// gpu is a machine on a CUDA device: buffers from the context's caching
// allocator, kernels JIT-compiled by the driver once each, launched on
// the default stream. Copies to and from the host are synchronous on that
// stream, so a read-back sees every launch queued before it.
type gpu struct {
	c    *cuda.Context
	mu   sync.Mutex
	fns  map[*ptx.Kernel]*cuda.Function
	bufs map[ptx.Ptr]cuda.Buffer
	n    map[ptx.Ptr]int // elements asked for (a cached buffer may be larger)
}

func newGPU(c *cuda.Context) *gpu {
	return &gpu{c: c, fns: map[*ptx.Kernel]*cuda.Function{}, bufs: map[ptx.Ptr]cuda.Buffer{}, n: map[ptx.Ptr]int{}}
}

// must turns a driver error into a panic: a failed allocation, copy or
// launch inside an op cannot be returned through tensor's op API.
func must(what string, err error) {
	if err != nil {
		panic(fmt.Sprintf("cuda/backend: %s: %v", what, err))
	}
}

func (g *gpu) Alloc(n int) ptx.Ptr {
	b, err := g.c.Alloc(4 * max(n, 1))
	must("alloc", err)
	// Buffers come back zeroed, as tensor and the interpreter promise
	// (the cache recycles freed ones).
	must("memset", g.c.Memset32(b, 0, max(n, 1)))
	p := ptx.Ptr(b.Ptr)
	g.mu.Lock()
	g.bufs[p], g.n[p] = b, n
	g.mu.Unlock()
	return p
}

func (g *gpu) buf(p ptx.Ptr) (cuda.Buffer, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	b, ok := g.bufs[p]
	if !ok {
		panic(fmt.Sprintf("cuda/backend: %#x is not the start of a live device buffer", uint64(p)))
	}
	return b, g.n[p]
}

func (g *gpu) AllocF32(v []float32) ptx.Ptr {
	p := g.Alloc(len(v))
	g.WriteF32(p, v)
	return p
}

func (g *gpu) AllocU32(v []uint32) ptx.Ptr {
	return g.AllocF32(unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(v))), len(v)))
}

func (g *gpu) Free(p ptx.Ptr) {
	b, _ := g.buf(p)
	g.mu.Lock()
	delete(g.bufs, p)
	delete(g.n, p)
	g.mu.Unlock()
	must("free", g.c.Free(b))
}

func (g *gpu) WriteF32(p ptx.Ptr, v []float32) {
	b, n := g.buf(p)
	if len(v) > n {
		panic(fmt.Sprintf("cuda/backend: write of %d values into a buffer of %d", len(v), n))
	}
	must("copy to device", g.c.CopyToDevice(b, v))
}

func (g *gpu) ReadF32(p ptx.Ptr) []float32 {
	_, n := g.buf(p)
	out := make([]float32, n)
	g.ReadF32Into(out, p)
	return out
}

func (g *gpu) ReadF32Into(dst []float32, p ptx.Ptr) {
	b, n := g.buf(p)
	if len(dst) > n {
		panic(fmt.Sprintf("cuda/backend: read of %d values from a buffer of %d", len(dst), n))
	}
	must("copy from device", g.c.CopyFromDevice(dst, b))
}

func (g *gpu) Live() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.bufs)
}

// Launch JIT-compiles k on first use and queues it; pointer arguments
// become device pointers.
func (g *gpu) Launch(k *ptx.Kernel, grid, block ptx.Dim3, args ...any) error {
	g.mu.Lock()
	f, ok := g.fns[k]
	g.mu.Unlock()
	if !ok {
		var err error
		if f, _, err = g.c.LoadKernel(k); err != nil {
			return err
		}
		g.mu.Lock()
		g.fns[k] = f
		g.mu.Unlock()
	}
	dargs := make([]any, len(args))
	for i, a := range args {
		if p, ok := a.(ptx.Ptr); ok {
			dargs[i] = cuda.DevPtr(p)
		} else {
			dargs[i] = a
		}
	}
	return f.Launch(grid, block, 0, nil, dargs...)
}

// NewGPU returns the device of the GPU with the given ordinal, named name
// (register it with tensor.RegisterDevice): the same Run, cores and
// kernels as NewSim's, on device memory, each kernel JIT-compiled by the
// driver on first launch. It fails, saying why, where cuda.Available does.
func NewGPU(name tensor.Device, ordinal int) (*Device, error) {
	if ok, why := cuda.Available(); !ok {
		return nil, fmt.Errorf("cuda/backend: no GPU: %s", why)
	}
	c, err := cuda.Open(ordinal)
	if err != nil {
		return nil, err
	}
	be, err := New()
	if err != nil {
		c.Close()
		return nil, err
	}
	return &Device{name: name, be: be, m: newGPU(c)}, nil
}
