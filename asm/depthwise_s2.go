package asm

import (
	"fmt"
	"unsafe"
)

// Planar 3×3, stride-2, padding-1 depthwise convolution (the downsampling
// depthwise layer of MobileNetV2, MnasNet, ShuffleNetV2), for planes 16 or
// 32 wide: an output row (or, 8 wide, a pair of rows) is one vector,
// and each tap of it is a permute of two input row vectors that takes
// every other float. The input gradient takes the transposed route: a pair
// of input-gradient rows, one vector each (two for planes over 16 wide),
// is the sum of three permutes of two output-gradient rows.

// Stride2x3 is the geometry of a 3×3, stride-2, padding-1 convolution
// over h×w planes. Its planes are copied into a staging buffer of
// StageLen floats, zeroed by the caller and then used only for calls of one
// kind (ConvS2, DotS2 or ConvTS2) on one geometry: each call writes the
// same floats, and leaves the rest zero.
type Stride2x3 struct {
	h, w, ho, wo int
	a            *s2args // 64-byte aligned: its index vectors are loaded whole
}

// s2args is what the assembly reads; offsets are fixed (see
// depthwise_s2_avx512_amd64.s).
type s2args struct {
	idx    [3][16]int32 // forward: table index of tap column kj, lane l
	tidx   [2][3][16]int32
	h, w   int64
	ho, wo int64
	r      int64 // output rows per vector (1 or 2)
	vecs   int64 // output vectors per plane
	pitch  int64 // staging row pitch, bytes
	d2     int64 // offset of a tap's second source vector, bytes
	halves int64 // vectors per input-gradient row
	kmask  [3]uint16
	store  uint16 // lanes of an output vector
	last   uint16 // lanes of the last output vector
	rowm   uint16 // lanes of the first vector of an input row
	rowm2  uint16 // lanes of the second (w > 16)
	gym    uint16 // lanes of an output-gradient row
	tmask  [2][3]uint16
	xstage int64     // floats of the input staging buffer
	gstage int64     // floats of the output-gradient staging buffer
	sadv   int64     // staging advance per output vector, bytes
	ostr   int64     // output advance per output vector, bytes
	xrow   int64     // bytes of an input row
	orow   int64     // bytes of an output row
	xplane int64     // bytes of an input plane
	oplane int64     // bytes of an output plane
	direct int64     // read the plane in place: its rows are their slots
	first  [2]uint16 // lanes kept of the first vector's top-row sources
	clamp  int64     // how much further on the first vector's S1 is read
	clamp2 int64     // and its S2 (not before the plane)
}

// NewStride2x3 returns the geometry of h×w planes, or false unless w is
// 16 or 32. (Whole vectors of rows are read and written with plain loads
// and stores, which, unlike masked ones, the hardware prefetcher follows.)
func NewStride2x3(h, w int) (*Stride2x3, bool) {
	ho, wo := (h-1)/2+1, (w-1)/2+1
	if h < 1 || w != 16 && w != 32 {
		return nil, false
	}
	// s2args holds no pointers, so it may live in a float buffer.
	buf := AlignedFloats(int(unsafe.Sizeof(s2args{})+3) / 4)
	g := &Stride2x3{h: h, w: w, ho: ho, wo: wo, a: (*s2args)(unsafe.Pointer(unsafe.SliceData(buf)))}
	a := g.a
	a.h, a.w, a.ho, a.wo = int64(h), int64(w), int64(ho), int64(wo)
	a.r, a.pitch, a.d2 = 1, 32*4, 64
	if wo == 8 { // w <= 16: two output rows per vector
		a.r, a.pitch, a.d2 = 2, 16*4, 2*16*4
	}
	r := int(a.r)
	a.vecs = int64((ho + r - 1) / r)
	// Rows up to 2r·(vecs−1) + 4 are read.
	a.xstage = (2*int64(r)*(a.vecs-1) + 5) * a.pitch / 4
	a.gstage = int64(ho+1) * 16
	for kj := range 3 {
		for l := range 16 {
			row, ox := 0, l
			if r == 2 {
				row, ox = l/8, l%8
			}
			c := 2*ox + kj - 1
			a.idx[kj][l] = int32(16*row + max(c, 0)) // with r = 1, c >= 16 is the second vector too
			if c >= 0 && c < w && ox < wo {
				a.kmask[kj] |= 1 << l
			}
		}
	}
	a.store = uint16(1<<(r*wo) - 1)
	a.last = a.store
	if r == 2 && ho%2 == 1 {
		a.last = 0xff
	}
	a.rowm, a.rowm2 = uint16(1<<min(w, 16)-1), uint16(1<<max(w-16, 0)-1)
	a.gym = uint16(1<<wo - 1)
	a.halves = int64((w + 15) / 16)
	a.sadv = 2 * int64(r) * a.pitch
	a.ostr = int64(r*wo) * 4
	a.xrow, a.orow = int64(w)*4, int64(wo)*4
	a.xplane, a.oplane = int64(h*w)*4, int64(ho*wo)*4
	// A plane 16 (32) wide whose vectors read no row past its last is
	// read in place; only the first vector's top row, before the plane,
	// is masked off.
	a.first = [2]uint16{0xffff, 0xffff}
	if r == 2 && w == 16 && h%4 == 0 { // S1 is row −1, S2 row 1
		a.direct, a.first[0], a.clamp = 1, 0, a.pitch
	}
	if r == 1 && w == 32 && h%2 == 0 { // S1 and S2 are the halves of row −1
		a.direct, a.first, a.clamp, a.clamp2 = 1, [2]uint16{}, a.pitch, a.pitch
	}
	for h := range 2 {
		for kj := range 3 {
			for l := range 16 {
				ix := 16*h + l
				if (ix+1-kj)%2 != 0 || ix >= w {
					continue
				}
				ox := (ix + 1 - kj) / 2
				if ox >= 0 && ox < wo {
					a.tidx[h][kj][l] = int32(ox)
					a.tmask[h][kj] |= 1 << l
				}
			}
		}
	}
	return g, true
}

