//go:build amd64 && !purego

package asm

// Assembly for the channel-packed depthwise convolution
// (depthwise_avx512_amd64.s). The exported wrappers in depthwise.go check
// every bound; these only turn slices into pointers.

//go:noescape
func packPlanesAVX512(dst *float32, pos *int32, n int, src *float32, offs *[16]int64, pf int)

//go:noescape
func unpackPlanesAVX512(dst *float32, offs *[16]int64, cnt int, src *float32, pos *int32, n int, pf int)

//go:noescape
func convPackedAVX512(out *float32, q int, in *float32, w *float32, offs *int64, taps int, runs *int64, nruns int)

//go:noescape
func dotPackedAVX512(acc *float32, taps int, gs *float32, q int, in *float32, offs *int64)

func packPlanesA512(dst []float32, pos []int32, src []float32, offs *[16]int64, pf int) {
	packPlanesAVX512(&dst[0], &pos[0], len(pos), &src[0], offs, pf)
}

func unpackPlanesA512(dst []float32, offs *[16]int64, cnt int, src []float32, pos []int32, pf int) {
	unpackPlanesAVX512(&dst[0], offs, cnt, &src[0], &pos[0], len(pos), pf)
}

func convPackedA512(out, in, w []float32, offs, runs []int64) {
	convPackedAVX512(&out[0], len(out)/16, &in[0], &w[0], &offs[0], len(offs), &runs[0], len(runs)/2)
}

func dotPackedA512(acc, g, in []float32, offs []int64) {
	dotPackedAVX512(&acc[0], len(offs), &g[0], len(g)/16, &in[0], &offs[0])
}

//go:noescape
func conv3x3AVX512(out *float32, x *float32, planes int, w *float32, stage *float32, segs int, masks *uint16, width int, tail int)

//go:noescape
func dot3x3AVX512(lanes *float32, gs *float32, x *float32, planes int, stage *float32, segs int, masks *uint16, width int, tail int)

func conv3x3A512(out, x []float32, planes int, w, stage []float32, g *Same3x3) {
	conv3x3AVX512(&out[0], &x[0], planes, &w[0], &stage[0], g.segs, &g.masks[0], g.w, int(g.tail))
}

func dot3x3A512(lanes, gy, x []float32, planes int, stage []float32, g *Same3x3) {
	dot3x3AVX512(&lanes[0], &gy[0], &x[0], planes, &stage[0], g.segs, &g.masks[0], g.w, int(g.tail))
}

//go:noescape
func convS2AVX512(out *float32, x *float32, planes int, w *float32, stage *float32, args *s2args)

//go:noescape
func dotS2AVX512(lanes *float32, gs *float32, x *float32, planes int, stage *float32, args *s2args)

//go:noescape
func convTS2AVX512(gx *float32, gs *float32, planes int, w *float32, stage *float32, args *s2args)
