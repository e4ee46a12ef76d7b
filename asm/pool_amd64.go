//go:build amd64 && !purego

package asm

//go:noescape
func maxPoolRowAVX512(out *float32, idx *int32, x *float32, w, chunks int, tail uint64, y0, y1, kw, sw, pw int)

//go:noescape
func avgPoolRowAVX512(out *float32, x *float32, w, chunks int, tail uint64, y0, y1, kw, sw, pw, fh, includePad int)
