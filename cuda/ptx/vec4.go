package ptx

import (
	"fmt"
	"strings"
)

// 128-bit vector loads and stores: ld.global.v4.f32, ld.shared.v4.f32,
// st.global.v4.f32 and st.shared.v4.f32 move four consecutive f32 words
// at once. The address (register plus offset) must be a multiple of 16
// bytes: a GPU faults on a misaligned vector access (CUDA reports a
// misaligned address), and so does the interpreter, failing the launch.
// Shared arrays are declared .align 16 and global buffers start 16-byte
// aligned (cuMemAlloc's are 256-byte aligned; the interpreter's start on a
// buffer boundary), so an access is aligned exactly when its offset from
// the start of its array or buffer is.

// LdGlobalV4F32To loads the four f32 at addr+off (bytes, 16-byte aligned)
// into dst (ld.global.v4.f32). The four registers must be distinct.
func (b *Builder) LdGlobalV4F32To(dst [4]F32, addr U64, off int32) {
	b.ldV4(global, dst, addr.o, off)
}

// LdGlobalV4F32 loads the four f32 at addr+off (bytes, 16-byte aligned).
func (b *Builder) LdGlobalV4F32(addr U64, off int32) [4]F32 {
	d := [4]F32{b.NewF32(), b.NewF32(), b.NewF32(), b.NewF32()}
	b.LdGlobalV4F32To(d, addr, off)
	return d
}

// LdSharedV4F32To loads the four shared f32 at addr+off (bytes, 16-byte
// aligned) into dst (ld.shared.v4.f32). The four registers must be
// distinct.
func (b *Builder) LdSharedV4F32To(dst [4]F32, addr U32, off int32) {
	b.ldV4(shared, dst, addr.o, off)
}

// LdSharedV4F32 loads the four shared f32 at addr+off (bytes, 16-byte
// aligned).
func (b *Builder) LdSharedV4F32(addr U32, off int32) [4]F32 {
	d := [4]F32{b.NewF32(), b.NewF32(), b.NewF32(), b.NewF32()}
	b.LdSharedV4F32To(d, addr, off)
	return d
}

// StGlobalV4F32 stores v at addr+off (bytes, 16-byte aligned),
// st.global.v4.f32. The values must be registers.
func (b *Builder) StGlobalV4F32(addr U64, off int32, v [4]F32) {
	b.stV4(global, addr.o, off, v)
}

// StSharedV4F32 stores v at shared addr+off (bytes, 16-byte aligned),
// st.shared.v4.f32. The values must be registers.
func (b *Builder) StSharedV4F32(addr U32, off int32, v [4]F32) {
	b.stV4(shared, addr.o, off, v)
}

func (b *Builder) ldV4(sp space, dst [4]F32, addr operand, off int32) {
	in := instr{op: opLdV4, t: tF32, space: sp, src: [3]operand{addr}, off: off}
	for i, d := range dst {
		mustReg(d.o, "v4 destination")
		for _, e := range dst[:i] {
			if e.o.id == d.o.id {
				panic("ptx: a v4 load's four destinations must be distinct registers")
			}
		}
		in.vec[i] = d.o
	}
	b.emit(in)
}

func (b *Builder) stV4(sp space, addr operand, off int32, v [4]F32) {
	in := instr{op: opStV4, t: tF32, space: sp, src: [3]operand{addr}, off: off}
	for i, s := range v {
		mustReg(s.o, "v4 source")
		in.vec[i] = s.o
	}
	b.emit(in)
}

func isVec(in *instr) bool { return in.op == opLdV4 || in.op == opStV4 }

// vecMnemonic is in's opcode with its space and types.
func vecMnemonic(in *instr) string {
	op := "ld"
	if in.op == opStV4 {
		op = "st"
	}
	return fmt.Sprintf("%s.%s.v4.%s", op, in.space, in.t)
}

func (k *Kernel) emitVec(w *strings.Builder, in instr) {
	regs := make([]string, 4)
	for i, o := range in.vec {
		regs[i] = k.opnd(o)
	}
	v := "{" + strings.Join(regs, ", ") + "}"
	a := k.addr(in.src[0], in.off)
	if in.op == opLdV4 {
		fmt.Fprintf(w, "\t%s %s, %s;\n", vecMnemonic(&in), v, a)
	} else {
		fmt.Fprintf(w, "\t%s %s, %s;\n", vecMnemonic(&in), a, v)
	}
}

// vec runs a v4 load or store for th. A misaligned address faults before
// any word moves; otherwise each word goes through the scalar path (its
// bounds and race checks), the four in order.
func (l *launch) vec(th *thread, in *instr) error {
	addr := l.val(th, &in.src[0]) + uint64(int64(in.off))
	if addr%16 != 0 {
		if in.space == global {
			return fmt.Errorf("global address %#x is not 16-byte aligned (misaligned 128-bit access)", addr)
		}
		return fmt.Errorf("shared address %d is not 16-byte aligned (misaligned 128-bit access)", addr)
	}
	if in.op == opLdV4 {
		var v [4]uint32
		for i := range v {
			w, err := l.loadAt(th, in.space, addr+uint64(4*i))
			if err != nil {
				return err
			}
			v[i] = w
		}
		for i, o := range in.vec {
			th.regs[o.id] = uint64(v[i])
		}
		return nil
	}
	// A store that would run off its buffer or array faults before it
	// writes any of its words.
	for i := range 4 {
		var err error
		if a := addr + uint64(4*i); in.space == global {
			_, err = l.mem.word(a)
		} else {
			_, err = l.sharedIndex(a)
		}
		if err != nil {
			return err
		}
	}
	var v [4]uint32
	for i := range v {
		v[i] = uint32(l.val(th, &in.vec[i]))
	}
	for i := range v {
		if err := l.storeAt(th, in.space, addr+uint64(4*i), v[i]); err != nil {
			return err
		}
	}
	return nil
}
