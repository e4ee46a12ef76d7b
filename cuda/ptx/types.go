package ptx

import (
	"fmt"
	"math"
)

// typ is a register or operation type.
type typ uint8

const (
	tNone typ = iota
	tU32
	tU64
	tF32
	tPred
)

func (t typ) String() string {
	switch t {
	case tU32:
		return "u32"
	case tU64:
		return "u64"
	case tF32:
		return "f32"
	case tPred:
		return "pred"
	}
	return "none"
}

// opKind says what an operand is.
type opKind uint8

const (
	oNone opKind = iota
	oReg
	oImm
	oSpecial // a special register such as %tid.x
	oSym     // the address of a shared array
)

// special registers, each a (register, axis) pair.
type special uint8

const (
	sTidX special = iota
	sTidY
	sTidZ
	sNtidX
	sNtidY
	sNtidZ
	sCtaidX
	sCtaidY
	sCtaidZ
	sNctaidX
	sNctaidY
	sNctaidZ
)

var specialNames = [...]string{"%tid.x", "%tid.y", "%tid.z", "%ntid.x", "%ntid.y", "%ntid.z",
	"%ctaid.x", "%ctaid.y", "%ctaid.z", "%nctaid.x", "%nctaid.y", "%nctaid.z"}

// operand is a register, an immediate, a special register or a shared
// array's address. id is the register slot or the shared array's index.
type operand struct {
	kind opKind
	t    typ
	id   int
	imm  uint64
}

// U32, U64, F32 and Pred are typed values: a register made by a Builder or
// an immediate (ImmU32, ImmF32, ImmU64). The Go types make a kernel that
// adds a float to an address fail to compile.
type (
	U32  struct{ o operand }
	U64  struct{ o operand }
	F32  struct{ o operand }
	Pred struct{ o operand }
)

// ImmU32 is a 32-bit unsigned immediate.
func ImmU32(v uint32) U32 { return U32{operand{kind: oImm, t: tU32, imm: uint64(v)}} }

// ImmU64 is a 64-bit unsigned immediate.
func ImmU64(v uint64) U64 { return U64{operand{kind: oImm, t: tU64, imm: v}} }

// ImmF32 is a float32 immediate (rendered as 0fXXXXXXXX, exact bits).
func ImmF32(v float32) F32 {
	return F32{operand{kind: oImm, t: tF32, imm: uint64(math.Float32bits(v))}}
}

// Axis picks x, y or z of a special register.
type Axis uint8

// The three axes of a grid or block.
const (
	X Axis = iota
	Y
	Z
)

// Cmp is a comparison for Setp. Float comparisons are ordered: false when
// either side is NaN.
type Cmp uint8

// The comparisons.
const (
	EQ Cmp = iota
	NE
	LT
	LE
	GT
	GE
)

var cmpNames = [...]string{"eq", "ne", "lt", "le", "gt", "ge"}

func (c Cmp) String() string {
	if int(c) < len(cmpNames) {
		return cmpNames[c]
	}
	return fmt.Sprintf("cmp(%d)", c)
}
