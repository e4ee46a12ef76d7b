package ptx

import (
	"fmt"
	"math"
)

// Memory is the interpreter's global memory: a set of buffers of 32-bit
// words. A Ptr carries its buffer in the high bits, so an access outside
// every buffer, or one that runs off the end of its own, is caught.
//
// A Memory may live as long as a simulated device: buffers are released
// with Free, and a freed buffer's slot is never reused, so a stale Ptr
// faults ("freed buffer") instead of reaching a newer buffer. Memory has
// no locks: one goroutine at a time may use it (allocate, free, read,
// write or run a kernel on it).
type Memory struct {
	bufs [][]uint32 // a freed buffer's slot is nil; an empty one is not
	live int
}

// Ptr is a global address in a Memory.
type Ptr uint64

const ptrShift = 40

// maxBufs is how many buffers a Memory can ever hand out: the index must
// fit above ptrShift.
const maxBufs = 1<<(64-ptrShift) - 1

// Alloc returns a zeroed buffer of n words.
func (m *Memory) Alloc(n int) Ptr {
	if len(m.bufs) >= maxBufs {
		panic(fmt.Sprintf("ptx: Memory has handed out all of its %d buffers", maxBufs))
	}
	m.bufs = append(m.bufs, make([]uint32, n))
	m.live++
	return Ptr(uint64(len(m.bufs)) << ptrShift)
}

// AllocF32 returns a buffer holding a copy of v.
func (m *Memory) AllocF32(v []float32) Ptr {
	p := m.Alloc(len(v))
	m.WriteF32(p, v)
	return p
}

// Free releases p's buffer; a later access through p (or any address in
// the buffer) is an error, a second Free a panic.
func (m *Memory) Free(p Ptr) {
	i := m.index(p)
	m.bufs[i] = nil
	m.live--
}

// Live is the number of buffers allocated and not yet freed.
func (m *Memory) Live() int { return m.live }

// Len is the number of words in p's buffer.
func (m *Memory) Len(p Ptr) int { return len(m.buf(p)) }

// index is p's buffer slot; it panics unless p is the start of a live
// buffer.
func (m *Memory) index(p Ptr) int {
	i := int(uint64(p)>>ptrShift) - 1
	if i < 0 || i >= len(m.bufs) || uint64(p)&(1<<ptrShift-1) != 0 {
		panic(fmt.Sprintf("ptx: %#x is not the start of a buffer", uint64(p)))
	}
	if m.bufs[i] == nil {
		panic(fmt.Sprintf("ptx: %#x is a freed buffer", uint64(p)))
	}
	return i
}

func (m *Memory) buf(p Ptr) []uint32 { return m.bufs[m.index(p)] }

// WriteF32 copies v to the start of p's buffer; v may be shorter than the
// buffer (a prefix), not longer.
func (m *Memory) WriteF32(p Ptr, v []float32) {
	b := m.buf(p)
	if len(v) > len(b) {
		panic(fmt.Sprintf("ptx: WriteF32 of %d words into a buffer of %d", len(v), len(b)))
	}
	for i, x := range v {
		b[i] = math.Float32bits(x)
	}
}

// ReadF32 copies the whole of p's buffer out.
func (m *Memory) ReadF32(p Ptr) []float32 {
	out := make([]float32, m.Len(p))
	m.ReadF32Into(out, p)
	return out
}

// ReadF32Into copies the first len(dst) words of p's buffer into dst,
// which must not be longer than the buffer.
func (m *Memory) ReadF32Into(dst []float32, p Ptr) {
	b := m.buf(p)
	if len(dst) > len(b) {
		panic(fmt.Sprintf("ptx: ReadF32Into of %d words from a buffer of %d", len(dst), len(b)))
	}
	for i := range dst {
		dst[i] = math.Float32frombits(b[i])
	}
}

// word returns the buffer slot at a byte address, or an error.
func (m *Memory) word(addr uint64) (*uint32, error) {
	i := int(addr>>ptrShift) - 1
	off := addr & (1<<ptrShift - 1)
	if i < 0 || i >= len(m.bufs) {
		return nil, fmt.Errorf("global address %#x is in no buffer", addr)
	}
	if m.bufs[i] == nil {
		return nil, fmt.Errorf("global address %#x is in freed buffer %d", addr, i)
	}
	if off%4 != 0 {
		return nil, fmt.Errorf("global address %#x is not 4-byte aligned", addr)
	}
	if off/4 >= uint64(len(m.bufs[i])) {
		return nil, fmt.Errorf("global address %#x is past the end of buffer %d (%d words)", addr, i, len(m.bufs[i]))
	}
	return &m.bufs[i][off/4], nil
}
