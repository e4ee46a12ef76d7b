package asm

// BSource produces a k×n matrix B on demand, so that B never has to exist in
// memory as a whole. The motivating case is convolution: B is the im2col
// matrix of the input, and generating it block by block straight into the
// packing buffers avoids writing and re-reading a matrix that is
// kernel-size times larger than the input.
type BSource interface {
	// Block writes rows k0..k0+kc-1, columns j0..j0+nc-1 of B into dst,
	// row-major with row stride nc (len(dst) == kc*nc). Every element of
	// dst must be written.
	//
	// The driver calls Block once per packed micro-panel, with nc at most
	// the kernel's tile width (≤ 64), so dst is the packing buffer itself
	// and no copy is made. Block is called concurrently from several
	// goroutines, for disjoint or overlapping blocks, so it must not
	// mutate shared state. The same block may be requested more than once.
	Block(dst []float32, k0, kc, j0, nc int)
}

// MatrixSource is a BSource backed by a stored matrix: op(B) where B is row-major
// with row stride LD, transposed when Trans is set. It is the reference
// BSource (SgemmSourceB with a MatrixSource computes exactly what Sgemm computes)
// and an example to copy.
type MatrixSource struct {
	Data  []float32
	LD    int
	Trans bool
}

// Block implements BSource.
func (m MatrixSource) Block(dst []float32, k0, kc, j0, nc int) {
	if m.Trans {
		Transpose(dst, nc, m.Data[j0*m.LD+k0:], m.LD, nc, kc)
		return
	}
	for p := range kc {
		copy(dst[p*nc:p*nc+nc], m.Data[(k0+p)*m.LD+j0:])
	}
}

// packSource packs rows p0..p0+kc-1, columns j0..j0+nc-1 of the virtual B
// into dst, in the same layout as packB. Full micro-panels are produced in
// place; the last, narrower one goes through scratch (≥ kc*nr) so that it
// can be zero-padded.
func packSource(dst []float32, src BSource, scratch []float32, p0, kc, j0, nc, nr int) {
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		panel := dst[jr*kc : jr*kc+nr*kc]
		if cols == nr {
			src.Block(panel, p0, kc, j0+jr, nr)
			continue
		}
		tmp := scratch[:kc*cols]
		src.Block(tmp, p0, kc, j0+jr, cols)
		for p := range kc {
			copy(panel[p*nr:p*nr+cols], tmp[p*cols:])
		}
		zeroPad(panel, kc, cols, nr)
	}
}
