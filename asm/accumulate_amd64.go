//go:build amd64 && !purego

package asm

//go:noescape
func add2DAVX512(dst *float32, ldd int, src *float32, lds int, rows, chunks int, tail uint64)

func add2DA512(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	add2DAVX512(&dst[0], ldd, &src[0], lds, rows, cols/16, 1<<(cols%16)-1)
}

//go:noescape
func col2imRowsAVX512(dst *float32, ldd, rows, chunks int, src *float32, lds int, offs *int, masks *uint16, taps int, tail uint64)

func col2imRowsA512(dst []float32, ldd int, src []float32, lds int, offs []int, masks []uint16, rows, cols int) {
	tail := uint64(0xffff)
	if cols%16 != 0 {
		tail = 1<<(cols%16) - 1
	}
	col2imRowsAVX512(&dst[0], ldd, rows, (cols+15)/16, &src[0], lds, &offs[0], &masks[0], len(offs), tail)
}

//go:noescape
func col2imRows2AVX512(dst *float32, ldd, rows, chunks int, src *float32, lds int, offs *int, masks *uint32, taps int, tail uint64)

func col2imRows2A512(dst []float32, ldd int, src []float32, lds int, offs []int, masks []uint32, rows, cols int) {
	tail := uint64(0xffff)
	if cols%16 != 0 {
		tail = 1<<(cols%16) - 1
	}
	col2imRows2AVX512(&dst[0], ldd, rows, (cols+15)/16, &src[0], lds, &offs[0], &masks[0], len(offs), tail)
}

// AVX2 versions (accumulate_avx2_amd64.s).

//go:noescape
func add2DAVX2(dst *float32, ldd int, src *float32, lds int, rows, cols int)

func add2DA2(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	add2DAVX2(&dst[0], ldd, &src[0], lds, rows, cols)
}

//go:noescape
func col2imRowsAVX2(dst *float32, ldd, rows, full int, src *float32, lds int, offs *int, masks *uint16, stride, taps int, tail uint64)

func col2imRowsA2(dst []float32, ldd int, src []float32, lds int, offs []int, masks []uint16, rows, cols int) {
	if len(src) == 0 { // then checkScatter let no lane be enabled
		return
	}
	col2imRowsAVX2(&dst[0], ldd, rows, cols/16, &src[0], lds, &offs[0], &masks[0], (cols+15)/16, len(offs), 1<<(cols%16)-1)
}

//go:noescape
func col2imRows2AVX2(dst *float32, ldd, rows, full int, src *float32, lds int, offs *int, masks *uint32, stride, taps int, tail uint64)

// col2imRows2A2 is col2imRows2A512 for AVX2: both holds, per tap and
// chunk, the lanes and (<< 16) the source elements they read.
func col2imRows2A2(dst []float32, ldd int, src []float32, lds int, offs []int, both []uint32, rows, cols int) {
	if len(src) == 0 { // then checkScatter let no lane be enabled
		return
	}
	col2imRows2AVX2(&dst[0], ldd, rows, cols/16, &src[0], lds, &offs[0], &both[0], (cols+15)/16, len(offs), 1<<(cols%16)-1)
}
