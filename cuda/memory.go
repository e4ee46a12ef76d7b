package cuda

import (
	"fmt"
	"unsafe"
)

// DevPtr is a device address (CUdeviceptr).
type DevPtr uint64

// deviceBacking allocates straight from the driver, for the Cache.
type deviceBacking struct{ c *Context }

func (b deviceBacking) Alloc(n int) (DevPtr, error) {
	var p uint64
	err := b.c.do(func() error {
		return b.c.api.check(fmt.Sprintf("cuMemAlloc_v2(%d bytes)", n), b.c.api.cuMemAlloc(&p, uint64(n)))
	})
	return DevPtr(p), err
}

func (b deviceBacking) Free(p DevPtr) error {
	return b.c.do(func() error { return b.c.api.check("cuMemFree_v2", b.c.api.cuMemFree(uint64(p))) })
}

// Alloc returns device memory for at least n bytes from the context's
// cache. Hand it back with Free; nothing frees it behind your back.
func (c *Context) Alloc(n int) (Buffer, error) { return c.cache.Alloc(n) }

// Free returns b to the context's cache.
func (c *Context) Free(b Buffer) error { return c.cache.Free(b) }

// Cache is the context's caching allocator (for Stats and Trim).
func (c *Context) Cache() *Cache { return c.cache }

// CopyToDevice copies src to the start of dst. It is synchronous.
func (c *Context) CopyToDevice(dst Buffer, src []float32) error {
	n := 4 * len(src)
	if n > dst.Bytes {
		return fmt.Errorf("cuda: copy of %d bytes into a %d-byte buffer", n, dst.Bytes)
	}
	if n == 0 {
		return nil
	}
	return c.do(func() error {
		return c.api.check("cuMemcpyHtoD_v2", c.api.cuMemcpyHtoD(uint64(dst.Ptr), unsafe.Pointer(&src[0]), uint64(n)))
	})
}

// CopyFromDevice fills dst from the start of src. It is synchronous (and
// waits for work queued before it on the default stream).
func (c *Context) CopyFromDevice(dst []float32, src Buffer) error {
	n := 4 * len(dst)
	if n > src.Bytes {
		return fmt.Errorf("cuda: copy of %d bytes out of a %d-byte buffer", n, src.Bytes)
	}
	if n == 0 {
		return nil
	}
	return c.do(func() error {
		return c.api.check("cuMemcpyDtoH_v2", c.api.cuMemcpyDtoH(unsafe.Pointer(&dst[0]), uint64(src.Ptr), uint64(n)))
	})
}

// CopyDevice copies n bytes between device buffers.
func (c *Context) CopyDevice(dst, src Buffer, n int) error {
	if n > dst.Bytes || n > src.Bytes {
		return fmt.Errorf("cuda: device copy of %d bytes between buffers of %d and %d", n, src.Bytes, dst.Bytes)
	}
	return c.do(func() error {
		return c.api.check("cuMemcpyDtoD_v2", c.api.cuMemcpyDtoD(uint64(dst.Ptr), uint64(src.Ptr), uint64(n)))
	})
}

// Memset32 sets the first n 32-bit words of dst to v (math.Float32bits
// for a float).
func (c *Context) Memset32(dst Buffer, v uint32, n int) error {
	if 4*n > dst.Bytes {
		return fmt.Errorf("cuda: memset of %d words in a %d-byte buffer", n, dst.Bytes)
	}
	return c.do(func() error {
		return c.api.check("cuMemsetD32_v2", c.api.cuMemsetD32(uint64(dst.Ptr), v, uint64(n)))
	})
}
