package asm

import "fmt"

// Gathers: building packed panels from data that is not a stored matrix.
//
// A convolution's im2col matrix is a gather from the input: each row (an
// input channel and kernel tap) is the input plane shifted by the tap, with
// zeros where the kernel overhangs the padding. Cut into runs of 16 output
// positions, almost every piece of a row is 16 consecutive input values, of
// which some lanes at the border are zero. A Span16 describes one such
// piece; a table of spans describes the whole matrix, and the functions
// below copy (GatherRows) or transpose (GatherCols) spans straight into the
// packing buffers of SgemmSourceB and SgemmSources. Lanes that are masked
// off are never read, so a span may start before or end after its source.

// Span16 names the 16 floats src[Off:Off+16] of a gather source, of which
// only the lanes whose bit is set in Mask (bit l for src[Off+l]) are read;
// the others read as zero.
//
// A table may give each 16-lane segment several spans ("pieces") with
// disjoint masks, whose lanes are merged: that is how a segment of output
// positions that wraps from one output row to the next reads two (or
// more) runs of the input, as in an unpadded ("valid") convolution whose
// output rows are narrower than its input rows.
type Span16 struct {
	Off  int32
	Mask uint32
}

// SpanTable is a validated table of spans read as a matrix: taps rows of
// stride spans (16·stride columns), repeated for reps channels, where repeat
// c reads every span moved by c·plane. Row r = c·taps + t of the matrix is
// span row t shifted by c·plane. This is a convolution's im2col matrix: its
// rows for different input channels differ only in which plane they read,
// so the table needs one row per kernel tap and stays in L1.
type SpanTable struct {
	s                         []Span16
	stride, taps, plane, reps int
	pieces                    int // spans per segment
	step                      int // lane l reads element Off + step·l; Mask bits are elements
	need                      int
}

// NewSpanTable validates s (taps·stride spans; masks within 16 bits, no
// lane read before index 0) and records the length a source must have. It
// panics on a bad table.
func NewSpanTable(s []Span16, stride, taps, plane, reps int) SpanTable {
	return NewPiecedSpanTable(s, 1, stride, taps, plane, reps)
}

// NewPiecedSpanTable is NewSpanTable for segments of several pieces: s
// holds taps·stride·pieces spans, the pieces of segment h of span row t at
// s[(t·stride+h)·pieces:][:pieces], with pairwise disjoint masks (unused
// pieces have mask 0). Segment lanes read the one piece that has them.
func NewPiecedSpanTable(s []Span16, pieces, stride, taps, plane, reps int) SpanTable {
	return NewSteppedSpanTable(s, 1, pieces, stride, taps, plane, reps)
}

// NewSteppedSpanTable is NewPiecedSpanTable for spans whose lanes read
// every step-th element: lane l of a span reads src[Off+step·l] (step 1 or
// 2). A stride-2 convolution's im2col rows are such spans.
func NewSteppedSpanTable(s []Span16, step, pieces, stride, taps, plane, reps int) SpanTable {
	if step < 1 || step > 2 || pieces < 1 || stride < 1 || taps < 1 || reps < 1 || plane < 0 || len(s) != stride*taps*pieces {
		panic(fmt.Sprintf("asm.NewSpanTable: %d spans for step %d, %d pieces, stride %d, taps %d, plane %d, reps %d", len(s), step, pieces, stride, taps, plane, reps))
	}
	for seg := 0; seg < len(s); seg += pieces {
		var seen uint32
		for i, sp := range s[seg : seg+pieces] {
			if seen&sp.Mask != 0 {
				panic(fmt.Sprintf("asm.NewSpanTable: span %d overlaps another piece of its segment", seg+i))
			}
			seen |= sp.Mask
		}
	}
	need := 0
	for i, sp := range s {
		if sp.Mask == 0 {
			continue
		}
		if sp.Mask > 0xffff {
			panic(fmt.Sprintf("asm.NewSpanTable: span %d mask %#x wider than 16 lanes", i, sp.Mask))
		}
		lo, hi := step*lowBit(sp.Mask), step*highBit(sp.Mask)
		if int(sp.Off)+lo < 0 {
			panic(fmt.Sprintf("asm.NewSpanTable: span %d reads index %d", i, int(sp.Off)+lo))
		}
		need = max(need, int(sp.Off)+hi+1+(reps-1)*plane)
	}
	// A spare empty span at the end lets the assembly read "the next span"
	// of any row without a bounds test (to prefetch what it reads).
	s = append(s[:len(s):len(s)], Span16{})
	if step == 2 {
		// Stored as element masks: bit 2l for lane l, the masks of the
		// two 16-element loads the assembly makes.
		for i := range s {
			s[i].Mask = spreadBits(s[i].Mask)
		}
	}
	return SpanTable{s: s, stride: stride, taps: taps, plane: plane, reps: reps, pieces: pieces, step: step, need: need}
}

