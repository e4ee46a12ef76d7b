package tensor

import (
	"runtime"

	"github.com/modeldoctor/modeldoctor/asm"
)

// The SIMD backend's convolutions. Every face is a GEMM on the asm
// kernels, with the im2col matrix gathered into the packing buffers from a
// span table (simd_plan.go: pieced for unpadded convolutions, stepped for
// column stride 2) rather than stored:
//
//	forward       out_g  = W_g · col_g            per image (or folded chunk)
//	input grad    stride 1: the forward convolution of gy with the kernel
//	              flipped and its channel axes swapped (a transposed
//	              convolution is a convolution); otherwise, or when that
//	              convolution would be mostly padding, Wᵀ·gy over folded
//	              images, then col2im a kernel row at a time
//	weight grad   gw_gᵀ = col_g · gy_gᵀ (or gw_g = gy_g · col_gᵀ when that
//	              fills the tiles better), summed over image chunks
//
// Depthwise convolutions (groups == channels) skip GEMM altogether
// (depthwise.go), and so do unpadded stride-1 convolutions with few
// outputs (simd_direct.go). Geometries whose im2col rows are not spans of
// at most four pieces (column strides > 2, tiny output rows) fall back to
// an explicit im2col buffer per image.
//
// Parallelism never splits a sum: image chunks go to workers whole, each
// GEMM splits only its output, and the weight gradient's batch sum is cut
// into a fixed number of parts, each summed by one worker and added in a
// fixed order. Results are therefore bitwise the same for any GOMAXPROCS.

// scratch returns n floats of pooled, uninitialised storage and the func
// that hands it back: the kernels' temporaries come from the tensors' free
// lists, so a training step reuses them instead of faulting in fresh pages
// for every call (make's would be garbage after each).
func scratch(n int) ([]float32, func()) {
	t := newTensor([]int{n})
	return t.data, func() { Release(t) }
}

// pointwise reports whether the convolution is a plain 1×1 one, whose
// im2col matrix is the input plane itself.
func (d convDims) pointwise() bool {
	return d.kh == 1 && d.kw == 1 && d.p.StrideH == 1 && d.p.StrideW == 1 && d.p.PadH == 0 && d.p.PadW == 0
}

// depthwise reports whether every group has one input channel.
func (d convDims) depthwise() bool { return d.cg == 1 && d.g > 1 }

// workSplit decides how to use the cores for a loop over n independent
// items: with at least as many items as workers, whole items per worker
// and single-threaded GEMMs; otherwise items in turn and threaded GEMMs.
func workSplit(n int) (perItem bool, gemmThreads int) {
	w := runtime.GOMAXPROCS(0)
	if n >= w {
		return true, 1
	}
	return false, w
}

func forItems(n, cost int, perItem bool, body func(lo, hi int)) {
	if perItem {
		parallelFor(n, cost, body)
	} else {
		body(0, n)
	}
}

// Conv2D implements Backend.
func (SIMD) Conv2D(x, w *Tensor, p ConvParams, out *Tensor) {
	d := newConvDims(x.shape, w.shape, out.shape, p)
	if d.depthwise() {
		depthwiseForward(d, x.data, w.data, out.data)
		return
	}
	if d.singlePixel() {
		// out[n][o] = Σ_c x[n][c]·w[o][c]: one GEMM over the batch.
		asm.Sgemm(false, true, d.n, d.o, d.c, 1, x.data, d.c, w.data, d.c, 0, out.data, d.o)
		return
	}
	if directWorthIt(d) {
		directForward(d, x.data, w.data, out.data)
		return
	}
	convForward(d, x.data, w.data, out.data)
}

// singlePixel reports whether the convolution is a plain 1×1 one on 1×1
// planes (EfficientNet's and MnasNet's last stages at 32×32 inputs): its
// faces are single matrix products over the batch, where the folded
// per-image GEMMs would pad each image's one position to 16 columns.
func (d convDims) singlePixel() bool {
	return d.pointwise() && d.g == 1 && d.h*d.w == 1
}

