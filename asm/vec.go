package asm

import (
	"fmt"
	"math"
	"unsafe"
)

// Vector kernels for the memory-bound ops of a training step: activations
// and their masks, per-channel affine maps, batch-norm sums, column sums,
// 2×2 max pooling and SGD updates. Each exported function checks its
// bounds, then runs the AVX-512 or AVX2 assembly (vec_*_amd64.s) of the
// active implementation, or the pure-Go twin below it, which defines the
// result: the assembly gives the same bits (NaN payloads aside, where an
// arithmetic op meets two NaNs). MaxPool2x2 has no AVX2 version; the
// avx2 implementation runs its twin.
//
// Products and sums are rounded one operation at a time (the twins convert
// explicitly, so no compiler fuses a multiply-add), which is what the
// assembly does. The float64 sums accumulate in 16 lanes, lane j taking
// the elements at positions ≡ j (mod 16) of each run in run order, and
// FoldLanes folds the lanes in a fixed tree: the result depends only on
// the runs, never on how a caller splits work between goroutines.
//
// Every assembly call covers at most about vecChunk elements (64 KiB of
// float32s), so that a goroutine running one is not held off the scheduler
// for long; the wrappers loop over larger inputs.

const vecChunk = 1 << 14

// Which assembly the active implementation uses for these kernels.
const (
	vecGo = iota
	vecAVX2
	vecAVX512
)

func vecLevel() int {
	k := active.Load()
	switch {
	case k.ops.avx512:
		return vecAVX512
	case k.name == "avx2":
		return vecAVX2
	}
	return vecGo
}

// vecBody is how many leading elements of an n-element flat call the
// assembly takes (a multiple of 16); the twin does the rest.
func vecBody(lvl, n int) int {
	if lvl == vecGo {
		return 0
	}
	return n &^ 15
}

// u32s views float32 storage as its bit patterns.
func u32s(x []float32) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

func checkLen(name string, have, want int) {
	if have < want {
		panic(fmt.Sprintf("asm.%s: slice of %d elements, want at least %d", name, have, want))
	}
}

// Relu writes src into dst with every value whose sign bit is set
// replaced by +0 (negative zero and negative NaNs included; positive NaNs
// pass through, as torch.relu lets NaN through).
func Relu(dst, src []float32) {
	checkLen("Relu", len(dst), len(src))
	lvl := vecLevel()
	for len(src) > 0 {
		n := min(len(src), vecChunk)
		m := vecBody(lvl, n)
		if m > 0 {
			reluAsm(lvl, &dst[0], &src[0], m)
		}
		reluGo(dst[m:n], src[m:n])
		dst, src = dst[n:], src[n:]
	}
}

func reluGo(dst, src []float32) {
	d, s := u32s(dst), u32s(src)
	d = d[:len(s)]
	for i, v := range s {
		d[i] = v &^ uint32(int32(v)>>31)
	}
}

// Relu6 writes min(max(src, 0), 6) into dst by bits: values with the sign
// bit set become +0, patterns above 6's that are not NaNs become 6, and
// positive NaNs pass through (as torch.nn.functional.relu6).
func Relu6(dst, src []float32) {
	checkLen("Relu6", len(dst), len(src))
	lvl := vecLevel()
	for len(src) > 0 {
		n := min(len(src), vecChunk)
		m := vecBody(lvl, n)
		if m > 0 {
			relu6Asm(lvl, &dst[0], &src[0], m)
		}
		relu6Go(dst[m:n], src[m:n])
		dst, src = dst[n:], src[n:]
	}
}

const (
	six32 = 0x40c00000 // float32(6)
	inf32 = 0x7f800000 // +Inf
)

func relu6Go(dst, src []float32) {
	d, s := u32s(dst), u32s(src)
	d = d[:len(s)]
	for i, v := range s {
		// Without branches (the data decides them at random): clear
		// negatives by their sign, then take 6 where r ≥ 6's pattern and
		// r is not a NaN.
		r := v &^ uint32(int32(v)>>31)
		big := ^((int64(r) - six32) >> 63)     // −1 if r ≥ 6's pattern
		nan := (int64(inf32) - int64(r)) >> 63 // −1 if r is a NaN
		d[i] = r ^ (r^six32)&uint32(big&^nan)
	}
}

