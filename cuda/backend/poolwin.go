package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// poolGeom is a pooling's launch-time geometry, in parameter order.
type poolGeom struct {
	planes, h, w, ho, wo, kh, kw, sh, sw, ph, pw uint32
}

func (g poolGeom) args() []any {
	return []any{g.planes, g.h, g.w, g.ho, g.wo, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw}
}

// poolRegs are the geometry parameters inside a kernel.
type poolRegs struct {
	planes, h, w, ho, wo, kh, kw, sh, sw, ph, pw ptx.U32
}

func poolParams(b *ptx.Builder) (g poolRegs) {
	for _, p := range []struct {
		r    *ptx.U32
		name string
	}{{&g.planes, "planes"}, {&g.h, "h"}, {&g.w, "w"}, {&g.ho, "ho"}, {&g.wo, "wo"}, {&g.kh, "kh"}, {&g.kw, "kw"},
		{&g.sh, "sh"}, {&g.sw, "sw"}, {&g.ph, "ph"}, {&g.pw, "pw"}} {
		*p.r = b.ParamU32(p.name)
	}
	return g
}

// span is the reference's window along one axis for output o: the
// clipped input range [lo, hi) and the divisor with padding counted,
// min(o·s − p + k, n + p) − (o·s − p). Offsets by p keep every
// intermediate non-negative (2p ≤ k).
func span(b *ptx.Builder, o, k, s, p, n ptx.U32) (lo, hi, full ptx.U32) {
	start := b.MulU32(o, s) // o·s − p, plus p
	lo = b.SubU32(maxU32(b, start, p), p)
	hi = b.MinU32(b.SubU32(b.AddU32(start, k), p), n)
	full = b.SubU32(b.MinU32(b.AddU32(start, k), b.AddU32(n, b.AddU32(p, p))), start)
	return lo, hi, full
}

// avgCount is the divisor of output (oy, ox): the full windows' area with
// includePad set, else the clipped window's.
func avgCount(b *ptx.Builder, g poolRegs, includePad, oy, ox ptx.U32) (y0, y1, x0, x1, count ptx.U32) {
	y0, y1, fh := span(b, oy, g.kh, g.sh, g.ph, g.h)
	x0, x1, fw := span(b, ox, g.kw, g.sw, g.pw, g.w)
	count = b.NewU32()
	b.MovU32To(count, b.MulU32(b.SubU32(y1, y0), b.SubU32(x1, x0)))
	b.If(b.SetpU32(ptx.NE, includePad, ptx.ImmU32(0)), func() { b.MovU32To(count, b.MulU32(fh, fw)) })
	return y0, y1, x0, x1, count
}
