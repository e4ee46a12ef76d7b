// Package devicetest provides Fake, a tensor.DeviceBackend whose "device
// memory" is Go slices of its own: every value crosses Upload and
// Download as on a real device, and no op has a kernel unless a test
// gives it one, so each op runs through tensor's counted host fallback.
// It lets packages above tensor (autograd, nn, optim, train, doctor) test
// their device paths — what stays on the device, what is copied — on any
// machine; Register, HostLoopsUnfused and RequireSameBits are the helpers
// those tests share.
package devicetest

import (
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// Fake is a device in host memory. Kernels maps an op name (tensor.Op's
// Name) to a function computing it on the fake's memory; ops without one
// report false to tensor, which falls back.
type Fake struct {
	name    tensor.Device
	mu      sync.Mutex
	bufs    map[tensor.DeviceBuffer][]float32
	next    tensor.DeviceBuffer
	frees   int
	Kernels map[string]func(f *Fake, op tensor.Op, in, out []*tensor.Tensor)
}

// New returns a fake device with the given name, registered with tensor.
func New(name tensor.Device) *Fake {
	f := &Fake{name: name, bufs: map[tensor.DeviceBuffer][]float32{}, Kernels: map[string]func(*Fake, tensor.Op, []*tensor.Tensor, []*tensor.Tensor){}}
	tensor.RegisterDevice(f)
	return f
}

// Register returns a fake device with the given name, registered with
// tensor until the test ends.
func Register(t testing.TB, name tensor.Device) *Fake {
	t.Helper()
	f := New(name)
	t.Cleanup(func() { tensor.UnregisterDevice(name) })
	return f
}

// HostLoopsUnfused reports whether the compiler keeps a·b + c in the host
// loops (the optimizers', batch norm's running statistics) as two
// roundings, as the device paths' separate tensor ops compute it: on
// amd64 below v3, which has no fused multiply-add. Elsewhere the compiler
// may fuse them into one multiply-add, and the two paths may differ in the
// last bit.
func HostLoopsUnfused() bool {
	if runtime.GOARCH != "amd64" {
		return false
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GOAMD64" {
				return s.Value == "v1" || s.Value == "v2"
			}
		}
	}
	return true
}

// RequireSameBits fails the test unless got, copied to the host if it is
// on a device, has want's shape and bits.
func RequireSameBits(t testing.TB, what string, got, want *tensor.Tensor) {
	t.Helper()
	if !slices.Equal(got.Shape(), want.Shape()) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape(), want.Shape())
	}
	g, w := got.To(tensor.Host).Data(), want.Data()
	for i := range w {
		if math.Float32bits(g[i]) != math.Float32bits(w[i]) {
			t.Fatalf("%s[%d] = %v (%#08x), want %v (%#08x)", what, i, g[i], math.Float32bits(g[i]), w[i], math.Float32bits(w[i]))
		}
	}
}

// Device implements tensor.DeviceBackend.
func (f *Fake) Device() tensor.Device { return f.name }

// Alloc implements tensor.DeviceBackend.
func (f *Fake) Alloc(n int) tensor.DeviceBuffer {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	f.bufs[f.next] = make([]float32, n)
	return f.next
}

// Free implements tensor.DeviceBackend.
func (f *Fake) Free(b tensor.DeviceBuffer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.bufs[b]; !ok {
		panic(fmt.Sprintf("devicetest: %s frees buffer %d twice", f.name, b))
	}
	delete(f.bufs, b)
	f.frees++
}

// Upload implements tensor.DeviceBackend.
func (f *Fake) Upload(dst tensor.DeviceBuffer, src []float32) { copy(f.Mem(dst), src) }

// Download implements tensor.DeviceBackend.
func (f *Fake) Download(dst []float32, src tensor.DeviceBuffer) { copy(dst, f.Mem(src)) }

// Run implements tensor.DeviceBackend with the kernels a test installed.
func (f *Fake) Run(op tensor.Op, in, out []*tensor.Tensor) bool {
	k, ok := f.Kernels[op.Name]
	if !ok {
		return false
	}
	k(f, op, in, out)
	return true
}

// Mem returns a buffer's storage, for kernels.
func (f *Fake) Mem(b tensor.DeviceBuffer) []float32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.bufs[b]
	if !ok {
		panic(fmt.Sprintf("devicetest: %s has no buffer %d (freed?)", f.name, b))
	}
	return m
}

// Live is the number of buffers allocated and not freed; Frees the number
// freed.
func (f *Fake) Live() int  { f.mu.Lock(); defer f.mu.Unlock(); return len(f.bufs) }
func (f *Fake) Frees() int { f.mu.Lock(); defer f.mu.Unlock(); return f.frees }

// Host views device tensor t's storage as a host tensor (no copy, not
// counted): for a kernel computing on the fake's memory.
func (f *Fake) Host(t *tensor.Tensor) *tensor.Tensor {
	return tensor.New(f.Mem(t.Buffer()), t.Shape()...)
}
