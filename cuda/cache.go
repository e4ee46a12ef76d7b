package cuda

import (
	"fmt"
	"math/bits"
	"sync"
)

// Backing is where a Cache gets memory from and returns it to: the driver
// in production, a fake in tests.
type Backing interface {
	Alloc(bytes int) (DevPtr, error)
	Free(p DevPtr) error
}

// Buffer is a block of device memory handed out by a Cache: Bytes were
// asked for, Class bytes are reserved.
type Buffer struct {
	Ptr   DevPtr
	Bytes int
	Class int
}

// CacheStats counts a Cache's traffic.
type CacheStats struct {
	InUse, Cached   int // bytes handed out, bytes held on free lists
	Allocs, Hits    int // Alloc calls, and those served from a free list
	BackingAllocs   int // blocks obtained from the Backing
	BackingFrees    int // blocks returned to it
	RetriesAfterOOM int // Allocs that trimmed the cache and tried again
}

// Cache is a caching allocator: a freed block goes on the free list of its
// size class and the next Alloc of that class reuses it, so a training
// step allocates from the driver only in its first iteration.
type Cache struct {
	mu    sync.Mutex
	back  Backing
	free  map[int][]DevPtr
	live  map[DevPtr]int // handed-out block -> class
	stats CacheStats
}

// NewCache returns an empty cache over back.
func NewCache(back Backing) *Cache {
	return &Cache{back: back, free: map[int][]DevPtr{}, live: map[DevPtr]int{}}
}

// minClass is the smallest block; the driver aligns to at least this.
const minClass = 512

// SizeClass is the block size that serves a request of n bytes: 512 bytes
// at least, then four classes per power of two (1, 1.25, 1.5, 1.75 times
// it), so at most a fifth of a block is waste and few classes exist.
func SizeClass(n int) int {
	if n <= minClass {
		return minClass
	}
	e := bits.Len(uint(n - 1)) // 2^e >= n > 2^(e-1)
	step := 1 << (e - 3)
	return (n + step - 1) / step * step
}

// Alloc returns a block of at least n bytes. When the backing fails and
// blocks are cached, it returns them all and tries once more.
func (c *Cache) Alloc(n int) (Buffer, error) {
	if n <= 0 {
		return Buffer{}, fmt.Errorf("cuda: allocation of %d bytes", n)
	}
	class := SizeClass(n)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.Allocs++
	if l := c.free[class]; len(l) > 0 {
		p := l[len(l)-1]
		c.free[class] = l[:len(l)-1]
		c.stats.Hits++
		c.stats.Cached -= class
		return c.handOut(p, n, class), nil
	}
	p, err := c.back.Alloc(class)
	if err != nil && c.stats.Cached > 0 {
		c.stats.RetriesAfterOOM++
		if terr := c.trimLocked(); terr != nil {
			return Buffer{}, terr
		}
		p, err = c.back.Alloc(class)
	}
	if err != nil {
		return Buffer{}, err
	}
	c.stats.BackingAllocs++
	return c.handOut(p, n, class), nil
}

func (c *Cache) handOut(p DevPtr, n, class int) Buffer {
	c.live[p] = class
	c.stats.InUse += class
	return Buffer{Ptr: p, Bytes: n, Class: class}
}

// Free puts b back on its free list. Freeing a block twice, or one this
// cache did not hand out, is an error and changes nothing.
func (c *Cache) Free(b Buffer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	class, ok := c.live[b.Ptr]
	if !ok || class != b.Class {
		return fmt.Errorf("cuda: free of %#x (%d bytes): not a live block of this cache (double free?)", uint64(b.Ptr), b.Bytes)
	}
	delete(c.live, b.Ptr)
	c.free[class] = append(c.free[class], b.Ptr)
	c.stats.InUse -= class
	c.stats.Cached += class
	return nil
}

// Trim returns every cached block to the backing.
func (c *Cache) Trim() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.trimLocked()
}

func (c *Cache) trimLocked() error {
	var first error
	for class, l := range c.free {
		for _, p := range l {
			if err := c.back.Free(p); err != nil && first == nil {
				first = err
			}
			c.stats.BackingFrees++
			c.stats.Cached -= class
		}
		delete(c.free, class)
	}
	return first
}

// Stats returns the counters so far.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}