// StageLen returns the length of a staging buffer for any of the calls.
func (g *Stride2x3) StageLen() int { return int(max(g.a.xstage, g.a.gstage)) }

// OutLen returns the floats of an output plane.
func (g *Stride2x3) OutLen() int { return g.ho * g.wo }

func (g *Stride2x3) check(name string, stage []float32, planes int, in, out []float32, inLen, outLen int) {
	if len(stage) < g.StageLen() {
		panic(fmt.Sprintf("asm.%s: staging buffer of %d floats, need %d", name, len(stage), g.StageLen()))
	}
	if planes < 0 || len(in) < planes*inLen || len(out) < planes*outLen {
		panic(fmt.Sprintf("asm.%s: %d planes of %d floats from %d, of %d floats into %d", name, planes, inLen, len(in), outLen, len(out)))
	}
}

// tapS2 returns tap t of output (oy, ox) of plane x, or 0 in the padding.
func (g *Stride2x3) tapS2(x []float32, oy, ox, t int) (float32, bool) {
	iy, ix := 2*oy+t/3-1, 2*ox+t%3-1
	if iy < 0 || iy >= g.h || ix < 0 || ix >= g.w {
		return 0, false
	}
	return x[iy*g.w+ix], true
}

// ConvS2 convolves planes consecutive h×w planes of x (h·w apart) into
// out (OutLen apart) with the 3×3 kernels w[9p:9p+9] at stride 2: out[oy,
// ox] = Σ_t w[t]·x[2oy+ki−1, 2ox+kj−1], t = 3·ki + kj, taps in the padding
// skipped. Each kernel row is summed with fused multiply-adds in kj order,
// and the rows are added in order: (row 0 + row 1) + row 2.
func ConvS2(out, x []float32, planes int, w, stage []float32, g *Stride2x3) {
	g.check("ConvS2", stage, planes, x, out, g.h*g.w, g.ho*g.wo)
	if len(w) < 9*planes {
		panic(fmt.Sprintf("asm.ConvS2: %d weights for %d planes", len(w), planes))
	}
	if planes == 0 {
		return
	}
	if active.Load().ops.avx512 {
		convS2AVX512(&out[0], &x[0], planes, &w[0], &stage[0], g.a)
		return
	}
	if active.Load().ops.avx2 {
		convS2A2(out, x, planes, w, g)
		return
	}
	n, m := g.h*g.w, g.ho*g.wo
	for p := range planes {
		xp, op, wp := x[p*n:], out[p*m:], w[9*p:]
		for q := range m {
			var rows [3]float32
			for t := range 9 {
				if v, ok := g.tapS2(xp, q/g.wo, q%g.wo, t); ok {
					rows[t/3] = fma32(wp[t], v, rows[t/3])
				}
			}
			op[q] = rows[0] + rows[1] + rows[2]
		}
	}
}