// convForward computes out = conv(x, w) for the geometry d.
func convForward(d convDims, x, w, out []float32) {
	if winogradWorthIt(d) {
		winogradForward(d, x, w, out)
		return
	}
	kk, hw := d.cg*d.kh*d.kw, d.ho*d.wo
	// A 1×1 convolution's im2col matrix is the input planes themselves, but
	// they too are packed through spans: the gather prefetches the columns
	// of the next micro-panel, which a plain copy leaves to the hardware.
	pl := newPiecedConvPlan(d)
	if !pl.ok {
		convForwardIm2col(d, x, w, out)
		return
	}
	chunks := pl.chunks()
	tabs := map[int]asm.SpanTable{}
	for c := range chunks {
		if _, m := pl.chunk(c); tabs[m].Rows() == 0 {
			tabs[m] = pl.im2col(m)
		}
	}
	perChunk, threads := workSplit(chunks)
	forItems(chunks, pl.nb*d.o*kk*hw, perChunk, func(lo, hi int) {
		if threads == 1 {
			// The range's chunks share one packing of the weights per
			// batch; a short last chunk is a batch of its own.
			for c0 := lo; c0 < hi; c0 += forwardBatch {
				c1 := min(hi, c0+forwardBatch)
				full := c1
				if _, m := pl.chunk(c1 - 1); m < pl.nb {
					full--
				}
				forwardChunks(d, pl, tabs, x, w, out, c0, full)
				forwardChunks(d, pl, tabs, x, w, out, full, c1)
			}
			return
		}
		var tmp []float32
		if pl.nb > 1 {
			var done func()
			tmp, done = scratch(d.og * pl.cols(pl.nb))
			defer done()
		}
		for c := lo; c < hi; c++ {
			i0, m := pl.chunk(c)
			cols := pl.cols(m)
			for g := range d.g {
				src := spanRows{src: x[(i0*d.c+g*d.cg)*d.h*d.w:], tab: tabs[m]}
				if pl.nb == 1 {
					asm.SgemmSourceB(threads, false, d.og, cols, kk, 1, w[g*d.og*kk:], kk, src, 0, out[(i0*d.o+g*d.og)*hw:], hw)
					continue
				}
				asm.SgemmSourceB(threads, false, d.og, cols, kk, 1, w[g*d.og*kk:], kk, src, 0, tmp, cols)
				unfoldChunk(d, pl, out, tmp, cols, i0, m, g)
			}
		}
	})
}

// forwardBatch bounds the chunks whose products share one packing of the
// weights (their folded outputs wait in one scratch buffer).
const forwardBatch = 8

// forwardChunks runs chunks lo..hi-1, all of the same size, on one thread
// as one batch of products per group (asm.SgemmSourceBBatch: the weights
// are packed once per K slice for all of them, and each output gets the
// bits of a product of its own).
func forwardChunks(d convDims, pl *convPlan, tabs map[int]asm.SpanTable, x, w, out []float32, lo, hi int) {
	if lo >= hi {
		return
	}
	kk, hw := d.cg*d.kh*d.kw, d.ho*d.wo
	_, m := pl.chunk(lo)
	cols, ldc := pl.cols(m), hw
	var tmp []float32
	if pl.nb > 1 {
		var done func()
		tmp, done = scratch((hi - lo) * d.og * cols)
		defer done()
		ldc = cols
	}
	srcs, dsts := make([]asm.BSource, hi-lo), make([][]float32, hi-lo)
	for g := range d.g {
		for c := lo; c < hi; c++ {
			i0, _ := pl.chunk(c)
			srcs[c-lo] = spanRows{src: x[(i0*d.c+g*d.cg)*d.h*d.w:], tab: tabs[m]}
			if pl.nb == 1 {
				dsts[c-lo] = out[(i0*d.o+g*d.og)*hw:]
			} else {
				dsts[c-lo] = tmp[(c-lo)*d.og*cols:]
			}
		}
		asm.SgemmSourceBBatch(false, d.og, cols, kk, 1, w[g*d.og*kk:], kk, srcs, 0, dsts, ldc)
		if pl.nb > 1 {
			for c := lo; c < hi; c++ {
				i0, _ := pl.chunk(c)
				unfoldChunk(d, pl, out, dsts[c-lo], cols, i0, m, g)
			}
		}
	}
}

// unfoldChunk copies group g of a folded chunk's output (m images side by
// side, rows cols apart) to its images' planes, from image i0 on.
func unfoldChunk(d convDims, pl *convPlan, out, folded []float32, cols, i0, m, g int) {
	hw := d.ho * d.wo
	for b := range m {
		for o := range d.og {
			copy(out[((i0+b)*d.o+g*d.og+o)*hw:][:hw], folded[o*cols+pl.imageCol(b):])
		}
	}
}

