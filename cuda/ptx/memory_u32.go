package ptx

// AllocU32 returns a buffer holding a copy of v.
func (m *Memory) AllocU32(v []uint32) Ptr {
	p := m.Alloc(len(v))
	m.WriteU32(p, v)
	return p
}

// WriteU32 copies v to the start of p's buffer.
func (m *Memory) WriteU32(p Ptr, v []uint32) {
	b := m.buf(p)
	if len(v) > len(b) {
		panic("ptx: WriteU32 past the end of its buffer")
	}
	copy(b, v)
}

// ReadU32 copies the whole of p's buffer out.
func (m *Memory) ReadU32(p Ptr) []uint32 { return append([]uint32(nil), m.buf(p)...) }