// BandMask writes g[i] into dst where the bit pattern b of y[i] lies in
// [1, limit], and +0 elsewhere: with limit at most +Inf's pattern, where
// y[i] is positive and at most the float whose pattern is limit (zeros,
// negative values and NaNs are outside). It is the backward mask of relu
// (limit +Inf) and relu6 (the float below 6).
func BandMask(dst, g, y []float32, limit uint32) {
	checkLen("BandMask", len(g), len(y))
	checkLen("BandMask", len(dst), len(y))
	lvl := vecLevel()
	for len(y) > 0 {
		n := min(len(y), vecChunk)
		m := vecBody(lvl, n)
		if m > 0 {
			bandMaskAsm(lvl, &dst[0], &g[0], &y[0], m, limit)
		}
		bandMaskGo(dst[m:n], g[m:n], y[m:n], limit)
		dst, g, y = dst[n:], g[n:], y[n:]
	}
}

func bandMaskGo(dst, g, y []float32, limit uint32) {
	d, gs, ys := u32s(dst), u32s(g), u32s(y)
	d, gs = d[:len(ys)], gs[:len(ys)]
	for i, b := range ys {
		// b−1 wraps below limit exactly when b is in [1, limit]; the sign
		// of the difference is the mask.
		u := int64(b - 1)
		d[i] = gs[i] & uint32((u-int64(limit))>>63)
	}
}

// AddTo adds src into dst elementwise: dst[i] += src[i].
func AddTo(dst, src []float32) {
	checkLen("AddTo", len(dst), len(src))
	lvl := vecLevel()
	for len(src) > 0 {
		n := min(len(src), vecChunk)
		m := vecBody(lvl, n)
		if m > 0 {
			addToAsm(lvl, &dst[0], &src[0], m)
		}
		addToGo(dst[m:n], src[m:n])
		dst, src = dst[n:], src[n:]
	}
}

func addToGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}

// rowsPerCall is how many rows of inner elements one assembly call takes.
func rowsPerCall(inner int) int { return max(1, vecChunk/max(inner, 1)) }

// forRowPieces calls f over assembly-sized pieces of rows×inner
// elements: groups of whole rows when a row fits in vecChunk, else pieces
// of single rows, none shorter than 16. f gets the piece's first row and
// offset, its row count and its row length.
func forRowPieces(rows, inner int, f func(r, off, nr, width int)) {
	if inner <= vecChunk {
		per := rowsPerCall(inner)
		for r := 0; r < rows; r += per {
			f(r, r*inner, min(per, rows-r), inner)
		}
		return
	}
	for r := range rows {
		for k := 0; k < inner; {
			w := min(vecChunk, inner-k)
			if rest := inner - k - w; rest < 16 {
				w += rest // no piece shorter than a vector
			}
			f(r, r*inner+k, 1, w)
			k += w
		}
	}
}

func checkRows(name string, rows, inner, c, ch int, lens ...int) {
	if rows < 0 || inner < 0 || c <= 0 || ch < 0 || ch >= c {
		panic(fmt.Sprintf("asm.%s: %d rows of %d, channel %d of %d", name, rows, inner, ch, c))
	}
	for _, l := range lens {
		checkLen(name, l, rows*inner)
	}
}

// rowTail is the tail of an inner-element row for the assembly: full
// 16-lane blocks and the lane mask of the rest (AVX-512), or full 8-lane
// blocks and the count of the rest (AVX2).
func rowTail(lvl, inner int) (full int, tail uint64) {
	if lvl == vecAVX2 {
		return inner / 8, uint64(inner % 8)
	}
	return inner / 16, 1<<(inner%16) - 1
}

