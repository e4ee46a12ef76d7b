//go:build !amd64 || purego

package asm

func maxPoolRowAVX512(out *float32, idx *int32, x *float32, w, chunks int, tail uint64, y0, y1, kw, sw, pw int) {
	panic("asm: no AVX-512 helpers in this build")
}

func avgPoolRowAVX512(out *float32, x *float32, w, chunks int, tail uint64, y0, y1, kw, sw, pw, fh, includePad int) {
	panic("asm: no AVX-512 helpers in this build")
}

func maxPoolRowAVX2(out *float32, idx *int32, x *float32, w, chunks, tail int, y0, y1, kw, sw, pw int) {
	panic("asm: no AVX2 helpers in this build")
}

func avgPoolRowAVX2(out *float32, x *float32, w, chunks, tail int, y0, y1, kw, sw, pw, fh, includePad int) {
	panic("asm: no AVX2 helpers in this build")
}
