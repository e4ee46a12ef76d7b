package asm

import "fmt"

// Planar 3×3 depthwise convolution. The channel-packed kernels
// (depthwise.go) pay two 16×16 transposes per pixel vector and read 16
// planes at once, which the hardware prefetcher follows badly; for the
// commonest depthwise layer, a 3×3 kernel at stride 1 with padding 1 on a
// plane at least 8 wide, a plane is convolved by itself instead: each
// output vector is 16 consecutive positions of the plane, each kernel row
// one window of two vectors shifted in registers, and the planes are read
// and written in order, with plain loads and stores (masked ones, on the
// machines this was tuned on, do not train the hardware prefetcher: only
// the last vector of a plane is masked).

// Same3x3 is the geometry of a 3×3, stride-1, padding-1 convolution over
// h×w planes. A plane is convolved from a staging buffer (Stage) with a
// zero row above and below it.
type Same3x3 struct {
	h, w, n, segs int
	stage         int      // floats of a staging buffer
	masks         []uint16 // per segment: columns != 0, columns != w-1
	tail          uint16   // the lanes of the last segment
}

// NewSame3x3 returns the geometry of h×w planes (h, w >= 1).
func NewSame3x3(h, w int) *Same3x3 {
	if h < 1 || w < 1 {
		panic(fmt.Sprintf("asm.NewSame3x3(%d, %d)", h, w))
	}
	n := h * w
	g := &Same3x3{h: h, w: w, n: n, segs: (n + 15) / 16, tail: 0xffff}
	g.stage = 16*g.segs + 2*w + 32
	if n%16 != 0 {
		g.tail = 1<<(n%16) - 1
	}
	g.masks = make([]uint16, 2*g.segs)
	for q := range n {
		if q%w != 0 {
			g.masks[2*(q/16)] |= 1 << (q % 16)
		}
		if q%w != w-1 {
			g.masks[2*(q/16)+1] |= 1 << (q % 16)
		}
	}
	return g
}

// StageLen returns the length of a staging buffer. The caller zeroes it
// once; the calls write only the floats of the plane, between its zero
// rows, so it stays ready for calls on the same geometry.
func (g *Same3x3) StageLen() int { return g.stage }

// Len returns the floats of a plane.
func (g *Same3x3) Len() int { return g.n }

func (g *Same3x3) check(name string, stage []float32, planes int, bufs ...[]float32) {
	if len(stage) < g.stage {
		panic(fmt.Sprintf("asm.%s: staging buffer of %d floats, need %d", name, len(stage), g.stage))
	}
	for _, b := range bufs {
		if planes < 0 || len(b) < planes*g.n {
			panic(fmt.Sprintf("asm.%s: %d floats for %d planes of %d", name, len(b), planes, g.n))
		}
	}
}

// Conv3x3 convolves planes consecutive planes of x into out (plane p at
// p·Len() in both) with the 3×3 kernels w[9p:9p+9]: out[q] = Σ_t w[t]·x(q,
// t), t = 3·ki + kj in order, x(q, t) the plane at row q/w + ki − 1, column
// q%w + kj − 1 (taps outside the plane are skipped), with fused
// multiply-adds. stage is a zeroed buffer of StageLen floats that each
// plane is copied into, between zero rows.
func Conv3x3(out, x []float32, planes int, w, stage []float32, g *Same3x3) {
	g.check("Conv3x3", stage, planes, out, x)
	if len(w) < 9*planes {
		panic(fmt.Sprintf("asm.Conv3x3: %d weights for %d planes", len(w), planes))
	}
	if planes == 0 {
		return
	}
	if active.Load().ops.avx512 {
		conv3x3A512(out, x, planes, w, stage, g)
		return
	}
	if active.Load().ops.avx2 {
		conv3x3A2(out, x, planes, w, stage, g)
		return
	}
	for p := range planes {
		g.stageGo(stage, x[p*g.n:])
		conv3x3Go(out[p*g.n:(p+1)*g.n], stage, g, (*[9]float32)(w[9*p:]))
	}
}

// Dot3x3 adds to lanes[144p+16t+l] the sum of gy[q]·x(q, t) over the
// positions q ≡ l (mod 16) of plane p, in order, for planes consecutive
// planes of gy and x: the weight gradient of Conv3x3, in partial sums that
// a caller accumulates over a batch and reduces with ReduceLanes.
func Dot3x3(lanes, gy, x []float32, planes int, stage []float32, g *Same3x3) {
	g.check("Dot3x3", stage, planes, gy, x)
	if len(lanes) < 144*planes {
		panic(fmt.Sprintf("asm.Dot3x3: %d sums for %d planes", len(lanes), planes))
	}
	if planes == 0 {
		return
	}
	if active.Load().ops.avx512 {
		dot3x3A512(lanes, gy, x, planes, stage, g)
		return
	}
	if active.Load().ops.avx2 {
		dot3x3A2(lanes, gy, x, planes, stage, g)
		return
	}
	for p := range planes {
		g.stageGo(stage, x[p*g.n:])
		dot3x3Go((*[144]float32)(lanes[144*p:]), gy[p*g.n:(p+1)*g.n], stage, g)
	}
}

// stageGo copies a plane into the staging buffer, between zero rows.
func (g *Same3x3) stageGo(stage, plane []float32) {
	copy(stage[g.w+1:g.w+1+g.n], plane[:g.n])
}

// tap3x3 returns the staging index tap t of position q reads and whether
// the tap is inside the plane's columns (rows outside read zeros).
func (g *Same3x3) tap3x3(q, t int) (int, bool) {
	ki, kj := t/3, t%3
	c := q%g.w + kj - 1
	return q + ki*g.w + kj, c >= 0 && c < g.w
}

func conv3x3Go(out, stage []float32, g *Same3x3, w *[9]float32) {
	for q := range out {
		var acc float32
		for t, wt := range w {
			if i, ok := g.tap3x3(q, t); ok {
				acc = fma32(wt, stage[i], acc)
			}
		}
		out[q] = acc
	}
}

func dot3x3Go(lanes *[9 * 16]float32, gy, stage []float32, g *Same3x3) {
	for q, v := range gy {
		for t := range 9 {
			if i, ok := g.tap3x3(q, t); ok {
				lanes[16*t+q%16] = fma32(v, stage[i], lanes[16*t+q%16])
			}
		}
	}
}