// AffineRows writes dst[r·inner+k] = src[r·inner+k]·scale[ch]+shift[ch]
// for rows r of inner elements, where ch = (ch0+r) mod len(scale): a
// per-channel affine map over the rows of [N,C,H,W] data that start at
// channel ch0.
func AffineRows(dst, src []float32, rows, inner int, scale, shift []float32, ch0 int) {
	c := len(scale)
	checkRows("AffineRows", rows, inner, c, ch0, len(dst), len(src))
	checkLen("AffineRows", len(shift), c)
	if rows == 0 || inner == 0 {
		return
	}
	lvl := vecLevel()
	if lvl == vecGo {
		affineRowsGo(dst, src, rows, inner, scale, shift, ch0)
		return
	}
	forRowPieces(rows, inner, func(r, off, nr, width int) {
		full, tail := rowTail(lvl, width)
		affineRowsAsm(lvl, &dst[off], &src[off], nr, width, full, tail, &scale[0], &shift[0], (ch0+r)%c, c)
	})
}

func affineRowsGo(dst, src []float32, rows, inner int, scale, shift []float32, ch int) {
	c := len(scale)
	for r := range rows {
		a, b := scale[ch], shift[ch]
		xs := src[r*inner : (r+1)*inner]
		os := dst[r*inner : (r+1)*inner]
		os = os[:len(xs)]
		for k, v := range xs {
			os[k] = float32(v*a) + b
		}
		if ch++; ch == c {
			ch = 0
		}
	}
}

// BiasRows adds bias[ch] to the inner elements of each row r of y, ch =
// (ch0+r) mod len(bias): a layer's bias over [N,C,H,W] rows.
func BiasRows(y []float32, rows, inner int, bias []float32, ch0 int) {
	c := len(bias)
	checkRows("BiasRows", rows, inner, c, ch0, len(y))
	if rows == 0 || inner == 0 {
		return
	}
	lvl := vecLevel()
	width := 16
	if lvl == vecAVX2 {
		width = 8
	}
	switch {
	case lvl == vecGo:
		biasRowsGo(y, rows, inner, bias, ch0)
	case inner < width:
		// Rows shorter than a vector: add the bias laid out as the rows
		// see it, a pattern that repeats every c rows, with AddTo.
		pr := min(rows, c)
		pat := make([]float32, pr*inner)
		for j := range pr {
			b := bias[(ch0+j)%c]
			for k := range inner {
				pat[j*inner+k] = b
			}
		}
		for flat := y[:rows*inner]; len(flat) > 0; {
			n := min(len(flat), len(pat))
			AddTo(flat[:n], pat[:n])
			flat = flat[n:]
		}
	default:
		forRowPieces(rows, inner, func(r, off, nr, width int) {
			full, tail := rowTail(lvl, width)
			biasRowsAsm(lvl, &y[off], nr, width, full, tail, &bias[0], (ch0+r)%c, c)
		})
	}
}

func biasRowsGo(y []float32, rows, inner int, bias []float32, ch int) {
	c := len(bias)
	for r := range rows {
		b := bias[ch]
		run := y[r*inner : (r+1)*inner]
		for k := range run {
			run[k] += b
		}
		if ch++; ch == c {
			ch = 0
		}
	}
}

// BNGradParams is the number of float32s per channel in the params of
// BNGradRows.
const BNGradParams = 8

// BNGradRows is the input gradient of training-mode batch norm over rows
// of inner elements: with p = params[BNGradParams·ch:] for ch =
// (ch0+r) mod channels holding μ, σ⁻¹, k, mean(g) and mean(g·x̂),
//
//	dst = k·((g − mean(g)) − ((x − μ)·σ⁻¹)·mean(g·x̂)),
//
// each operation rounded to float32.
func BNGradRows(dst, x, g []float32, rows, inner int, params []float32, ch0 int) {
	c := len(params) / BNGradParams
	checkRows("BNGradRows", rows, inner, c, ch0, len(dst), len(x), len(g))
	if rows == 0 || inner == 0 {
		return
	}
	lvl := vecLevel()
	if lvl == vecGo {
		bnGradRowsGo(dst, x, g, rows, inner, params, ch0)
		return
	}
	forRowPieces(rows, inner, func(r, off, nr, width int) {
		full, tail := rowTail(lvl, width)
		bnGradRowsAsm(lvl, &dst[off], &x[off], &g[off], nr, width, full, tail, &params[0], (ch0+r)%c, c)
	})
}

