package ptx

// Arithmetic, comparison, conversion and memory instructions. Each value
// method returns a fresh register; the ...To form writes an existing one
// (a loop counter, an accumulator).

func (b *Builder) op3(op opcode, t typ, d, x, y, z operand) {
	mustReg(d, "destination")
	b.emit(instr{op: op, t: t, dst: d, src: [3]operand{x, y, z}})
}

// MovU32To copies src into dst (dst must be a register).
func (b *Builder) MovU32To(dst, src U32) { b.op3(opMov, tU32, dst.o, src.o, operand{}, operand{}) }

// MovU64To copies src into dst.
func (b *Builder) MovU64To(dst, src U64) { b.op3(opMov, tU64, dst.o, src.o, operand{}, operand{}) }

// MovF32To copies src into dst.
func (b *Builder) MovF32To(dst, src F32) { b.op3(opMov, tF32, dst.o, src.o, operand{}, operand{}) }

// MovU32 copies src into a fresh register.
func (b *Builder) MovU32(src U32) U32 { d := b.NewU32(); b.MovU32To(d, src); return d }

// MovF32 copies src into a fresh register.
func (b *Builder) MovF32(src F32) F32 { d := b.NewF32(); b.MovF32To(d, src); return d }

// AddU32To sets dst = x + y (mod 2³²).
func (b *Builder) AddU32To(dst, x, y U32) { b.op3(opAdd, tU32, dst.o, x.o, y.o, operand{}) }

// AddU32 is x + y (mod 2³²).
func (b *Builder) AddU32(x, y U32) U32 { d := b.NewU32(); b.AddU32To(d, x, y); return d }

// SubU32 is x - y (mod 2³²).
func (b *Builder) SubU32(x, y U32) U32 {
	d := b.NewU32()
	b.op3(opSub, tU32, d.o, x.o, y.o, operand{})
	return d
}

// MulU32 is the low 32 bits of x*y.
func (b *Builder) MulU32(x, y U32) U32 {
	d := b.NewU32()
	b.op3(opMul, tU32, d.o, x.o, y.o, operand{})
	return d
}

// MadU32 is the low 32 bits of x*y + z.
func (b *Builder) MadU32(x, y, z U32) U32 {
	d := b.NewU32()
	b.op3(opMad, tU32, d.o, x.o, y.o, z.o)
	return d
}

// ShrU32 is x >> y (logical).
func (b *Builder) ShrU32(x, y U32) U32 {
	d := b.NewU32()
	b.op3(opShr, tU32, d.o, x.o, y.o, operand{})
	return d
}

// ShlU32 is x << y.
func (b *Builder) ShlU32(x, y U32) U32 {
	d := b.NewU32()
	b.op3(opShl, tU32, d.o, x.o, y.o, operand{})
	return d
}

// AndU32 is x & y.
func (b *Builder) AndU32(x, y U32) U32 {
	d := b.NewU32()
	b.op3(opAnd, tU32, d.o, x.o, y.o, operand{})
	return d
}

// MinU32 is the smaller of x and y.
func (b *Builder) MinU32(x, y U32) U32 {
	d := b.NewU32()
	b.op3(opMin, tU32, d.o, x.o, y.o, operand{})
	return d
}

// MulWideU32 is the full 64-bit product x*y.
func (b *Builder) MulWideU32(x, y U32) U64 {
	d := b.NewU64()
	b.op3(opMulWide, tU32, d.o, x.o, y.o, operand{})
	return d
}

// CvtU64 zero-extends x.
func (b *Builder) CvtU64(x U32) U64 {
	d := b.NewU64()
	b.op3(opCvtU64U32, tU64, d.o, x.o, operand{}, operand{})
	return d
}

// AddU64To sets dst = x + y.
func (b *Builder) AddU64To(dst, x, y U64) { b.op3(opAdd, tU64, dst.o, x.o, y.o, operand{}) }

// AddU64 is x + y.
func (b *Builder) AddU64(x, y U64) U64 { d := b.NewU64(); b.AddU64To(d, x, y); return d }

// Index4 is base + 4*i: the address of element i of a 32-bit array.
func (b *Builder) Index4(base U64, i U32) U64 {
	return b.AddU64(base, b.MulWideU32(i, ImmU32(4)))
}

