package cuda

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// Context is a device's primary context and the locked OS thread all of
// its driver calls run on (see the package doc).
type Context struct {
	api   *driverAPI
	dev   Device
	ctx   uintptr
	calls chan func()
	mu    sync.Mutex // guards closed
	close bool
	cache *Cache
}

// Open retains the primary context of the device with the given ordinal
// (the context the runtime API and other libraries share) and starts its
// thread.
func Open(ordinal int) (*Context, error) {
	d, err := driver()
	if err != nil {
		return nil, err
	}
	return open(d, ordinal)
}

func open(d *driverAPI, ordinal int) (*Context, error) {
	c := &Context{api: d, calls: make(chan func())}
	started := make(chan error)
	go c.loop(ordinal, started)
	if err := <-started; err != nil {
		return nil, err
	}
	c.cache = NewCache(deviceBacking{c})
	return c, nil
}

// loop locks its goroutine to one OS thread, finds the device and makes
// its context current there, and runs the calls sent to it until Close:
// every driver call of a context, the first included, comes from that
// thread.
func (c *Context) loop(ordinal int, started chan<- error) {
	runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
	var err error
	c.dev, err = getDevice(c.api, ordinal)
	if err != nil {
		started <- err
		return
	}
	err = c.api.check("cuDevicePrimaryCtxRetain", c.api.cuDevicePrimaryCtxRetain(&c.ctx, c.dev.h))
	if err == nil {
		if err = c.api.check("cuCtxSetCurrent", c.api.cuCtxSetCurrent(c.ctx)); err != nil {
			c.api.cuDevicePrimaryCtxRelease(c.dev.h)
		}
	}
	started <- err
	if err != nil {
		return
	}
	for f := range c.calls {
		f()
	}
}

var errClosed = errors.New("cuda: context is closed")

// do runs f on the context's thread and returns its error. f must not
// call do itself.
func (c *Context) do(f func() error) error {
	c.mu.Lock()
	if c.close {
		c.mu.Unlock()
		return errClosed
	}
	reply := make(chan error, 1)
	c.calls <- func() { reply <- f() }
	c.mu.Unlock()
	return <-reply
}

// Device is the context's device.
func (c *Context) Device() Device { return c.dev }

// Synchronize waits for all work in the context.
func (c *Context) Synchronize() error {
	return c.do(func() error { return c.api.check("cuCtxSynchronize", c.api.cuCtxSynchronize()) })
}

// Close returns cached memory to the driver, releases the primary context
// and stops the thread. Buffers still held by callers are freed with the
// context by the driver; using them afterwards is an error.
func (c *Context) Close() error {
	trimErr := c.cache.Trim()
	err := c.do(func() error {
		return c.api.check("cuDevicePrimaryCtxRelease_v2", c.api.cuDevicePrimaryCtxRelease(c.dev.h))
	})
	c.mu.Lock()
	if !c.close {
		c.close = true
		close(c.calls)
	}
	c.mu.Unlock()
	if err == nil && trimErr != nil {
		err = fmt.Errorf("cuda: closing context: %w", trimErr)
	}
	return err
}