func bnGradRowsGo(dst, x, g []float32, rows, inner int, params []float32, ch int) {
	c := len(params) / BNGradParams
	for r := range rows {
		p := params[ch*BNGradParams : ch*BNGradParams+5]
		mu, is, k, mg, mgx := p[0], p[1], p[2], p[3], p[4]
		xs := x[r*inner : (r+1)*inner]
		gs := g[r*inner : (r+1)*inner]
		os := dst[r*inner : (r+1)*inner]
		gs, os = gs[:len(xs)], os[:len(xs)]
		for i, v := range xs {
			xh := float32((v - mu) * is)
			os[i] = k * ((gs[i] - mg) - float32(xh*mgx))
		}
		if ch++; ch == c {
			ch = 0
		}
	}
}

// Lanes are 16 float64 partial sums (see the package comment above).
type Lanes = [16]float64

// FoldLanes folds 16 lanes in a fixed tree: lanes j and j+8, then
// j and j+4, j and j+2, and the last pair.
func FoldLanes(acc *Lanes) float64 {
	var s [8]float64
	for j := range 8 {
		s[j] = acc[j] + acc[j+8]
	}
	for j := range 4 {
		s[j] += s[j+4]
	}
	return (s[0] + s[2]) + (s[1] + s[3])
}

// checkRuns validates runs of n elements stride apart in a slice of
// length l.
func checkRuns(name string, l, runs, n, stride int) {
	if runs < 0 || n < 0 || stride < 0 || (runs > 1 && stride < n) {
		panic(fmt.Sprintf("asm.%s: %d runs of %d, stride %d", name, runs, n, stride))
	}
	if runs > 0 && n > 0 {
		checkLen(name, l, (runs-1)*stride+n)
	}
}

// SumLanes adds float64(x[r·stride+k]) into lane k mod 16 of acc for runs
// r < runs and k < n.
func SumLanes(acc *Lanes, x []float32, runs, n, stride int) {
	checkRuns("SumLanes", len(x), runs, n, stride)
	if runs == 0 || n == 0 {
		return
	}
	lvl := vecLevel()
	if lvl == vecGo {
		sumLanesGo(acc, x, runs, n, stride)
		return
	}
	if n <= vecChunk {
		full, tail := laneTail(lvl, n)
		per := max(1, vecChunk/n)
		for r := 0; r < runs; r += per {
			sumLanesAsm(lvl, &acc[0], &x[r*stride], min(per, runs-r), stride, full, tail)
		}
		return
	}
	for r := range runs {
		for k := 0; k < n; k += vecChunk {
			full, tail := laneTail(lvl, min(vecChunk, n-k))
			sumLanesAsm(lvl, &acc[0], &x[r*stride+k], 1, 0, full, tail)
		}
	}
}

// laneTail is the tail of an n-element run for the lane kernels: its
// whole 16-element blocks, and the rest as a lane mask (AVX-512) or a
// count (AVX2).
func laneTail(lvl, n int) (full int, tail uint64) {
	if lvl == vecAVX2 {
		return n / 16, uint64(n % 16)
	}
	return n / 16, 1<<(n%16) - 1
}

func sumLanesGo(acc *Lanes, x []float32, runs, n, stride int) {
	a := *acc // a local copy the compiler need not reload after each store
	for r := range runs {
		run := x[r*stride : r*stride+n]
		k := 0
		for ; k+16 <= len(run); k += 16 {
			q := (*[16]float32)(run[k : k+16])
			for j := range q {
				a[j] += float64(q[j])
			}
		}
		for j, v := range run[k:] {
			a[j] += float64(v)
		}
	}
	*acc = a
}