// spreadBits moves bit l of m to bit 2l.
func spreadBits(m uint32) uint32 {
	var r uint32
	for l := range 16 {
		r |= (m >> l & 1) << (2 * l)
	}
	return r
}

// Rows returns the number of matrix rows, taps·reps.
func (t SpanTable) Rows() int { return t.taps * t.reps }

// Cols returns the number of matrix columns, 16·stride.
func (t SpanTable) Cols() int { return 16 * t.stride }

// Need returns the length a source must have.
func (t SpanTable) Need() int { return t.need }

// Pieces returns the number of spans per segment.
func (t SpanTable) Pieces() int { return t.pieces }

// value returns element (r, j) of the matrix over src.
func (t SpanTable) value(src []float32, r, j int) float32 {
	return t.lane(src, r/t.taps*t.plane, (r%t.taps*t.stride+j/16)*t.pieces, j%16)
}

// lane returns lane l of the segment whose pieces start at t.s[seg], read
// from src moved by shift.
func (t SpanTable) lane(src []float32, shift, seg, l int) float32 {
	for _, sp := range t.s[seg : seg+t.pieces] {
		if sp.Mask&(1<<(t.step*l)) != 0 {
			return src[int(sp.Off)+shift+t.step*l]
		}
	}
	return 0
}

func lowBit(m uint32) int {
	n := 0
	for m&1 == 0 {
		m >>= 1
		n++
	}
	return n
}

func highBit(m uint32) int {
	n := -1
	for m != 0 {
		m >>= 1
		n++
	}
	return n
}

// GatherRows writes the rows×width block of the matrix at (r0, j0), row
// major: dst[p*width+j] = M[r0+p][j0+j]. It is the B-panel packer of a
// convolution. Whole 16-column spans (j0 and width multiples of 16) take
// the assembly path; ragged blocks are gathered element by element.
func GatherRows(dst []float32, src []float32, t SpanTable, r0, rows, j0, width int) {
	if rows <= 0 || width <= 0 {
		return
	}
	checkGather("GatherRows", len(src), t, r0, rows, j0, width)
	if len(dst) < rows*width {
		panic(fmt.Sprintf("asm.GatherRows: len(dst) = %d, want >= %d", len(dst), rows*width))
	}
	ops := active.Load().ops
	if !ops.avx512 && ops.avx2 && j0%16 == 0 && width%16 == 0 {
		if t.pieces > 1 || t.step > 1 {
			gatherPiecesA2(dst, rows, width/16, src, t, r0, j0/16)
			return
		}
		gatherRowsA2(dst, rows, width/16, src, t, r0, j0/16)
		return
	}
	if ops.avx512 && j0%16 == 0 && width%16 == 0 {
		if t.pieces > 1 || t.step > 1 {
			gatherPiecesA512(dst, rows, width/16, src, t, r0, j0/16)
			return
		}
		gatherRowsA512(dst, rows, width/16, src, t, r0, j0/16)
		return
	}
	gatherRowsGo(dst, src, t, r0, rows, j0, width)
}

// GatherCols writes the transpose of the rows×steps block of the matrix at
// (r0, j0), for rows <= 16: dst[p*ldd+i] = M[r0+i][j0+p]. It is the
// A-panel packer of a convolution's weight gradient, whose reduction runs
// along the output positions.
func GatherCols(dst []float32, ldd int, src []float32, t SpanTable, r0, rows, j0, steps int) {
	if rows <= 0 || steps <= 0 {
		return
	}
	if rows > 16 || ldd < rows {
		panic(fmt.Sprintf("asm.GatherCols: rows %d, ldd %d", rows, ldd))
	}
	checkGather("GatherCols", len(src), t, r0, rows, j0, steps)
	if len(dst) < (steps-1)*ldd+rows {
		panic(fmt.Sprintf("asm.GatherCols: len(dst) = %d, want >= %d", len(dst), (steps-1)*ldd+rows))
	}
	ops := active.Load().ops
	if !ops.avx512 && ops.avx2 && j0%16 == 0 {
		if t.pieces > 1 || t.step > 1 {
			gatherColsViaRows(dst, ldd, src, t, r0, rows, j0, steps)
			return
		}
		gatherColsA2(dst, ldd, src, t, r0, rows, j0, steps)
		return
	}
	if !ops.avx512 || j0%16 != 0 {
		gatherColsGo(dst, ldd, src, t, r0, rows, j0, steps)
		return
	}
	if t.pieces > 1 || t.step > 1 {
		gatherColsViaRows(dst, ldd, src, t, r0, rows, j0, steps)
		return
	}
	full := steps / 16
	if full > 0 {
		gatherColsA512(dst, ldd, rows, full, src, t, r0, j0/16)
	}
	if tail := steps - 16*full; tail > 0 {
		var tmp [256]float32
		gatherColsA512(tmp[:], 16, rows, 1, src, t, r0, j0/16+full)
		for p := range tail {
			copy(dst[(16*full+p)*ldd:(16*full+p)*ldd+rows], tmp[p*16:])
		}
	}
}

