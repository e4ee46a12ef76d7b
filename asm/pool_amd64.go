//go:build amd64 && !purego

package asm

//go:noescape
func maxPoolRowAVX512(out *float32, idx *int32, x *float32, w, chunks int, tail uint64, y0, y1, kw, sw, pw int)

//go:noescape
func avgPoolRowAVX512(out *float32, x *float32, w, chunks int, tail uint64, y0, y1, kw, sw, pw, fh, includePad int)

// maxPoolRowAVX2 and avgPoolRowAVX2 are the AVX2 rows (pool_avx2_amd64.s):
// chunks of 8 outputs, the last storing its first tail (1..8).
//
//go:noescape
func maxPoolRowAVX2(out *float32, idx *int32, x *float32, w, chunks, tail int, y0, y1, kw, sw, pw int)

//go:noescape
func avgPoolRowAVX2(out *float32, x *float32, w, chunks, tail int, y0, y1, kw, sw, pw, fh, includePad int)
