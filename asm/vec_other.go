//go:build !amd64 || purego

package asm

// No vector assembly on this platform or build: vecLevel is always vecGo,
// and these are never called.

func vecNone() { panic("asm: no vector assembly in this build") }

func reluAsm(lvl int, dst, src *float32, n int)                { vecNone() }
func relu6Asm(lvl int, dst, src *float32, n int)               { vecNone() }
func bandMaskAsm(lvl int, dst, g, y *float32, n int, l uint32) { vecNone() }
func addToAsm(lvl int, dst, src *float32, n int)               { vecNone() }

func affineRowsAsm(lvl int, dst, src *float32, rows, inner, full int, tail uint64, scale, shift *float32, ch, c int) {
	vecNone()
}

func biasRowsAsm(lvl int, y *float32, rows, inner, full int, tail uint64, bias *float32, ch, c int) {
	vecNone()
}

func bnGradRowsAsm(lvl int, dst, x, g *float32, rows, inner, full int, tail uint64, params *float32, ch, c int) {
	vecNone()
}

func sumLanesAsm(lvl int, acc *float64, x *float32, runs, stride, full int, tail uint64) { vecNone() }

func sqDevLanesAsm(lvl int, acc *float64, x *float32, runs, stride, full int, tail uint64, mu float64) {
	vecNone()
}

func bnGradLanesAsm(lvl int, acc *float64, x, g *float32, runs, stride, full int, tail uint64, mu float32) {
	vecNone()
}

func colSumsAsm(lvl int, acc *float64, x *float32, rows, ldx, full int, tail uint64) { vecNone() }

func sgdAsm(lvl int, w, g *float32, n int, lr, wd float32) { vecNone() }

func sgdMomentumAsm(lvl int, w, g, b *float32, n int, lr, wd, mu, damp float32) { vecNone() }

func maxPool2x2AVX512(dst *float32, idx *int32, src *float32, w, oy, rows, wo, full int, tail, tlo, thi uint64) {
	vecNone()
}
