package ptx

// opcode is one PTX instruction family.
type opcode uint8

const (
	opLabel opcode = iota // a branch target, no effect
	opLdParam
	opMov
	opAdd
	opSub
	opMul // mul.lo for integers, mul.rn for f32
	opMad // mad.lo.u32
	opFma // fma.rn.f32
	opMulWide
	opMax
	opMin
	opShl
	opShr
	opAnd // and.b32 and and.pred
	opXor // xor.b32, xor.b64
	opSetp
	opSelp
	opCvta      // cvta.to.global.u64
	opCvtU64U32 // zero extension
	opCvtU32U64 // truncation to the low 32 bits
	opLd
	opSt
	opBar
	opBra
	opRet
	// Added after the first set; intops.go renders and interprets them.
	opDiv       // div.u32, div.s32, div.rn.f32
	opRem       // rem.u32, rem.s32
	opCvtF32Int // cvt.rn.f32.u32, cvt.rn.f32.s32
	opCvtIntF32 // cvt.rzi.u32.f32, cvt.rzi.s32.f32
	// 128-bit vector memory access; vec4.go renders and interprets them.
	opLdV4 // ld.{global,shared}.v4.f32 into vec
	opStV4 // st.{global,shared}.v4.f32 of vec
)

// space is a memory state space.
type space uint8

const (
	global space = iota
	shared
)

func (s space) String() string {
	if s == shared {
		return "shared"
	}
	return "global"
}

// instr is one instruction. src holds up to three sources (selp's
// predicate is src[2]); ld/st address src[0] plus off bytes, st stores
// src[1]. A bra with a guard register branches when the guard (negated if
// neg) is true. The v4 loads and stores address src[0] plus off bytes
// and load into, or store, the four registers of vec.
type instr struct {
	op    opcode
	t     typ
	cmp   Cmp
	space space
	dst   operand
	src   [3]operand
	off   int32
	label int
	guard operand
	neg   bool
	param int
	sgn   bool // a u32 register's bits read as s32 (div, rem, min, max, setp, cvt)
	vec   [4]operand
}
