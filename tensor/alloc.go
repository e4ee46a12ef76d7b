package tensor

import (
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The allocator: tensors draw their storage from size-class free lists,
// and a caller that knows a tensor is dead hands its storage back with
// Release, so that a training loop reuses the same buffers step after step
// instead of asking the garbage collector for fresh (zeroed, and after a
// scavenge page-faulted) memory. Nothing is ever released implicitly: a
// tensor nobody releases is collected by the GC as before.
//
// Safety rests on three rules.
//   - Only storage the allocator handed out can go back (a tensor made by
//     New wraps its caller's slice and is never recycled).
//   - Storage whose raw slice left the package (Data) is never recycled:
//     whoever holds the slice may read it at any time.
//   - Release empties the tensor (its data becomes nil), so a stray use
//     after release panics instead of seeing another tensor's values.
//
// Views made by Reshape share their source's storage header, so the rules
// hold for them too; recycling the storage of any one of them recycles it
// for all, which is why package autograd releases a storage only when every
// value it knows that shares it is dead.

const (
	// poolMinLen is the smallest buffer (in elements) the free lists keep;
	// smaller ones are cheap for the GC and not worth a lock.
	poolMinLen = 1 << 10
	// classesPerOctave splits each octave (2^(e-1), 2^e] into size
	// classes, so a buffer is at most a quarter larger than asked for.
	classesPerOctave = 4
	maxClasses       = 65*classesPerOctave + 1
)

// mem is the header of one allocation, shared by the tensor that owns the
// storage and by its views.
type mem struct {
	seq      uint64      // allocation stamp (see AllocMark)
	pooled   bool        // the storage may go back to the free lists
	escaped  atomic.Bool // the raw slice was handed out: never recycle
	released atomic.Bool // already handed back
}

// tensorAlloc puts a tensor and its header in one allocation.
type tensorAlloc struct {
	t Tensor
	m mem
}

var (
	allocClock atomic.Uint64

	pool struct {
		sync.Mutex
		free  [maxClasses][][]float32
		bytes int64 // held in the free lists
		limit int64
		stats PoolStats
	}
)

func init() { pool.limit = defaultPoolLimit() }

// defaultPoolLimit is half the machine's memory (at least 1 GiB, and 1
// GiB where the size is unknown): a training step of a large network at
// batch 32 (Inception-v3: ~4 GiB) must be able to keep all its buffers,
// or every step faults in gigabytes of fresh pages, as a cap of 1 GiB
// did (2 s of system time per Inception-v3 step). The free lists only
// ever hold what the program once used.
func defaultPoolLimit() int64 {
	return max(1<<30, physicalMemory()/2)
}

// PoolStats counts the allocator's traffic since the program started.
type PoolStats struct {
	Hits, Misses, Released, Dropped uint64
	// HeldBytes is what the free lists hold now.
	HeldBytes int64
}

// Stats returns the allocator's counters.
func Stats() PoolStats {
	pool.Lock()
	defer pool.Unlock()
	s := pool.stats
	s.HeldBytes = pool.bytes
	return s
}

// SetPoolLimit caps the bytes the free lists may hold (half the machine's
// memory by default; 0 disables reuse) and returns the previous cap. Buffers released beyond
// the cap are left to the garbage collector.
func SetPoolLimit(bytes int64) int64 {
	pool.Lock()
	defer pool.Unlock()
	old := pool.limit
	pool.limit = bytes
	for c := range pool.free {
		for pool.bytes > bytes && len(pool.free[c]) > 0 {
			l := pool.free[c]
			pool.bytes -= int64(cap(l[len(l)-1])) * 4
			l[len(l)-1] = nil
			pool.free[c] = l[:len(l)-1]
		}
	}
	return old
}

// TrimPool empties the free lists, leaving their buffers to the garbage
// collector, and keeps the cap. Call it between the stages of a program
// whose tensors change shape (training, then diagnosis, then fine-tuning
// with a second-order graph): buffers kept for a finished stage's shapes
// would otherwise stay live, and the collector sizes the heap by what is
// live.
func TrimPool() { SetPoolLimit(SetPoolLimit(0)) }

// sizeClass returns the class of a buffer of n elements and the capacity
// every buffer of that class has.
func sizeClass(n int) (int, int) {
	// n in (2^(e-1), 2^e]: that octave is split into classesPerOctave
	// steps of 2^(e-1)/classesPerOctave; k in [1, classesPerOctave] is the
	// step n rounds up to.
	e := bits.Len(uint(n - 1))
	if e < 3 {
		return 0, 4
	}
	step := (1 << (e - 1)) / classesPerOctave
	k := (n - (1 << (e - 1)) + step - 1) / step
	return e*classesPerOctave + k, (1 << (e - 1)) + k*step
}

// getBuf returns a buffer of n elements with unspecified contents, whether
// it belongs to a size class (and may go back to the free lists), and
// whether it came from them.
func getBuf(n int) (buf []float32, pooled, hit bool) {
	if n < poolMinLen {
		return make([]float32, n), false, false
	}
	c, size := sizeClass(n)
	pool.Lock()
	if l := pool.free[c]; len(l) > 0 {
		b := l[len(l)-1]
		l[len(l)-1] = nil
		pool.free[c] = l[:len(l)-1]
		pool.bytes -= int64(cap(b)) * 4
		pool.stats.Hits++
		pool.Unlock()
		return b[:n], true, true
	}
	pool.stats.Misses++
	pool.Unlock()
	return make([]float32, n, size), true, false
}

// putBuf hands a buffer back to its class.
func putBuf(b []float32) {
	b = b[:cap(b)]
	c, size := sizeClass(len(b))
	if size != len(b) {
		return // not one of ours
	}
	pool.Lock()
	if pool.bytes+int64(len(b))*4 > pool.limit {
		pool.stats.Dropped++
		pool.Unlock()
		return
	}
	pool.free[c] = append(pool.free[c], b)
	pool.bytes += int64(len(b)) * 4
	pool.stats.Released++
	pool.Unlock()
}

// newTensor returns a tensor of the given shape whose contents are
// unspecified (callers overwrite every element). The shape is copied.
func newTensor(shape []int) *Tensor {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic("tensor: negative dimension in shape " + shapeString(shape))
		}
		n *= d
	}
	t, _ := allocTensor(shape, n)
	return t
}