func checkGather(name string, srcLen int, t SpanTable, r0, rows, j0, cols int) {
	if srcLen < t.need {
		panic(fmt.Sprintf("asm.%s: source has %d floats, spans read up to %d", name, srcLen, t.need))
	}
	if r0 < 0 || r0+rows > t.Rows() || j0 < 0 || j0+cols > t.Cols() {
		panic(fmt.Sprintf("asm.%s: block %d×%d at (%d, %d) outside a %d×%d span matrix", name, rows, cols, r0, j0, t.Rows(), t.Cols()))
	}
}

// FastGathers reports whether the gathers, shifted sums, col2im and
// pooling helpers run as assembly (AVX-512 or AVX2) with the
// implementation in use. Without it they are plain Go loops, and callers
// that can do the same work another way (an explicit im2col for a pieced
// or stepped table) should.
func FastGathers() bool {
	ops := active.Load().ops
	return ops.avx512 || ops.avx2
}

func gatherRowsGo(dst []float32, src []float32, t SpanTable, r0, rows, j0, width int) {
	if t.pieces == 1 && t.step == 1 {
		gatherSpansGo(dst, src, t, r0, rows, j0, width)
		return
	}
	for p := range rows {
		r := r0 + p
		shift := r / t.taps * t.plane
		row := r % t.taps * t.stride
		d := dst[p*width : p*width+width]
		for j := range d {
			c := j0 + j
			d[j] = t.lane(src, shift, (row+c/16)*t.pieces, c%16)
		}
	}
}

// gatherSpansGo is gatherRowsGo for one span per segment, lane l at Off+l.
func gatherSpansGo(dst []float32, src []float32, t SpanTable, r0, rows, j0, width int) {
	for p := range rows {
		r := r0 + p
		shift := r / t.taps * t.plane
		spans := t.s[r%t.taps*t.stride:]
		d := dst[p*width : p*width+width]
		for j := range d {
			c := j0 + j
			sp := spans[c/16]
			if sp.Mask&(1<<(c%16)) == 0 {
				d[j] = 0
			} else {
				d[j] = src[int(sp.Off)+shift+c%16]
			}
		}
	}
}

// gatherColsViaRows is GatherCols for pieced tables (j0 a multiple of
// 16): the block is gathered row-major 256 steps at a time, then
// transposed.
func gatherColsViaRows(dst []float32, ldd int, src []float32, t SpanTable, r0, rows, j0, steps int) {
	const chunk = 256
	var tmp [16 * chunk]float32
	for p0 := 0; p0 < steps; p0 += chunk {
		n := min(chunk, steps-p0)
		w := (n + 15) / 16 * 16
		GatherRows(tmp[:rows*w], src, t, r0, rows, j0+p0, w)
		Transpose(dst[p0*ldd:], ldd, tmp[:], w, rows, n)
	}
}

func gatherColsGo(dst []float32, ldd int, src []float32, t SpanTable, r0, rows, j0, steps int) {
	if t.pieces == 1 && t.step == 1 {
		for i := range rows {
			r := r0 + i
			shift := r / t.taps * t.plane
			spans := t.s[r%t.taps*t.stride:]
			for p := range steps {
				c := j0 + p
				sp := spans[c/16]
				v := float32(0)
				if sp.Mask&(1<<(c%16)) != 0 {
					v = src[int(sp.Off)+shift+c%16]
				}
				dst[p*ldd+i] = v
			}
		}
		return
	}
	for i := range rows {
		for p := range steps {
			dst[p*ldd+i] = t.value(src, r0+i, j0+p)
		}
	}
}

// Transpose writes dst[p*ldd+i] = src[i*lds+p] for i < rows and p < cols:
// the transposed packing of a stored matrix (B packed from a transposed
// operand, or A from a transposed one viewed the other way).
func Transpose(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if ldd < rows || lds < cols || len(src) < (rows-1)*lds+cols || len(dst) < (cols-1)*ldd+rows {
		panic(fmt.Sprintf("asm.Transpose: %dx%d with lds %d, ldd %d, len(src) %d, len(dst) %d", rows, cols, lds, ldd, len(src), len(dst)))
	}
	ops := active.Load().ops
	if !ops.avx512 && ops.avx2 {
		transposeA2(dst, ldd, src, lds, rows, cols)
		return
	}
	if !ops.avx512 {
		transposeGo(dst, ldd, src, lds, rows, cols)
		return
	}
	full := cols / 16 * 16
	for i0 := 0; i0 < rows; i0 += 16 {
		r := min(16, rows-i0)
		if full > 0 {
			transposeA512(dst[i0:], ldd, src[i0*lds:], lds, r, full/16)
		}
		if full < cols {
			transposeGo(dst[full*ldd+i0:], ldd, src[i0*lds+full:], lds, r, cols-full)
		}
	}
}

func transposeGo(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	for i := range rows {
		s := src[i*lds : i*lds+cols]
		for p, v := range s {
			dst[p*ldd+i] = v
		}
	}
}