// convForwardIm2col is the fallback forward: an explicit im2col buffer per
// image, then one GEMM per group. The buffer too is packed through spans
// (one full span per 16 columns), for the gather's prefetching.
func convForwardIm2col(d convDims, x, w, out []float32) {
	kk, hw := d.cg*d.kh*d.kw, d.ho*d.wo
	tab := storedSpans(kk, hw)
	perImage, threads := workSplit(d.n)
	forItems(d.n, d.o*kk*hw, perImage, func(lo, hi int) {
		col, done := scratch(kk * hw)
		defer done()
		for i := lo; i < hi; i++ {
			xi := x[i*d.c*d.h*d.w:]
			for g := range d.g {
				d.im2col(xi, g, col)
				asm.SgemmSourceB(threads, false, d.og, hw, kk, 1, w[g*d.og*kk:], kk, spanRows{src: col, tab: tab}, 0, out[(i*d.o+g*d.og)*hw:], hw)
			}
		}
	})
}

// storedSpans is the span table of a stored rows×cols matrix.
func storedSpans(rows, cols int) asm.SpanTable {
	segs := (cols + 15) / 16
	tab := make([]asm.Span16, segs)
	for s := range tab {
		tab[s] = asm.Span16{Off: int32(16 * s), Mask: 1<<min(16, cols-16*s) - 1}
	}
	return asm.NewSpanTable(tab, segs, 1, cols, rows)
}

// Conv2DInputGrad implements Backend.
func (SIMD) Conv2DInputGrad(gy, w *Tensor, p ConvParams, gx *Tensor) {
	d := newConvDims(gx.shape, w.shape, gy.shape, p)
	if d.depthwise() {
		depthwiseInputGrad(d, gy.data, w.data, gx.data)
		return
	}
	if d.singlePixel() {
		// gx[n][c] = Σ_o gy[n][o]·w[o][c]
		asm.Sgemm(false, false, d.n, d.c, d.o, 1, gy.data, d.o, w.data, d.c, 0, gx.data, d.c)
		return
	}
	// The transposed convolution visits every input position for every
	// tap, col2im only the positions some output reads: for an unpadded
	// convolution on a small plane (LeNet's 14×14 → 10×10) that is half.
	if t, ok := d.transposed(); ok && 4*d.h*d.w <= 5*d.ho*d.wo {
		wt := flipKernel(d, w.data)
		convForward(t, gy.data, wt.data, gx.data)
		Release(wt)
		return
	}
	convInputGradCol2im(d, gy.data, w.data, gx.data)
}

// transposed returns, for a stride-1 convolution, the geometry of the
// convolution that computes its input gradient: input gy (o channels,
// ho×wo), kernel flipped with channels swapped, padding dil·(k−1) − pad.
func (d convDims) transposed() (convDims, bool) {
	p := d.p
	ph, pw := p.DilationH*(d.kh-1)-p.PadH, p.DilationW*(d.kw-1)-p.PadW
	if p.StrideH != 1 || p.StrideW != 1 || ph < 0 || pw < 0 {
		return convDims{}, false
	}
	q := ConvParams{StrideH: 1, StrideW: 1, PadH: ph, PadW: pw, DilationH: p.DilationH, DilationW: p.DilationW, Groups: p.Groups}
	return convDims{n: d.n, c: d.o, h: d.ho, w: d.wo, o: d.c, kh: d.kh, kw: d.kw, ho: d.h, wo: d.w,
		g: d.g, cg: d.og, og: d.cg, p: q}, true
}

