//go:build amd64 && !purego

package asm

// AVX2 assembly for the depthwise convolution (depthwise_avx2_amd64.s,
// depthwise_planar_avx2_amd64.s, depthwise_s2_avx2_amd64.s), for the avx2
// kernel. The exported wrappers check every bound; these only turn slices
// into pointers and cut the work into what one call takes.

//go:noescape
func packPlanesAVX2(dst *float32, pos *int32, n int, src *float32, offs *[16]int64, pf int)

//go:noescape
func unpackPlanesAVX2(dst *float32, offs *[16]int64, cnt int, src *float32, pos *int32, n int, pf int)

//go:noescape
func convPackedAVX2(out *float32, q int, in *float32, w *float32, offs *int64, taps int)

//go:noescape
func dotPackedAVX2(acc *float32, taps int, gs *float32, q int, in *float32, offs *int64)

func packPlanesA2(dst []float32, pos []int32, src []float32, offs *[16]int64, pf int) {
	packPlanesAVX2(&dst[0], &pos[0], len(pos), &src[0], offs, pf)
}

func unpackPlanesA2(dst []float32, offs *[16]int64, cnt int, src []float32, pos []int32, pf int) {
	unpackPlanesAVX2(&dst[0], offs, cnt, &src[0], &pos[0], len(pos), pf)
}

func convPackedA2(out, in, w []float32, offs []int64) {
	convPackedAVX2(&out[0], len(out)/16, &in[0], &w[0], &offs[0], len(offs))
}

// dotTapsA2 is the most taps dotPackedAVX2 sums at once (of one half).
const dotTapsA2 = 15

// dotPackedA2 runs dotPackedAVX2 on each 8-lane half of the pixel vectors
// and each group of up to dotTapsA2 taps: every lane's sum still runs over
// the pixels in order.
func dotPackedA2(acc, g, in []float32, offs []int64) {
	q := len(g) / 16
	for h := 0; h < 16; h += 8 {
		for t0 := 0; t0 < len(offs); t0 += dotTapsA2 {
			t1 := min(t0+dotTapsA2, len(offs))
			dotPackedAVX2(&acc[16*t0+h], t1-t0, &g[h], q, &in[h], &offs[t0])
		}
	}
}

//go:noescape
func conv3x3AVX2(out *float32, x *float32, planes int, w *float32, stage *float32, masks *uint16, width int, n int)

//go:noescape
func dot3x3AVX2(lanes *float32, gs *float32, x *float32, planes int, stage *float32, masks *uint16, width int, n int)

func conv3x3A2(out, x []float32, planes int, w, stage []float32, g *Same3x3) {
	conv3x3AVX2(&out[0], &x[0], planes, &w[0], &stage[0], &g.masks[0], g.w, g.n)
}

func dot3x3A2(lanes, gy, x []float32, planes int, stage []float32, g *Same3x3) {
	dot3x3AVX2(&lanes[0], &gy[0], &x[0], planes, &stage[0], &g.masks[0], g.w, g.n)
}

//go:noescape
func convS2AVX2(out *float32, x *float32, planes int, w *float32, args *s2args)

//go:noescape
func dotS2AVX2(lanes *float32, gs *float32, x *float32, planes int, args *s2args)

//go:noescape
func convTS2AVX2(gx *float32, gs *float32, planes int, w *float32, args *s2args)

// The stride-2 kernels read the planes in place: no staging buffer.

func convS2A2(out, x []float32, planes int, w []float32, g *Stride2x3) {
	convS2AVX2(&out[0], &x[0], planes, &w[0], g.a)
}

func dotS2A2(lanes, gy, x []float32, planes int, g *Stride2x3) {
	dotS2AVX2(&lanes[0], &gy[0], &x[0], planes, g.a)
}

func convTS2A2(gx, gy []float32, planes int, w []float32, g *Stride2x3) {
	convTS2AVX2(&gx[0], &gy[0], planes, &w[0], g.a)
}