// DotS2 adds to lanes[144p+16t+l] the sum over the outputs q of plane p
// with lane(q) = l of gy[q]·(tap t of q), in order, where lane(q) is
// q mod 16 for output rows over 8 wide and q's column (+8 for odd rows)
// for 8-wide rows: ConvS2's weight gradient, in partial sums that a
// caller accumulates over a batch and reduces with ReduceLanes.
func DotS2(lanes, gy, x []float32, planes int, stage []float32, g *Stride2x3) {
	g.check("DotS2", stage, planes, x, gy, g.h*g.w, g.ho*g.wo)
	if len(lanes) < 144*planes {
		panic(fmt.Sprintf("asm.DotS2: %d sums for %d planes", len(lanes), planes))
	}
	if planes == 0 {
		return
	}
	if active.Load().ops.avx512 {
		dotS2AVX512(&lanes[0], &gy[0], &x[0], planes, &stage[0], g.a)
		return
	}
	if active.Load().ops.avx2 {
		dotS2A2(lanes, gy, x, planes, g)
		return
	}
	n, m := g.h*g.w, g.ho*g.wo
	for p := range planes {
		xp, gp, lp := x[p*n:], gy[p*m:], lanes[144*p:]
		for oy := range g.ho {
			for ox := range g.wo {
				l := ox // one output row per vector: lane = column
				if g.a.r == 2 {
					l = oy%2*8 + ox
				}
				for t := range 9 {
					if v, ok := g.tapS2(xp, oy, ox, t); ok {
						lp[16*t+l] = fma32(gp[oy*g.wo+ox], v, lp[16*t+l])
					}
				}
			}
		}
	}
}

// ConvTS2 is ConvS2's input gradient: gx (planes of h×w) from gy (planes
// of OutLen), gx[iy, ix] = Σ w[t]·gy[oy, ox] over the taps t = 3·ki + kj
// in order with 2oy + ki − 1 = iy, 2ox + kj − 1 = ix.
func ConvTS2(gx, gy []float32, planes int, w, stage []float32, g *Stride2x3) {
	g.check("ConvTS2", stage, planes, gy, gx, g.ho*g.wo, g.h*g.w)
	if len(w) < 9*planes {
		panic(fmt.Sprintf("asm.ConvTS2: %d weights for %d planes", len(w), planes))
	}
	if planes == 0 {
		return
	}
	if active.Load().ops.avx512 {
		convTS2AVX512(&gx[0], &gy[0], planes, &w[0], &stage[0], g.a)
		return
	}
	if active.Load().ops.avx2 {
		convTS2A2(gx, gy, planes, w, g)
		return
	}
	n, m := g.h*g.w, g.ho*g.wo
	for p := range planes {
		gp, xp, wp := gy[p*m:], gx[p*n:], w[9*p:]
		for iy := range g.h {
			for ix := range g.w {
				var acc float32
				for t := range 9 {
					ki, kj := t/3, t%3
					if (iy+1-ki)%2 != 0 || (ix+1-kj)%2 != 0 {
						continue
					}
					oy, ox := (iy+1-ki)/2, (ix+1-kj)/2
					if oy < 0 || oy >= g.ho || ox < 0 || ox >= g.wo {
						continue
					}
					acc = fma32(wp[t], gp[oy*g.wo+ox], acc)
				}
				xp[iy*g.w+ix] = acc
			}
		}
	}
}

// The assembly reads s2args at these offsets.
var (
	_ = [1]int{}[unsafe.Offsetof(s2args{}.h)-576]
	_ = [1]int{}[unsafe.Offsetof(s2args{}.kmask)-648]
	_ = [1]int{}[unsafe.Offsetof(s2args{}.tmask)-664]
	_ = [1]int{}[unsafe.Offsetof(s2args{}.sadv)-696]
	_ = [1]int{}[unsafe.Offsetof(s2args{}.oplane)-736]
	_ = [1]int{}[unsafe.Offsetof(s2args{}.first)-752]
	_ = [1]int{}[unsafe.Offsetof(s2args{}.clamp)-760]
	_ = [1]int{}[unsafe.Offsetof(s2args{}.clamp2)-768]
)