// AddF32To sets dst = x + y, rounded to nearest even.
func (b *Builder) AddF32To(dst, x, y F32) { b.op3(opAdd, tF32, dst.o, x.o, y.o, operand{}) }

// AddF32 is x + y, rounded to nearest even.
func (b *Builder) AddF32(x, y F32) F32 { d := b.NewF32(); b.AddF32To(d, x, y); return d }

// SubF32 is x - y, rounded to nearest even.
func (b *Builder) SubF32(x, y F32) F32 {
	d := b.NewF32()
	b.op3(opSub, tF32, d.o, x.o, y.o, operand{})
	return d
}

// MulF32 is x * y, rounded to nearest even.
func (b *Builder) MulF32(x, y F32) F32 {
	d := b.NewF32()
	b.op3(opMul, tF32, d.o, x.o, y.o, operand{})
	return d
}

// FmaF32To sets dst = x*y + z with a single rounding.
func (b *Builder) FmaF32To(dst, x, y, z F32) { b.op3(opFma, tF32, dst.o, x.o, y.o, z.o) }

// FmaF32 is x*y + z with a single rounding.
func (b *Builder) FmaF32(x, y, z F32) F32 { d := b.NewF32(); b.FmaF32To(d, x, y, z); return d }

// MaxF32 is the larger of x and y (the other one if one is NaN).
func (b *Builder) MaxF32(x, y F32) F32 {
	d := b.NewF32()
	b.op3(opMax, tF32, d.o, x.o, y.o, operand{})
	return d
}

// SetpU32 compares x and y as unsigned integers.
func (b *Builder) SetpU32(c Cmp, x, y U32) Pred {
	d := b.NewPred()
	b.emit(instr{op: opSetp, t: tU32, cmp: c, dst: d.o, src: [3]operand{x.o, y.o}})
	return d
}

// SetpF32 compares x and y (ordered: false when either is NaN).
func (b *Builder) SetpF32(c Cmp, x, y F32) Pred {
	d := b.NewPred()
	b.emit(instr{op: opSetp, t: tF32, cmp: c, dst: d.o, src: [3]operand{x.o, y.o}})
	return d
}

// AndPred is p && q.
func (b *Builder) AndPred(p, q Pred) Pred {
	d := b.NewPred()
	b.op3(opAnd, tPred, d.o, p.o, q.o, operand{})
	return d
}

// SelpF32 is x if p holds, else y.
func (b *Builder) SelpF32(p Pred, x, y F32) F32 {
	mustReg(p.o, "selp predicate")
	d := b.NewF32()
	b.op3(opSelp, tF32, d.o, x.o, y.o, p.o)
	return d
}

// LdGlobalF32To loads the f32 at addr+off (bytes) into dst.
func (b *Builder) LdGlobalF32To(dst F32, addr U64, off int32) {
	mustReg(dst.o, "destination")
	b.emit(instr{op: opLd, t: tF32, space: global, dst: dst.o, src: [3]operand{addr.o}, off: off})
}

// LdGlobalF32 loads the f32 at addr+off (bytes).
func (b *Builder) LdGlobalF32(addr U64, off int32) F32 {
	d := b.NewF32()
	b.LdGlobalF32To(d, addr, off)
	return d
}

// StGlobalF32 stores v at addr+off (bytes).
func (b *Builder) StGlobalF32(addr U64, off int32, v F32) {
	b.emit(instr{op: opSt, t: tF32, space: global, src: [3]operand{addr.o, v.o}, off: off})
}

// LdSharedF32To loads the shared f32 at addr+off (bytes) into dst.
func (b *Builder) LdSharedF32To(dst F32, addr U32, off int32) {
	mustReg(dst.o, "destination")
	b.emit(instr{op: opLd, t: tF32, space: shared, dst: dst.o, src: [3]operand{addr.o}, off: off})
}

// LdSharedF32 loads the shared f32 at addr+off (bytes).
func (b *Builder) LdSharedF32(addr U32, off int32) F32 {
	d := b.NewF32()
	b.LdSharedF32To(d, addr, off)
	return d
}

// StSharedF32 stores v at shared addr+off (bytes).
func (b *Builder) StSharedF32(addr U32, off int32, v F32) {
	b.emit(instr{op: opSt, t: tF32, space: shared, src: [3]operand{addr.o, v.o}, off: off})
}