// flipKernel returns the kernel of the transposed convolution,
// wt[g·cg+c][o][taps−1−t] = w[g·og+o][c][t], in pooled storage the caller
// releases. It is a transpose of taps-long vectors, done in bands of 16
// output channels: the band's rows of w are read in order (16 streams), and
// each input channel's slice of the band is written as one contiguous run.
// Without the bands, rows of w a power-of-two-ish stride apart fall into
// the same few cache sets. 1×1 kernels are a plain transpose.
func flipKernel(d convDims, w []float32) *Tensor {
	taps := d.kh * d.kw
	row := d.cg * taps // one output channel of w
	wt := newTensor([]int{len(w)})
	for g := range d.g {
		wg := w[g*d.og*row : (g+1)*d.og*row]
		tg := wt.data[g*d.og*row : (g+1)*d.og*row]
		if taps == 1 {
			asm.Transpose(tg, d.og, wg, d.cg, d.og, d.cg)
			continue
		}
		for o0 := 0; o0 < d.og; o0 += 16 {
			o1 := min(o0+16, d.og)
			for c := range d.cg {
				dst := tg[(c*d.og+o0)*taps : (c*d.og+o1)*taps]
				if taps == 9 {
					for o := o0; o < o1; o++ {
						src := (*[9]float32)(wg[o*row+c*9:])
						out := (*[9]float32)(dst[(o-o0)*9:])
						out[0], out[1], out[2], out[3], out[4] = src[8], src[7], src[6], src[5], src[4]
						out[5], out[6], out[7], out[8] = src[3], src[2], src[1], src[0]
					}
					continue
				}
				for o := o0; o < o1; o++ {
					src := wg[o*row+c*taps : o*row+c*taps+taps]
					out := dst[(o-o0)*taps : (o-o0)*taps+taps]
					for t, v := range src {
						out[taps-1-t] = v
					}
				}
			}
		}
	}
	return wt
}

// convInputGradCol2im is the input gradient for strided and small
// unpadded convolutions: col = Wᵀ·gy, then col2im. Several images share
// one GEMM (their gy side by side, each padded to whole 16-column
// segments), so the packed Wᵀ is reused across them; the chunk is sized so
// that its col matrix stays in L2 between the GEMM that writes it and the
// col2im that reads it.
func convInputGradCol2im(d convDims, gy, w, gx []float32) {
	kk, hw := d.cg*d.kh*d.kw, d.ho*d.wo
	segs := (hw + 15) / 16
	m := max(1, min(d.n, col2imBytes/(4*kk*16*segs)))
	chunks := (d.n + m - 1) / m
	// Wᵀ once, so that the GEMMs pack A from a plain row-major matrix.
	wT, done := scratch(len(w))
	defer done()
	for g := range d.g {
		asm.Transpose(wT[g*d.og*kk:], d.og, w[g*d.og*kk:], kk, d.og, kk)
	}
	tabs := map[int]asm.SpanTable{}
	for c := range chunks {
		if n := min(m, d.n-c*m); tabs[n].Rows() == 0 {
			tabs[n] = gyColumns(d, n)
		}
	}
	clear(gx) // col2im adds into it
	perChunk, threads := workSplit(chunks)
	forItems(chunks, m*d.o*kk*hw, perChunk, func(lo, hi int) {
		col, done := scratch(kk * m * 16 * segs)
		defer done()
		for c := lo; c < hi; c++ {
			i0, n := c*m, min(m, d.n-c*m)
			cols := n * 16 * segs
			for g := range d.g {
				src := spanRows{src: gy[(i0*d.o+g*d.og)*hw:], tab: tabs[n]}
				asm.SgemmSourceB(threads, false, kk, cols, d.og, 1, wT[g*d.og*kk:], d.og, src, 0, col, cols)
				for b := range n {
					d.col2imSIMD(col[b*16*segs:], cols, g, gx[(i0+b)*d.c*d.h*d.w:])
				}
			}
		}
	})
}

// col2imBytes bounds the col matrix of one input-gradient chunk.
const col2imBytes = 1 << 20

// gyColumns is the span table of the output gradient of n images side by
// side: og rows (one per output channel of a group), each image's hw
// positions padded to whole segments.
func gyColumns(d convDims, n int) asm.SpanTable {
	hw := d.ho * d.wo
	segs := (hw + 15) / 16
	tab := make([]asm.Span16, n*segs)
	for b := range n {
		for s := range segs {
			tab[b*segs+s] = asm.Span16{Off: int32(b*d.o*hw + 16*s), Mask: 1<<min(16, hw-16*s) - 1}
		}
	}
	return asm.NewSpanTable(tab, n*segs, 1, hw, d.og)
}