// SqDevLanes adds (float64(x[r·stride+k]) − mu)² into lane k mod 16 of
// acc for runs r < runs and k < n.
func SqDevLanes(acc *Lanes, x []float32, runs, n, stride int, mu float64) {
	checkRuns("SqDevLanes", len(x), runs, n, stride)
	if runs == 0 || n == 0 {
		return
	}
	lvl := vecLevel()
	if lvl == vecGo {
		sqDevLanesGo(acc, x, runs, n, stride, mu)
		return
	}
	if n <= vecChunk {
		full, tail := laneTail(lvl, n)
		per := max(1, vecChunk/n)
		for r := 0; r < runs; r += per {
			sqDevLanesAsm(lvl, &acc[0], &x[r*stride], min(per, runs-r), stride, full, tail, mu)
		}
		return
	}
	for r := range runs {
		for k := 0; k < n; k += vecChunk {
			full, tail := laneTail(lvl, min(vecChunk, n-k))
			sqDevLanesAsm(lvl, &acc[0], &x[r*stride+k], 1, 0, full, tail, mu)
		}
	}
}

func sqDevLanesGo(acc *Lanes, x []float32, runs, n, stride int, mu float64) {
	a := *acc
	for r := range runs {
		run := x[r*stride : r*stride+n]
		k := 0
		for ; k+16 <= len(run); k += 16 {
			q := (*[16]float32)(run[k : k+16])
			for j := range q {
				d := float64(q[j]) - mu
				a[j] += float64(d * d)
			}
		}
		for j, v := range run[k:] {
			d := float64(v) - mu
			a[j] += float64(d * d)
		}
	}
	*acc = a
}

// BNGradLanes accumulates batch norm's backward sums: for runs r < runs
// and k < n, at i = r·stride+k, lane k mod 16 of acc[:16] gets
// float64(g[i]) and the same lane of acc[16:] gets float64(g[i]) ·
// float64(x[i] − mu) (the difference rounded to float32, the product to
// float64).
func BNGradLanes(acc *[32]float64, x, g []float32, runs, n, stride int, mu float32) {
	checkRuns("BNGradLanes", len(x), runs, n, stride)
	checkRuns("BNGradLanes", len(g), runs, n, stride)
	if runs == 0 || n == 0 {
		return
	}
	lvl := vecLevel()
	if lvl == vecGo {
		bnGradLanesGo(acc, x, g, runs, n, stride, mu)
		return
	}
	if n <= vecChunk {
		full, tail := laneTail(lvl, n)
		per := max(1, vecChunk/n)
		for r := 0; r < runs; r += per {
			bnGradLanesAsm(lvl, &acc[0], &x[r*stride], &g[r*stride], min(per, runs-r), stride, full, tail, mu)
		}
		return
	}
	for r := range runs {
		for k := 0; k < n; k += vecChunk {
			full, tail := laneTail(lvl, min(vecChunk, n-k))
			bnGradLanesAsm(lvl, &acc[0], &x[r*stride+k], &g[r*stride+k], 1, 0, full, tail, mu)
		}
	}
}

func bnGradLanesGo(acc *[32]float64, x, g []float32, runs, n, stride int, mu float32) {
	a := *acc
	for r := range runs {
		xs := x[r*stride : r*stride+n]
		gs := g[r*stride : r*stride+n]
		gs = gs[:len(xs)]
		for k, v := range xs {
			j := k & 15
			gv := float64(gs[k])
			a[j] += gv
			a[16+j] += float64(gv * float64(v-mu))
		}
	}
	*acc = a
}

