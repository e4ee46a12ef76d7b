package ptx

import (
	"fmt"
	"math"
)

// val reads an operand for thread th.
func (l *launch) val(th *thread, o *operand) uint64 {
	switch o.kind {
	case oReg:
		return th.regs[o.id]
	case oImm:
		return o.imm
	case oSym:
		return uint64(l.sharedBase[o.id])
	case oSpecial:
		return uint64(l.specialVal(th, special(o.id)))
	}
	panic("ptx: empty operand")
}

func (l *launch) specialVal(th *thread, s special) uint32 {
	dims := [4]Dim3{th.tid, l.block, l.cta, l.grid}
	d := dims[s/3]
	return [3]uint32{d.X, d.Y, d.Z}[s%3]
}

func f32(v uint64) float32   { return math.Float32frombits(uint32(v)) }
func bitsF(f float32) uint64 { return uint64(math.Float32bits(f)) }

// step runs th until it exits (done) or reaches a bar.sync (pc on it).
func (l *launch) step(th *thread) error {
	k := l.k
	for {
		if th.pc >= len(k.instrs) {
			th.done = true
			return nil
		}
		th.steps++
		if th.steps > maxSteps {
			return fmt.Errorf("ran more than %d instructions", maxSteps)
		}
		in := &k.instrs[th.pc]
		pc := th.pc
		th.pc++
		switch in.op {
		case opLabel:
		case opRet:
			th.done = true
			return nil
		case opBar:
			th.pc = pc
			return nil
		case opBra:
			if in.guard.kind == oReg && (th.regs[in.guard.id] != 0) == in.neg {
				continue
			}
			th.pc = k.target[in.label]
		case opLdParam:
			th.regs[in.dst.id] = l.args[in.param]
		case opLd:
			v, err := l.load(th, in)
			if err != nil {
				return fmt.Errorf("instruction %d (ld.%s): %w", pc, in.space, err)
			}
			th.regs[in.dst.id] = v
		case opSt:
			if err := l.store(th, in); err != nil {
				return fmt.Errorf("instruction %d (st.%s): %w", pc, in.space, err)
			}
		case opLdV4, opStV4:
			if err := l.vec(th, in); err != nil {
				return fmt.Errorf("instruction %d (%s): %w", pc, vecMnemonic(in), err)
			}
		case opDiv, opRem:
			v, err := l.divRem(th, in)
			if err != nil {
				return fmt.Errorf("instruction %d (%s): %w", pc, extMnemonic(in), err)
			}
			th.regs[in.dst.id] = v
		default:
			th.regs[in.dst.id] = l.alu(th, in)
		}
	}
}

// alu evaluates the register-to-register instructions.
func (l *launch) alu(th *thread, in *instr) uint64 {
	if isExt(in) {
		return l.aluExt(th, in)
	}
	a := l.val(th, &in.src[0])
	var b, c uint64
	if in.src[1].kind != oNone {
		b = l.val(th, &in.src[1])
	}
	if in.src[2].kind != oNone {
		c = l.val(th, &in.src[2])
	}
	switch in.op {
	case opMov, opCvta:
		return a
	case opCvtU64U32, opCvtU32U64:
		return uint64(uint32(a))
	case opSelp:
		if c != 0 {
			return a
		}
		return b
	case opSetp:
		if compare(in.cmp, in.t, a, b) {
			return 1
		}
		return 0
	case opMulWide:
		return uint64(uint32(a)) * uint64(uint32(b))
	}
	switch in.t {
	case tF32:
		x, y := f32(a), f32(b)
		switch in.op {
		case opAdd:
			return bitsF(add32(x, y))
		case opSub:
			return bitsF(sub32(x, y))
		case opMul:
			return bitsF(mul32(x, y))
		case opFma:
			return bitsF(fma32(x, y, f32(c)))
		case opMax:
			return bitsF(max32(x, y))
		case opMin:
			return bitsF(min32(x, y))
		}
	case tU64:
		switch in.op {
		case opAdd:
			return a + b
		case opSub:
			return a - b
		case opMul:
			return a * b
		case opXor:
			return a ^ b
		case opShl: // the amount is a u32; PTX clamps it to 64
			if uint32(b) >= 64 {
				return 0
			}
			return a << uint32(b)
		case opShr:
			if uint32(b) >= 64 {
				return 0
			}
			return a >> uint32(b)
		}
	case tPred:
		if in.op == opAnd {
			return a & b
		}
	case tU32:
		x, y := uint32(a), uint32(b)
		switch in.op {
		case opAdd:
			return uint64(x + y)
		case opSub:
			return uint64(x - y)
		case opMul:
			return uint64(x * y)
		case opMad:
			return uint64(x*y + uint32(c))
		case opMax:
			return uint64(max(x, y))
		case opMin:
			return uint64(min(x, y))
		case opShl:
			if y >= 32 {
				return 0
			}
			return uint64(x << y)
		case opShr:
			if y >= 32 {
				return 0
			}
			return uint64(x >> y)
		case opAnd:
			return uint64(x & y)
		case opXor:
			return uint64(x ^ y)
		}
	}
	panic(fmt.Sprintf("ptx: no %s rule for opcode %d", in.t, in.op))
}

