package ptx

import (
	"fmt"
	"math"
)

// Memory is the interpreter's global memory: a set of buffers of 32-bit
// words. A Ptr carries its buffer in the high bits, so an access outside
// every buffer, or one that runs off the end of its own, is caught.
type Memory struct {
	bufs [][]uint32
}

// Ptr is a global address in a Memory.
type Ptr uint64

const ptrShift = 40

// Alloc returns a zeroed buffer of n words.
func (m *Memory) Alloc(n int) Ptr {
	m.bufs = append(m.bufs, make([]uint32, n))
	return Ptr(uint64(len(m.bufs)) << ptrShift)
}

// AllocF32 returns a buffer holding a copy of v.
func (m *Memory) AllocF32(v []float32) Ptr {
	p := m.Alloc(len(v))
	m.WriteF32(p, v)
	return p
}

func (m *Memory) buf(p Ptr) []uint32 {
	i := int(uint64(p)>>ptrShift) - 1
	if i < 0 || i >= len(m.bufs) || uint64(p)&(1<<ptrShift-1) != 0 {
		panic(fmt.Sprintf("ptx: %#x is not the start of a buffer", uint64(p)))
	}
	return m.bufs[i]
}

// WriteF32 copies v to the start of p's buffer.
func (m *Memory) WriteF32(p Ptr, v []float32) {
	b := m.buf(p)
	for i, x := range v {
		b[i] = math.Float32bits(x)
	}
}

// ReadF32 copies the whole of p's buffer out.
func (m *Memory) ReadF32(p Ptr) []float32 {
	b := m.buf(p)
	out := make([]float32, len(b))
	for i, x := range b {
		out[i] = math.Float32frombits(x)
	}
	return out
}

// word returns the buffer slot at a byte address, or an error.
func (m *Memory) word(addr uint64) (*uint32, error) {
	i := int(addr>>ptrShift) - 1
	off := addr & (1<<ptrShift - 1)
	if i < 0 || i >= len(m.bufs) {
		return nil, fmt.Errorf("global address %#x is in no buffer", addr)
	}
	if off%4 != 0 {
		return nil, fmt.Errorf("global address %#x is not 4-byte aligned", addr)
	}
	if off/4 >= uint64(len(m.bufs[i])) {
		return nil, fmt.Errorf("global address %#x is past the end of buffer %d (%d words)", addr, i, len(m.bufs[i]))
	}
	return &m.bufs[i][off/4], nil
}