// ColSums adds the columns of the rows×len(acc) matrix x (row stride ldx)
// into acc in float64, each column in row order:
// acc[j] += x[0·ldx+j], then x[1·ldx+j], and so on.
func ColSums(acc []float64, x []float32, rows, ldx int) {
	cols := len(acc)
	if rows < 0 || (rows > 1 && ldx < cols) {
		panic(fmt.Sprintf("asm.ColSums: %d rows of %d, stride %d", rows, cols, ldx))
	}
	if rows == 0 || cols == 0 {
		return
	}
	checkLen("ColSums", len(x), (rows-1)*ldx+cols)
	lvl := vecLevel()
	if lvl == vecGo {
		colSumsGo(acc, x, rows, ldx)
		return
	}
	// Columns are independent: cut them in blocks, and the rows of each
	// into calls of about vecChunk elements.
	for j0 := 0; j0 < cols; j0 += vecChunk {
		cw := min(vecChunk, cols-j0)
		per := rowsPerCall(cw)
		for r := 0; r < rows; r += per {
			full, tail := laneTail(lvl, cw)
			colSumsAsm(lvl, &acc[j0], &x[r*ldx+j0], min(per, rows-r), ldx, full, tail)
		}
	}
}

func colSumsGo(acc []float64, x []float32, rows, ldx int) {
	for r := range rows {
		row := x[r*ldx : r*ldx+len(acc)]
		for j, v := range row {
			acc[j] += float64(v)
		}
	}
}

// SGD is the update of SGD without momentum: w ← w − lr·(g + wd·w).
func SGD(w, g []float32, lr, wd float32) {
	checkLen("SGD", len(g), len(w))
	lvl := vecLevel()
	for len(w) > 0 {
		n := min(len(w), vecChunk)
		m := vecBody(lvl, n)
		if m > 0 {
			sgdAsm(lvl, &w[0], &g[0], m, lr, wd)
		}
		sgdGo(w[m:n], g[m:n], lr, wd)
		w, g = w[n:], g[n:]
	}
}

func sgdGo(w, g []float32, lr, wd float32) {
	g = g[:len(w)]
	for j, v := range w {
		w[j] = v - float32(lr*float32(g[j]+float32(wd*v)))
	}
}

// SGDMomentum is the update of SGD with momentum mu and dampening 1−damp
// after the first step: b ← mu·b + damp·(g + wd·w); w ← w − lr·b.
func SGDMomentum(w, g, b []float32, lr, wd, mu, damp float32) {
	checkLen("SGDMomentum", len(g), len(w))
	checkLen("SGDMomentum", len(b), len(w))
	lvl := vecLevel()
	for len(w) > 0 {
		n := min(len(w), vecChunk)
		m := vecBody(lvl, n)
		if m > 0 {
			sgdMomentumAsm(lvl, &w[0], &g[0], &b[0], m, lr, wd, mu, damp)
		}
		sgdMomentumGo(w[m:n], g[m:n], b[m:n], lr, wd, mu, damp)
		w, g, b = w[n:], g[n:], b[n:]
	}
}

func sgdMomentumGo(w, g, b []float32, lr, wd, mu, damp float32) {
	g, b = g[:len(w)], b[:len(w)]
	for j, v := range w {
		b[j] = float32(mu*b[j]) + float32(damp*float32(g[j]+float32(wd*v)))
		w[j] = v - float32(lr*b[j])
	}
}

// MaxPool2x2 is the 2×2, stride-2, unpadded max pooling of one plane of
// width w into ho×wo outputs (2·wo ≤ w, 2·ho rows in src): dst gets each
// window's maximum and idx its flat index h·w+x in the plane. The maximum
// is the first in scan order, except that a NaN takes over (the last one
// wins), as in a loop over the window keeping v where v > best || v != v.
func MaxPool2x2(dst []float32, idx []int32, src []float32, w, ho, wo int) {
	if ho < 0 || wo < 0 || 2*wo > w {
		panic(fmt.Sprintf("asm.MaxPool2x2: %d×%d outputs from rows of %d", ho, wo, w))
	}
	if ho == 0 || wo == 0 {
		return
	}
	checkLen("MaxPool2x2", len(src), (2*ho-1)*w+2*wo)
	checkLen("MaxPool2x2", len(dst), ho*wo)
	checkLen("MaxPool2x2", len(idx), ho*wo)
	if vecLevel() != vecAVX512 {
		maxPool2x2Go(dst, idx, src, w, ho, wo)
		return
	}
	t := wo % 16
	tlo, thi := uint64(1)<<min(2*t, 16)-1, uint64(1)<<max(2*t-16, 0)-1
	per := rowsPerCall(4 * wo)
	for oy := 0; oy < ho; oy += per {
		maxPool2x2AVX512(&dst[0], &idx[0], &src[0], w, oy, min(per, ho-oy), wo, wo/16, uint64(1)<<t-1, tlo, thi)
	}
}

