//go:build amd64 && !purego

package asm

// Assembly behind vec.go (vec_avx512_amd64.s, vec_avx2_amd64.s). The
// wrappers in vec.go check every bound and pick the implementation; the
// flat kernels take n, a positive multiple of 16; the row kernels take
// rows >= 1 rows of inner elements, full whole vectors per row and the
// tail as a lane mask (AVX-512) or a count (AVX2).

//go:noescape
func reluAVX512(dst, src *float32, n int)

//go:noescape
func reluAVX2(dst, src *float32, n int)

//go:noescape
func relu6AVX512(dst, src *float32, n int)

//go:noescape
func relu6AVX2(dst, src *float32, n int)

//go:noescape
func bandMaskAVX512(dst, grad, y *float32, n int, limit uint32)

//go:noescape
func bandMaskAVX2(dst, grad, y *float32, n int, limit uint32)

//go:noescape
func addToAVX512(dst, src *float32, n int)

//go:noescape
func addToAVX2(dst, src *float32, n int)

//go:noescape
func affineRowsAVX512(dst, src *float32, rows, inner, full int, tail uint64, scale, shift *float32, ch, c int)

//go:noescape
func affineRowsAVX2(dst, src *float32, rows, inner, full int, tail uint64, scale, shift *float32, ch, c int)

//go:noescape
func biasRowsAVX512(y *float32, rows, inner, full int, tail uint64, bias *float32, ch, c int)

//go:noescape
func biasRowsAVX2(y *float32, rows, inner, full int, tail uint64, bias *float32, ch, c int)

//go:noescape
func bnGradRowsAVX512(dst, x, grad *float32, rows, inner, full int, tail uint64, params *float32, ch, c int)

//go:noescape
func bnGradRowsAVX2(dst, x, grad *float32, rows, inner, full int, tail uint64, params *float32, ch, c int)

//go:noescape
func sumLanesAVX512(acc *float64, x *float32, runs, stride, full int, tail uint64)

//go:noescape
func sqDevLanesAVX512(acc *float64, x *float32, runs, stride, full int, tail uint64, mu float64)

//go:noescape
func bnGradLanesAVX512(acc *float64, x, grad *float32, runs, stride, full int, tail uint64, mu float32)

//go:noescape
func colSumsAVX512(acc *float64, x *float32, rows, ldx, full int, tail uint64)

//go:noescape
func sumLanesAVX2(acc *float64, x *float32, runs, stride, full int, tail uint64)

//go:noescape
func sqDevLanesAVX2(acc *float64, x *float32, runs, stride, full int, tail uint64, mu float64)

//go:noescape
func bnGradLanesAVX2(acc *float64, x, grad *float32, runs, stride, full int, tail uint64, mu float32)

//go:noescape
func colSumsAVX2(acc *float64, x *float32, rows, ldx, full int, tail uint64)

//go:noescape
func sgdAVX512(w, grad *float32, n int, lr, wd float32)

//go:noescape
func sgdAVX2(w, grad *float32, n int, lr, wd float32)

//go:noescape
func sgdMomentumAVX512(w, grad, b *float32, n int, lr, wd, mu, damp float32)

//go:noescape
func sgdMomentumAVX2(w, grad, b *float32, n int, lr, wd, mu, damp float32)

//go:noescape
func maxPool2x2AVX512(dst *float32, idx *int32, src *float32, w, oy, rows, wo, full int, tail, tlo, thi uint64)

func reluAsm(lvl int, dst, src *float32, n int) {
	if lvl == vecAVX512 {
		reluAVX512(dst, src, n)
	} else {
		reluAVX2(dst, src, n)
	}
}

func relu6Asm(lvl int, dst, src *float32, n int) {
	if lvl == vecAVX512 {
		relu6AVX512(dst, src, n)
	} else {
		relu6AVX2(dst, src, n)
	}
}

func bandMaskAsm(lvl int, dst, g, y *float32, n int, limit uint32) {
	if lvl == vecAVX512 {
		bandMaskAVX512(dst, g, y, n, limit)
	} else {
		bandMaskAVX2(dst, g, y, n, limit)
	}
}

func addToAsm(lvl int, dst, src *float32, n int) {
	if lvl == vecAVX512 {
		addToAVX512(dst, src, n)
	} else {
		addToAVX2(dst, src, n)
	}
}

func affineRowsAsm(lvl int, dst, src *float32, rows, inner, full int, tail uint64, scale, shift *float32, ch, c int) {
	if lvl == vecAVX512 {
		affineRowsAVX512(dst, src, rows, inner, full, tail, scale, shift, ch, c)
	} else {
		affineRowsAVX2(dst, src, rows, inner, full, tail, scale, shift, ch, c)
	}
}

func biasRowsAsm(lvl int, y *float32, rows, inner, full int, tail uint64, bias *float32, ch, c int) {
	if lvl == vecAVX512 {
		biasRowsAVX512(y, rows, inner, full, tail, bias, ch, c)
	} else {
		biasRowsAVX2(y, rows, inner, full, tail, bias, ch, c)
	}
}

func bnGradRowsAsm(lvl int, dst, x, g *float32, rows, inner, full int, tail uint64, params *float32, ch, c int) {
	if lvl == vecAVX512 {
		bnGradRowsAVX512(dst, x, g, rows, inner, full, tail, params, ch, c)
	} else {
		bnGradRowsAVX2(dst, x, g, rows, inner, full, tail, params, ch, c)
	}
}

func sgdAsm(lvl int, w, g *float32, n int, lr, wd float32) {
	if lvl == vecAVX512 {
		sgdAVX512(w, g, n, lr, wd)
	} else {
		sgdAVX2(w, g, n, lr, wd)
	}
}

func sgdMomentumAsm(lvl int, w, g, b *float32, n int, lr, wd, mu, damp float32) {
	if lvl == vecAVX512 {
		sgdMomentumAVX512(w, g, b, n, lr, wd, mu, damp)
	} else {
		sgdMomentumAVX2(w, g, b, n, lr, wd, mu, damp)
	}
}

func sumLanesAsm(lvl int, acc *float64, x *float32, runs, stride, full int, tail uint64) {
	if lvl == vecAVX512 {
		sumLanesAVX512(acc, x, runs, stride, full, tail)
	} else {
		sumLanesAVX2(acc, x, runs, stride, full, tail)
	}
}

func sqDevLanesAsm(lvl int, acc *float64, x *float32, runs, stride, full int, tail uint64, mu float64) {
	if lvl == vecAVX512 {
		sqDevLanesAVX512(acc, x, runs, stride, full, tail, mu)
	} else {
		sqDevLanesAVX2(acc, x, runs, stride, full, tail, mu)
	}
}

func bnGradLanesAsm(lvl int, acc *float64, x, g *float32, runs, stride, full int, tail uint64, mu float32) {
	if lvl == vecAVX512 {
		bnGradLanesAVX512(acc, x, g, runs, stride, full, tail, mu)
	} else {
		bnGradLanesAVX2(acc, x, g, runs, stride, full, tail, mu)
	}
}

func colSumsAsm(lvl int, acc *float64, x *float32, rows, ldx, full int, tail uint64) {
	if lvl == vecAVX512 {
		colSumsAVX512(acc, x, rows, ldx, full, tail)
	} else {
		colSumsAVX2(acc, x, rows, ldx, full, tail)
	}
}
