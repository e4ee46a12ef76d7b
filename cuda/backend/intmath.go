package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// Integer helpers the builder has no instruction for: it offers u32 add,
// sub, mul, min and shifts, but no division, signed compare, max, u32
// select or u32→f32 conversion. Negative intermediates wrap to huge u32
// values, so one unsigned "< size" check rejects both ends of a range
// (every size the callers pass is below 2³¹).

// maxU32 is the larger of x and y: x + y − min(x, y).
func maxU32(b *ptx.Builder, x, y ptx.U32) ptx.U32 {
	return b.SubU32(b.AddU32(x, y), b.MinU32(x, y))
}

// divU32 is ⌊x/y⌋ by restoring long division over the low nbits bits of x
// (x < 2^nbits): one compare and subtract per bit.
func divU32(b *ptx.Builder, x, y, nbits ptx.U32) ptx.U32 {
	q, r := b.NewU32(), b.NewU32()
	b.MovU32To(q, ptx.ImmU32(0))
	b.MovU32To(r, ptx.ImmU32(0))
	loop(b, nbits, ptx.ImmU32(0), ptx.ImmU32(1), func(j ptx.U32) {
		i := b.SubU32(b.SubU32(nbits, ptx.ImmU32(1)), j)
		bit := b.AndU32(b.ShrU32(x, i), ptx.ImmU32(1))
		b.MovU32To(r, b.AddU32(b.ShlU32(r, ptx.ImmU32(1)), bit))
		b.If(b.SetpU32(ptx.GE, r, y), func() {
			b.MovU32To(r, b.SubU32(r, y))
			b.AddU32To(q, q, b.ShlU32(ptx.ImmU32(1), i))
		})
	})
	return q
}

// u32ToF32 converts x < 2^nbits ≤ 2²⁴ exactly, adding its set bits'
// powers of two from the lowest up (every partial sum is an exact
// integer).
func u32ToF32(b *ptx.Builder, x, nbits ptx.U32) ptx.F32 {
	acc, pow := b.NewF32(), b.NewF32()
	b.MovF32To(acc, ptx.ImmF32(0))
	b.MovF32To(pow, ptx.ImmF32(1))
	loop(b, nbits, ptx.ImmU32(0), ptx.ImmU32(1), func(j ptx.U32) {
		bit := b.AndU32(b.ShrU32(x, j), ptx.ImmU32(1))
		b.If(b.SetpU32(ptx.NE, bit, ptx.ImmU32(0)), func() { b.AddF32To(acc, acc, pow) })
		b.MovF32To(pow, b.MulF32(pow, ptx.ImmF32(2)))
	})
	return acc
}

// qr is t = q·s + r with 0 ≤ r < s, kept in two registers so that a
// gather can walk t by steps without dividing: t is a multiple of s
// exactly when r is 0, and then q is t/s (a "negative" q wraps and fails
// the caller's < size check).
type qr struct{ q, r ptx.U32 }

// newQR copies (q, r) into fresh registers the walk updates.
func newQR(b *ptx.Builder, q, r ptx.U32) qr {
	w := qr{b.NewU32(), b.NewU32()}
	b.MovU32To(w.q, q)
	b.MovU32To(w.r, r)
	return w
}

// down sets t −= dq·s + dr (dr < s).
func (w qr) down(b *ptx.Builder, dq, dr, s ptx.U32) {
	borrow, done := b.NewLabel(), b.NewLabel()
	b.BraIf(b.SetpU32(ptx.LT, w.r, dr), borrow)
	b.MovU32To(w.r, b.SubU32(w.r, dr))
	b.Bra(done)
	b.Place(borrow)
	b.MovU32To(w.r, b.SubU32(b.AddU32(w.r, s), dr))
	b.MovU32To(w.q, b.SubU32(w.q, ptx.ImmU32(1)))
	b.Place(done)
	b.MovU32To(w.q, b.SubU32(w.q, dq))
}

// up sets t += 1.
func (w qr) up(b *ptx.Builder, s ptx.U32) {
	b.AddU32To(w.r, w.r, ptx.ImmU32(1))
	b.If(b.SetpU32(ptx.EQ, w.r, s), func() {
		b.MovU32To(w.r, ptx.ImmU32(0))
		b.AddU32To(w.q, w.q, ptx.ImmU32(1))
	})
}

// hits reports whether t is a multiple of s whose quotient is below n.
func (w qr) hits(b *ptx.Builder, n ptx.U32) ptx.Pred {
	return b.AndPred(b.SetpU32(ptx.EQ, w.r, ptx.ImmU32(0)), b.SetpU32(ptx.LT, w.q, n))
}