func allocTensor(shape []int, n int) (*Tensor, bool) {
	data, pooled, hit := getBuf(n)
	a := &tensorAlloc{}
	a.t = Tensor{shape: cloneInts(shape), data: data, mem: &a.m}
	a.m.seq = allocClock.Add(1)
	a.m.pooled = pooled
	return &a.t, hit
}

// newZeros is newTensor with every element zero.
func newZeros(shape []int) *Tensor {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic("tensor: negative dimension in shape " + shapeString(shape))
		}
		n *= d
	}
	t, hit := allocTensor(shape, n)
	if hit {
		clear(t.data) // a recycled buffer holds old values; a fresh one is zero already
	}
	return t
}

// newTensorLike returns an uninitialised tensor of x's shape.
func newTensorLike(x *Tensor) *Tensor { return newTensor(x.shape) }

// AllocMark returns the allocator's clock: tensors allocated after the call
// report AllocatedSince(mark) true. Package autograd uses it to recycle
// only gradients that a backward pass itself produced.
func AllocMark() uint64 { return allocClock.Load() }

// AllocatedSince reports whether t's storage was allocated after mark.
func (t *Tensor) AllocatedSince(mark uint64) bool {
	if t.dev != nil {
		return t.dev.seq > mark
	}
	return t.mem != nil && t.mem.seq > mark
}

// StorageID identifies t's storage: a tensor and the views of it made by
// Reshape share one ID. It is meant as a map key while the tensors are
// alive.
func (t *Tensor) StorageID() uintptr {
	if t.dev != nil {
		return uintptr(unsafe.Pointer(t.dev))
	}
	if t.mem != nil {
		return uintptr(unsafe.Pointer(t.mem))
	}
	return uintptr(unsafe.Pointer(unsafe.SliceData(t.data)))
}

// Release declares t dead: the caller promises that neither t, nor a view
// of it, nor a slice of its data, is used again. t is emptied (a later use
// panics) and its storage goes back to the free lists for reuse, unless it
// did not come from them or its raw slice was handed out by Data. Releasing
// one of several tensors that share storage recycles it for all of them;
// releasing the others afterwards only empties them. It reports whether
// the storage was recycled.
func Release(t *Tensor) bool {
	if t != nil && t.dev != nil {
		if t.dev.pinned.Load() || !t.dev.released.CompareAndSwap(false, true) {
			return false
		}
		t.dev.be.Free(t.dev.buf)
		return true
	}
	if t == nil || t.data == nil {
		return false
	}
	m := t.mem
	data := t.data
	t.data = nil
	if m == nil || !m.pooled || m.escaped.Load() || !m.released.CompareAndSwap(false, true) {
		return false
	}
	putBuf(data)
	return true
}

// Pin marks t's storage (shared with its views) as never to be recycled,
// as if its slice had been handed out.
func (t *Tensor) Pin() {
	if t.dev != nil {
		t.dev.pinned.Store(true)
		return
	}
	if m := t.mem; m != nil && !m.escaped.Load() {
		m.escaped.Store(true)
	}
}

// Released reports whether t was emptied by Release.
func (t *Tensor) Released() bool {
	if t.dev != nil {
		return t.dev.released.Load()
	}
	return t.data == nil && t.mem != nil && t.mem.released.Load()
}

// Recyclable reports whether Release would hand t's storage back (for
// tests and diagnostics).
func (t *Tensor) Recyclable() bool {
	if t.dev != nil {
		return !t.dev.released.Load() && !t.dev.pinned.Load()
	}
	return t.data != nil && t.mem != nil && t.mem.pooled && !t.mem.escaped.Load() && !t.mem.released.Load()
}

func shapeString(s []int) string { return fmt.Sprint(s) }
