package ptx

// 64-bit integer arithmetic: enough for a counter-based generator
// (splitmix64) to run on the device. Each wraps mod 2⁶⁴ as PTX's .u64/.b64
// instructions do; shift amounts are u32 and, as PTX specifies, amounts of
// 64 or more are clamped to 64 (the result is 0).

// SubU64 is x - y (mod 2⁶⁴) (sub.s64).
func (b *Builder) SubU64(x, y U64) U64 {
	d := b.NewU64()
	b.op3(opSub, tU64, d.o, x.o, y.o, operand{})
	return d
}

// MulU64 is the low 64 bits of x*y (mul.lo.s64, the same bits as
// mul.lo.u64).
func (b *Builder) MulU64(x, y U64) U64 {
	d := b.NewU64()
	b.op3(opMul, tU64, d.o, x.o, y.o, operand{})
	return d
}

// XorU64 is x ^ y (xor.b64).
func (b *Builder) XorU64(x, y U64) U64 {
	d := b.NewU64()
	b.op3(opXor, tU64, d.o, x.o, y.o, operand{})
	return d
}

// ShrU64 is x >> y, logical (shr.u64); 0 for y ≥ 64.
func (b *Builder) ShrU64(x U64, y U32) U64 {
	d := b.NewU64()
	b.op3(opShr, tU64, d.o, x.o, y.o, operand{})
	return d
}

// ShlU64 is x << y (shl.b64); 0 for y ≥ 64.
func (b *Builder) ShlU64(x U64, y U32) U64 {
	d := b.NewU64()
	b.op3(opShl, tU64, d.o, x.o, y.o, operand{})
	return d
}

// SetpU64 compares x and y as unsigned 64-bit integers (setp.cc.u64).
func (b *Builder) SetpU64(c Cmp, x, y U64) Pred {
	d := b.NewPred()
	b.emit(instr{op: opSetp, t: tU64, cmp: c, dst: d.o, src: [3]operand{x.o, y.o}})
	return d
}

// XorU32 is x ^ y (xor.b32).
func (b *Builder) XorU32(x, y U32) U32 {
	d := b.NewU32()
	b.op3(opXor, tU32, d.o, x.o, y.o, operand{})
	return d
}

// CvtU32U64 is the low 32 bits of x (cvt.u32.u64).
func (b *Builder) CvtU32U64(x U64) U32 {
	d := b.NewU32()
	b.op3(opCvtU32U64, tU32, d.o, x.o, operand{}, operand{})
	return d
}

// JoinU64 is hi·2³² + lo: a 64-bit value passed as two u32 parameters.
func (b *Builder) JoinU64(lo, hi U32) U64 {
	return b.AddU64(b.ShlU64(b.CvtU64(hi), ImmU32(32)), b.CvtU64(lo))
}