// col2imSIMD adds one image's patch matrix (rows ldc apart) back into
// group g of its input gradient. For column strides 1 and 2, each input
// row takes the contributions of a whole kernel row in one pass
// (asm.Col2imRows, asm.Col2imRowsStep2): one load and store per row
// instead of one per tap, each of which would wait for the previous tap's
// store to the same row at another alignment.
func (d convDims) col2imSIMD(col []float32, ldc, g int, x []float32) {
	taps := d.kh * d.kw
	sh, sw := d.p.StrideH, d.p.StrideW
	if sw > 2 || !asm.FastGathers() {
		d.col2im(col, ldc, g, x)
		return
	}
	// Tap kj of a kernel row reads patch row kj (ldc apart) into input
	// columns sw·ox + kj·dw − pw.
	shifts, rows := make([]int, d.kw), make([]int, d.kw)
	for kj := range d.kw {
		shifts[kj], rows[kj] = kj*d.p.DilationW-d.p.PadW, kj*ldc
	}
	offs, masks := scatterTaps(d.w, d.wo, sw, shifts, rows)
	for ci := range d.cg {
		plane := x[(g*d.cg+ci)*d.h*d.w:]
		for ki := range d.kh {
			// Output rows oy0..oy1 land on input rows sh·oy + dy.
			dy := ki*d.p.DilationH - d.p.PadH
			oy0 := max(0, ceilDivInt(-dy, sh))
			oy1 := min(d.ho, floorDiv(d.h-1-dy, sh)+1)
			if oy0 >= oy1 {
				continue
			}
			dst := plane[(sh*oy0+dy)*d.w:]
			row := col[(ci*taps+ki*d.kw)*ldc+oy0*d.wo:]
			if sw == 1 {
				asm.Col2imRows(dst, sh*d.w, row, d.wo, offs, masks, oy1-oy0, d.w)
			} else {
				asm.Col2imRowsStep2(dst, sh*d.w, row, d.wo, offs, masks, oy1-oy0, d.w)
			}
		}
	}
}

// ceilDivInt divides rounding toward +∞.
func ceilDivInt(a, b int) int { return -floorDiv(-a, b) }

// scatterTaps returns the source offsets and column masks with which
// asm.Col2imRows (sw = 1) or Col2imRowsStep2 (sw = 2) add outputs ox < wo
// into the input columns ix = sw·ox + shifts[t] inside a w-wide row, tap t
// reading its outputs from a row rows[t] floats into the source.
func scatterTaps(w, wo, sw int, shifts, rows []int) (offs []int, masks []uint16) {
	chunks := (w + 15) / 16
	offs, masks = make([]int, len(shifts)), make([]uint16, len(shifts)*chunks)
	for t, off := range shifts {
		// Column ix reads ox = ix − off (stride 1) or floor(ix/2) plus
		// this offset (stride 2; the mask keeps ix of the right parity).
		offs[t] = rows[t] - off
		if sw == 2 {
			offs[t] = rows[t] - floorDiv(off, 2)
		}
		for ox := range wo {
			if ix := sw*ox + off; ix >= 0 && ix < w {
				masks[t*chunks+ix/16] |= 1 << (ix % 16)
			}
		}
	}
	return offs, masks
}

// Conv2DWeightGrad implements Backend: per group, gwᵀ = Σ col·gyᵀ over
// image chunks in order, each chunk one GEMM parallel over its output.
// The transposed orientation makes M the long im2col axis (cg·kh·kw) and N
// the output channels, which fill the kernel's tiles better than the other
// way round, unless there are few output channels (LeNet's 6): then
// gw = Σ gy·colᵀ directly (wideTiles).
func (SIMD) Conv2DWeightGrad(x, gy *Tensor, p ConvParams, gw *Tensor) {
	d := newConvDims(x.shape, gw.shape, gy.shape, p)
	if d.depthwise() {
		depthwiseWeightGrad(d, x.data, gy.data, gw.data)
		return
	}
	if d.singlePixel() {
		// gw[o][c] = Σ_n gy[n][o]·x[n][c]
		asm.Sgemm(true, false, d.o, d.c, d.n, 1, gy.data, d.o, x.data, d.c, 0, gw.data, d.c)
		return
	}
	if directWorthIt(d) {
		directWeightGrad(d, x.data, gy.data, gw.data)
		return
	}
	convWeightGrad(d, x.data, gy.data, gw.data)
}

// wideTiles reports whether an m×n product fills the micro-kernel's tiles
// better as its transpose (n×m). A short last row tile costs about its
// rows (the edge kernel stops after them), a narrow last column tile the
// full tile width.
func wideTiles(m, n int) bool {
	mr, nr := asm.Tile()
	fill := func(m, n int) float64 {
		rowCost := m + 2*((m+mr-1)/mr) // rows, plus a little per row tile
		return float64(m*n) / float64(rowCost*((n+nr-1)/nr*nr))
	}
	return fill(n, m) > 1.25*fill(m, n)
}