func compare(c Cmp, t typ, a, b uint64) bool {
	if t == tF32 {
		x, y := f32(a), f32(b)
		switch c {
		case EQ:
			return x == y
		case NE:
			return x != y && x == x && y == y
		case LT:
			return x < y
		case LE:
			return x <= y
		case GT:
			return x > y
		case GE:
			return x >= y
		}
	}
	switch c {
	case EQ:
		return a == b
	case NE:
		return a != b
	case LT:
		return a < b
	case LE:
		return a <= b
	case GT:
		return a > b
	case GE:
		return a >= b
	}
	panic("ptx: bad comparison")
}

func (l *launch) load(th *thread, in *instr) (uint64, error) {
	v, err := l.loadAt(th, in.space, l.val(th, &in.src[0])+uint64(int64(in.off)))
	return uint64(v), err
}

// loadAt reads the word at addr in space for th, checking for races in
// shared memory.
func (l *launch) loadAt(th *thread, sp space, addr uint64) (uint32, error) {
	if sp == global {
		w, err := l.mem.word(addr)
		if err != nil {
			return 0, err
		}
		return *w, nil
	}
	i, err := l.sharedIndex(addr)
	if err != nil {
		return 0, err
	}
	if o := l.owner[i]; o >= 0 && int(o) != th.lin {
		return 0, fmt.Errorf("shared word %d written by thread %d and read by thread %d with no barrier between", i, o, th.lin)
	}
	switch r := l.reader[i]; {
	case r == -1:
		l.reader[i] = int32(th.lin)
	case r >= 0 && int(r) != th.lin:
		l.reader[i] = -2
	}
	return l.shared[i], nil
}

func (l *launch) store(th *thread, in *instr) error {
	addr := l.val(th, &in.src[0]) + uint64(int64(in.off))
	return l.storeAt(th, in.space, addr, uint32(l.val(th, &in.src[1])))
}

// storeAt writes v to the word at addr in space for th, checking for
// races.
func (l *launch) storeAt(th *thread, sp space, addr uint64, v uint32) error {
	if sp == global {
		w, err := l.mem.word(addr)
		if err != nil {
			return err
		}
		gid := l.globalThread(th)
		if o, ok := l.gwriter[addr]; ok && o != gid {
			return fmt.Errorf("global address %#x written by threads %d and %d in one launch", addr, o, gid)
		}
		l.gwriter[addr] = gid
		*w = v
		return nil
	}
	i, err := l.sharedIndex(addr)
	if err != nil {
		return err
	}
	if o := l.owner[i]; o >= 0 && int(o) != th.lin {
		return fmt.Errorf("shared word %d written by threads %d and %d with no barrier between", i, o, th.lin)
	}
	if r := l.reader[i]; r == -2 || (r >= 0 && int(r) != th.lin) {
		return fmt.Errorf("shared word %d read by another thread and written by thread %d with no barrier between", i, th.lin)
	}
	l.owner[i] = int32(th.lin)
	l.shared[i] = v
	return nil
}

func (l *launch) globalThread(th *thread) int {
	g := l.grid
	blk := int(l.cta.X) + int(g.X)*(int(l.cta.Y)+int(g.Y)*int(l.cta.Z))
	return blk*l.blockThreads + th.lin
}

// sharedIndex maps a shared byte address to a word, refusing the guard
// gaps between arrays.
func (l *launch) sharedIndex(addr uint64) (int, error) {
	if addr%4 != 0 {
		return 0, fmt.Errorf("shared address %d is not 4-byte aligned", addr)
	}
	for j, s := range l.k.shared {
		base := uint64(l.sharedBase[j])
		if addr >= base && addr < base+uint64(4*s.Words) {
			return int(addr / 4), nil
		}
	}
	return 0, fmt.Errorf("shared address %d is outside every shared array", addr)
}