// maxPool2x2Go pools without data-dependent branches: which of four values
// is the largest is a coin toss on real activations, and a mispredicted
// branch costs more than the whole window. Each value's bits become an
// integer key ordered as the floats are, tagged with its position so that
// the largest tagged key is the first maximum in scan order. Windows of
// non-negative values (after a ReLU, all of them), whose bits are their
// own keys, take the shortest path; others go through window2x2.
func maxPool2x2Go(op []float32, ip []int32, src []float32, w, ho, wo int) {
	xb := u32s(src)
	for oy := range ho {
		r0 := xb[2*oy*w : 2*oy*w+2*wo]
		r1 := xb[(2*oy+1)*w : (2*oy+1)*w+2*wo]
		r1 = r1[:len(r0)]
		o := op[oy*wo : (oy+1)*wo]
		ix := ip[oy*wo : (oy+1)*wo]
		ix = ix[:len(o)]
		base := int32(2 * oy * w)
		for ox := range o {
			a, b, c, d := r0[2*ox], r0[2*ox+1], r1[2*ox], r1[2*ox+1]
			var pos int
			var v uint32
			if m := keyMax(keyMax(int64(a)<<2|3, int64(b)<<2|2), keyMax(int64(c)<<2|1, int64(d)<<2)); (a|b|c|d)>>31 == 0 && m>>2 <= inf32 {
				// All four non-negative and none a NaN.
				pos, v = 3-int(m&3), uint32(m>>2)
			} else {
				pos, v = window2x2(a, b, c, d)
			}
			o[ox] = math.Float32frombits(v)
			ix[ox] = base + int32(2*ox+pos&1+pos>>1*w)
		}
	}
}

// window2x2 returns the position (0..3 in scan order) and the bits of the
// maximum of a 2×2 window with negative values or NaNs.
//
//go:noinline
func window2x2(a, b, c, d uint32) (int, uint32) {
	const mag, nanStep = 0x7fffffff, 0x7fffff // |v| above +Inf's pattern ⇔ NaN
	if (a&mag+nanStep)|(b&mag+nanStep)|(c&mag+nanStep)|(d&mag+nanStep) >= 1<<31 {
		// The reference loop's rule: the last NaN wins.
		best, bi := math.Float32frombits(a), 0
		for k, u := range [3]uint32{b, c, d} {
			if v := math.Float32frombits(u); v > best || v != v {
				best, bi = v, k+1
			}
		}
		return bi, math.Float32bits(best)
	}
	m := keyMax(keyMax(bitsKey(a)<<2|3, bitsKey(b)<<2|2), keyMax(bitsKey(c)<<2|1, bitsKey(d)<<2))
	pos := 3 - int(m&3)
	return pos, [4]uint32{a, b, c, d}[pos]
}

// bitsKey maps a non-NaN float's bits to an integer with the same order:
// the magnitude for positive values, its negation for negative ones (so
// −0 and +0 both map to 0).
func bitsKey(b uint32) int64 {
	m := int64(b & 0x7fffffff)
	s := int64(int32(b) >> 31)
	return (m ^ s) - s
}

// keyMax is max(a, b) without a branch (the compiler emits one for the
// builtin); a − b cannot overflow for tagged 32-bit keys.
func keyMax(a, b int64) int64 {
	d := a - b
	return a - d&(d>>63)
}