func convWeightGrad(d convDims, x, gy, gw []float32) {
	kk, hw := d.cg*d.kh*d.kw, d.ho*d.wo
	pl := newPiecedConvPlan(d)
	if !pl.ok || (d.pointwise() && pl.nb == 1) {
		convWeightGradDirect(d, x, gy, gw)
		return
	}
	direct := wideTiles(kk, d.og) // gw = Σ gy·colᵀ rather than gwᵀ = Σ col·gyᵀ
	var gwT []float32
	if !direct {
		var done func()
		gwT, done = scratch(kk * d.og)
		defer done()
	}
	for g := range d.g {
		out := gwT
		if direct {
			out = gw[g*d.og*kk : (g+1)*d.og*kk]
		}
		sumParts(pl.chunks(), pl.nb*d.og*kk*hw, out, func(dst []float32, c0, c1, threads int) {
			for c := c0; c < c1; c++ {
				i0, m := pl.chunk(c)
				col := spanCols{src: x[(i0*d.c+g*d.cg)*d.h*d.w:], tab: pl.im2col(m)}
				var gyT asm.BSource = asm.MatrixSource{Data: gy[(i0*d.o+g*d.og)*hw:], LD: hw, Trans: true}
				if pl.nb > 1 {
					gyT = spanCols{src: gy[(i0*d.o+g*d.og)*hw:], tab: pl.outputs(m)}
				}
				beta := float32(1)
				if c == c0 {
					beta = 0
				}
				if direct {
					asm.SgemmSources(threads, d.og, kk, pl.cols(m), 1, gyT, col, beta, dst, kk)
				} else {
					asm.SgemmSources(threads, kk, d.og, pl.cols(m), 1, col, gyT, beta, dst, d.og)
				}
			}
		})
		if !direct {
			asm.Transpose(gw[g*d.og*kk:], kk, gwT, d.og, kk, d.og)
		}
	}
}

// weightGradParts is the number of partial sums a weight gradient's sum
// over the batch is cut into. The parts run in parallel, each on one
// worker, and are added in a fixed order: the result depends on neither
// the number of workers nor their timing, and two cores share the work of
// every layer instead of splitting each small GEMM's output.
const weightGradParts = 4

// sumParts computes out = Σ over items of a product in weightGradParts
// parts: acc(dst, lo, hi, threads) writes the sum over items lo..hi into
// dst (overwriting it) using GEMMs on threads workers; cost is the work
// per item.
func sumParts(items, cost int, out []float32, acc func(dst []float32, lo, hi, threads int)) {
	parts := min(items, weightGradParts)
	bufs := make([][]float32, parts)
	bufs[0] = out
	for p := 1; p < parts; p++ {
		var done func()
		bufs[p], done = scratch(len(out))
		defer done()
	}
	perPart, threads := workSplit(parts)
	forItems(parts, cost*items/parts, perPart, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			acc(bufs[p], p*items/parts, (p+1)*items/parts, threads)
		}
	})
	for p := 1; p < parts; p++ {
		asm.Add2D(out, len(out), bufs[p], len(out), 1, len(out))
	}
}

// convWeightGradDirect is the weight gradient from stored im2col matrices:
// the input planes themselves for 1×1 convolutions, an explicit im2col
// buffer otherwise.
func convWeightGradDirect(d convDims, x, gy, gw []float32) {
	kk, hw := d.cg*d.kh*d.kw, d.ho*d.wo
	gwT, done := scratch(kk * d.og)
	defer done()
	for g := range d.g {
		sumParts(d.n, d.og*kk*hw, gwT, func(dst []float32, lo, hi, threads int) {
			var col []float32
			if !d.pointwise() {
				var done func()
				col, done = scratch(kk * hw)
				defer done()
			}
			for i := lo; i < hi; i++ {
				xi := x[i*d.c*d.h*d.w:]
				a := xi[g*d.cg*hw:]
				if col != nil {
					d.im2col(xi, g, col)
					a = col
				}
				beta := float32(1)
				if i == lo {
					beta = 0
				}
				asm.SgemmThreads(threads, false, true, kk, d.og, hw, 1, a, hw, gy[(i*d.o+g*d.og)*hw:], hw, beta, dst, d.og)
			}
		})
		asm.Transpose(gw[g*d.og*kk:], kk, gwT, d.og, kk, d.og)
	}
}
