package ptx

import "fmt"

// Builder records a kernel's parameters, shared arrays, registers and
// instructions. Its methods panic on misuse (a programming error in the
// kernel's Go source, caught by that kernel's tests).
type Builder struct {
	name    string
	params  []Param
	shared  []SharedArray
	regs    []typ // slot -> type
	regIdx  []int // slot -> index within its PTX register class
	nClass  [5]int
	instrs  []instr
	nLabels int
	labels  map[int]bool // labels placed so far
}

// Param is a kernel parameter: a global pointer (u64), a u32 or an f32.
type Param struct {
	Name string
	Kind ParamKind
}

// ParamKind is the type of a kernel parameter.
type ParamKind uint8

// The parameter kinds.
const (
	ParamPtr ParamKind = iota
	ParamU32
	ParamF32
)

func (k ParamKind) String() string {
	return [...]string{"ptr", "u32", "f32"}[k]
}

// SharedArray is a block-wide array of 32-bit words in shared memory.
type SharedArray struct {
	Name  string
	Words int
}

// New starts a kernel with the given entry name.
func New(name string) *Builder {
	return &Builder{name: name, labels: map[int]bool{}}
}

func (b *Builder) newReg(t typ) operand {
	slot := len(b.regs)
	b.regs = append(b.regs, t)
	b.regIdx = append(b.regIdx, b.nClass[t])
	b.nClass[t]++
	return operand{kind: oReg, t: t, id: slot}
}

// NewU32, NewU64, NewF32 and NewPred make fresh registers, for values a
// loop updates in place with the ...To methods.
func (b *Builder) NewU32() U32   { return U32{b.newReg(tU32)} }
func (b *Builder) NewU64() U64   { return U64{b.newReg(tU64)} }
func (b *Builder) NewF32() F32   { return F32{b.newReg(tF32)} }
func (b *Builder) NewPred() Pred { return Pred{b.newReg(tPred)} }

func (b *Builder) emit(in instr) { b.instrs = append(b.instrs, in) }

func mustReg(o operand, what string) {
	if o.kind != oReg {
		panic(fmt.Sprintf("ptx: %s must be a register", what))
	}
}

func (b *Builder) param(name string, kind ParamKind) int {
	for _, p := range b.params {
		if p.Name == name {
			panic("ptx: duplicate parameter " + name)
		}
	}
	b.params = append(b.params, Param{name, kind})
	return len(b.params) - 1
}

// ParamPtr declares a pointer parameter and returns it converted to a
// global-space address.
func (b *Builder) ParamPtr(name string) U64 {
	i := b.param(name, ParamPtr)
	raw := b.newReg(tU64)
	b.emit(instr{op: opLdParam, t: tU64, dst: raw, param: i})
	g := b.newReg(tU64)
	b.emit(instr{op: opCvta, t: tU64, dst: g, src: [3]operand{raw}})
	return U64{g}
}

// ParamU32 declares a u32 parameter.
func (b *Builder) ParamU32(name string) U32 {
	i := b.param(name, ParamU32)
	d := b.newReg(tU32)
	b.emit(instr{op: opLdParam, t: tU32, dst: d, param: i})
	return U32{d}
}

// ParamF32 declares an f32 parameter.
func (b *Builder) ParamF32(name string) F32 {
	i := b.param(name, ParamF32)
	d := b.newReg(tF32)
	b.emit(instr{op: opLdParam, t: tF32, dst: d, param: i})
	return F32{d}
}

// Shared declares a shared array of words 32-bit words and returns its
// shared-space address.
func (b *Builder) Shared(name string, words int) U32 {
	if words <= 0 {
		panic("ptx: empty shared array " + name)
	}
	b.shared = append(b.shared, SharedArray{name, words})
	d := b.newReg(tU32)
	b.emit(instr{op: opMov, t: tU32, dst: d, src: [3]operand{{kind: oSym, t: tU32, id: len(b.shared) - 1}}})
	return U32{d}
}

func (b *Builder) special(base special, a Axis) U32 {
	if a > Z {
		panic("ptx: bad axis")
	}
	d := b.newReg(tU32)
	b.emit(instr{op: opMov, t: tU32, dst: d, src: [3]operand{{kind: oSpecial, t: tU32, id: int(base) + int(a)}}})
	return U32{d}
}

// Tid, Ntid, Ctaid and Nctaid read %tid, %ntid, %ctaid and %nctaid.
func (b *Builder) Tid(a Axis) U32    { return b.special(sTidX, a) }
func (b *Builder) Ntid(a Axis) U32   { return b.special(sNtidX, a) }
func (b *Builder) Ctaid(a Axis) U32  { return b.special(sCtaidX, a) }
func (b *Builder) Nctaid(a Axis) U32 { return b.special(sNctaidX, a) }

// Label is a branch target made by NewLabel and placed by Place.
type Label struct{ id int }

// NewLabel makes a label to be placed later.
func (b *Builder) NewLabel() Label { b.nLabels++; return Label{b.nLabels - 1} }

// Place puts l at the current position.
func (b *Builder) Place(l Label) {
	if b.labels[l.id] {
		panic("ptx: label placed twice")
	}
	b.labels[l.id] = true
	b.emit(instr{op: opLabel, label: l.id})
}

// Bra jumps to l.
func (b *Builder) Bra(l Label) { b.emit(instr{op: opBra, label: l.id}) }

// BraIf jumps to l when p holds; BraIfNot when it does not.
func (b *Builder) BraIf(p Pred, l Label) {
	mustReg(p.o, "branch guard")
	b.emit(instr{op: opBra, label: l.id, guard: p.o})
}

// BraIfNot jumps to l when p does not hold.
func (b *Builder) BraIfNot(p Pred, l Label) {
	mustReg(p.o, "branch guard")
	b.emit(instr{op: opBra, label: l.id, guard: p.o, neg: true})
}

// If runs body's instructions only where p holds.
func (b *Builder) If(p Pred, body func()) {
	skip := b.NewLabel()
	b.BraIfNot(p, skip)
	body()
	b.Place(skip)
}

// Bar is bar.sync 0: every thread of the block waits here.
func (b *Builder) Bar() { b.emit(instr{op: opBar}) }

// Ret ends the thread.
func (b *Builder) Ret() { b.emit(instr{op: opRet}) }

// Build checks the kernel and freezes it. A kernel ends with an implicit
// ret.
func (b *Builder) Build() *Kernel {
	if n := len(b.instrs); n == 0 || b.instrs[n-1].op != opRet {
		b.Ret()
	}
	target := make([]int, b.nLabels)
	for i := range target {
		target[i] = -1
	}
	for pc, in := range b.instrs {
		if in.op == opLabel {
			target[in.label] = pc
		}
	}
	for _, in := range b.instrs {
		if in.op == opBra && target[in.label] < 0 {
			panic(fmt.Sprintf("ptx: kernel %s branches to a label never placed", b.name))
		}
	}
	return &Kernel{
		name: b.name, params: b.params, shared: b.shared,
		regs: b.regs, regIdx: b.regIdx, nClass: b.nClass,
		instrs: b.instrs, target: target,
	}
}
