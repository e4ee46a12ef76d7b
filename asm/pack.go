package asm

// Packing copies a block of op(A) or op(B) into the order the micro-kernel
// reads it: a sequence of micro-panels, each a kc-long run of mr (or nr)
// values, contiguous and zero-padded at the matrix edge. The kernel then
// streams both operands with unit stride whatever the transposes and leading
// dimensions were, and edge tiles need no special kernel: the zero padding
// contributes nothing to the sums.

// transposeFunc packs one full mr-row micro-panel from a row-major matrix,
// 16 columns at a time: dst[p*mr+i] = src[i*ld+p] for i < mr, p < 16*chunks.
// Kernels may provide an assembly version; packA falls back to Go.
type transposeFunc func(dst, src []float32, ld, chunks int)

// packA packs rows i0..i0+mc-1, columns p0..p0+kc-1 of op(A) into dst.
// Micro-panel q (at dst[q*mr*kc:]) holds op(A)[i0+q*mr+i][p0+p] at p*mr+i.
// fast, if not nil, handles the bulk of full panels of untransposed A.
func packA(dst, a []float32, lda int, transA bool, i0, mc, p0, kc, mr int, fast transposeFunc) {
	for ir := 0; ir < mc; ir += mr {
		rows := min(mr, mc-ir)
		panel := dst[ir*kc : ir*kc+mr*kc]
		if transA {
			// Stored A is k×m: each step p is a contiguous run of rows.
			for p := range kc {
				copy(panel[p*mr:p*mr+rows], a[(p0+p)*lda+i0+ir:])
			}
		} else {
			// Stored A is m×k: read each row once, scatter with stride mr.
			done := 0
			if fast != nil && rows == mr && kc >= 16 {
				done = kc / 16 * 16
				fast(panel, a[(i0+ir)*lda+p0:], lda, kc/16)
			}
			for i := range rows {
				src := a[(i0+ir+i)*lda+p0:]
				src = src[done:kc]
				for p, v := range src {
					panel[(done+p)*mr+i] = v
				}
			}
		}
		zeroPad(panel, kc, rows, mr)
	}
}

// packB packs rows p0..p0+kc-1, columns j0..j0+nc-1 of op(B) into dst.
// Micro-panel q (at dst[q*nr*kc:]) holds op(B)[p0+p][j0+q*nr+j] at p*nr+j.
func packB(dst, b []float32, ldb int, transB bool, p0, kc, j0, nc, nr int) {
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		panel := dst[jr*kc : jr*kc+nr*kc]
		if transB {
			// Stored B is n×k: each column of op(B) is a contiguous row,
			// transposed 16×16 at a time.
			Transpose(panel, nr, b[(j0+jr)*ldb+p0:], ldb, cols, kc)
		} else {
			// Stored B is k×n: each step p is a contiguous run of columns.
			copySteps(panel, b[(p0)*ldb+j0+jr:], ldb, kc, cols, nr)
		}
		zeroPad(panel, kc, cols, nr)
	}
}

// zeroPad clears lanes used..width-1 of every step of a packed micro-panel.
func zeroPad(panel []float32, kc, used, width int) {
	if used == width {
		return
	}
	for p := range kc {
		clear(panel[p*width+used : p*width+width])
	}
}

// copySteps copies kc runs of cols floats, src[p*lds:] to dst[p*width:].
// Packing B is mostly this loop. Full-width runs of the common tile widths
// are copied in 16-byte pieces through array pointers, which the compiler
// turns into plain vector moves without bounds checks; copy() or larger
// array assignments would call memmove once per run.
func copySteps(dst, src []float32, lds, kc, cols, width int) {
	switch {
	case cols == 32 && width == 32:
		for p := range kc {
			d, s := (*[32]float32)(dst[p*32:]), (*[32]float32)(src[p*lds:])
			copy16(d[0:16], s[0:16])
			copy16(d[16:32], s[16:32])
		}
	case cols == 16 && width == 16:
		for p := range kc {
			copy16(dst[p*16:], src[p*lds:])
		}
	case cols == 4 && width == 4:
		for p := range kc {
			*(*[4]float32)(dst[p*4:]) = *(*[4]float32)(src[p*lds:])
		}
	default:
		for p := range kc {
			copy(dst[p*width:p*width+cols], src[p*lds:])
		}
	}
}

// copy16 copies 16 floats as four 16-byte moves.
func copy16(dst, src []float32) {
	d, s := (*[16]float32)(dst), (*[16]float32)(src)
	*(*[4]float32)(d[0:4]) = *(*[4]float32)(s[0:4])
	*(*[4]float32)(d[4:8]) = *(*[4]float32)(s[4:8])
	*(*[4]float32)(d[8:12]) = *(*[4]float32)(s[8:12])
	*(*[4]float32)(d[12:16]) = *(*[4]float32)(s[12:16])
}
