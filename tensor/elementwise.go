package tensor

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/modeldoctor/modeldoctor/asm"
)

// UnaryOp names an elementwise function of one tensor (and a scalar p).
type UnaryOp int

// Unary ops. p is the scalar parameter where the op takes one.
const (
	OpNeg        UnaryOp = iota
	OpExp                // e^x
	OpLog                // ln x
	OpSqrt               // √x
	OpAbs                // |x|
	OpSign               // -1, 0, 1
	OpTanh               // tanh x
	OpSigmoid            // 1/(1+e^-x)
	OpRelu               // max(x, 0)
	OpSquare             // x²
	OpRecip              // 1/x
	OpAddScalar          // x + p
	OpMulScalar          // x · p
	OpPowScalar          // x^p
	OpRsubScalar         // p − x
	OpGtScalar           // 1 if x > p else 0
	OpLtScalar           // 1 if x < p else 0
	OpClampMin           // max(x, p)
	OpClampMax           // min(x, p)
)

var unaryNames = [...]string{"Neg", "Exp", "Log", "Sqrt", "Abs", "Sign", "Tanh", "Sigmoid", "Relu", "Square",
	"Recip", "AddScalar", "MulScalar", "PowScalar", "RsubScalar", "GtScalar", "LtScalar", "ClampMin", "ClampMax"}

func (op UnaryOp) String() string { return unaryNames[op] }

// BinaryOp names an elementwise function of two broadcast tensors.
type BinaryOp int

// Binary ops.
const (
	OpAdd     BinaryOp = iota
	OpSub              // a − b
	OpMul              // a · b
	OpDiv              // a / b
	OpMaximum          // max(a, b)
	OpMinimum          // min(a, b)
	OpPow              // a^b
	OpGt               // 1 if a > b else 0
	OpGe               // 1 if a ≥ b else 0
	OpEq               // 1 if a == b else 0
)

var binaryNames = [...]string{"Add", "Sub", "Mul", "Div", "Maximum", "Minimum", "Pow", "Gt", "Ge", "Eq"}

func (op BinaryOp) String() string { return binaryNames[op] }

// Unary applies op elementwise.
func Unary(op UnaryOp, p float32, x *Tensor) *Tensor {
	if be := deviceOf(op.String(), x); be != nil {
		out := devOut(be, x.shape)
		onDevice(be, Op{Name: "Unary", Args: UnaryArgs{op, p}}, []*Tensor{x}, out, func(in, out []*Tensor) { backend().Unary(op, p, in[0], out[0]) })
		return out[0]
	}
	out := newTensorLike(x)
	backend().Unary(op, p, x, out)
	return out
}

// Binary applies op elementwise with broadcasting.
func Binary(op BinaryOp, a, b *Tensor) *Tensor {
	shape, err := BroadcastShapes(a.shape, b.shape)
	if err != nil {
		panic(fmt.Sprintf("tensor.%v: %v", op, err))
	}
	if be := deviceOf(op.String(), a, b); be != nil {
		out := devOut(be, shape)
		if Numel(shape) > 0 {
			onDevice(be, Op{Name: "Binary", Args: BinaryArgs{op}}, []*Tensor{a, b}, out, func(in, out []*Tensor) { backend().Binary(op, in[0], in[1], out[0]) })
		}
		return out[0]
	}
	out := newTensor(shape)
	if len(out.data) == 0 {
		return out // nothing to compute (and no inner run to divide by)
	}
	backend().Binary(op, a, b, out)
	return out
}

// Convenience wrappers.

func Neg(x *Tensor) *Tensor                   { return Unary(OpNeg, 0, x) }
func Exp(x *Tensor) *Tensor                   { return Unary(OpExp, 0, x) }
func Log(x *Tensor) *Tensor                   { return Unary(OpLog, 0, x) }
func Sqrt(x *Tensor) *Tensor                  { return Unary(OpSqrt, 0, x) }
func Abs(x *Tensor) *Tensor                   { return Unary(OpAbs, 0, x) }
func Sign(x *Tensor) *Tensor                  { return Unary(OpSign, 0, x) }
func Tanh(x *Tensor) *Tensor                  { return Unary(OpTanh, 0, x) }
func Sigmoid(x *Tensor) *Tensor               { return Unary(OpSigmoid, 0, x) }
func Relu(x *Tensor) *Tensor                  { return Unary(OpRelu, 0, x) }
func Square(x *Tensor) *Tensor                { return Unary(OpSquare, 0, x) }
func Recip(x *Tensor) *Tensor                 { return Unary(OpRecip, 0, x) }
func AddScalar(x *Tensor, p float32) *Tensor  { return Unary(OpAddScalar, p, x) }
func MulScalar(x *Tensor, p float32) *Tensor  { return Unary(OpMulScalar, p, x) }
func PowScalar(x *Tensor, p float32) *Tensor  { return Unary(OpPowScalar, p, x) }
func RsubScalar(x *Tensor, p float32) *Tensor { return Unary(OpRsubScalar, p, x) }
func GtScalar(x *Tensor, p float32) *Tensor   { return Unary(OpGtScalar, p, x) }
func LtScalar(x *Tensor, p float32) *Tensor   { return Unary(OpLtScalar, p, x) }
func ClampMin(x *Tensor, p float32) *Tensor   { return Unary(OpClampMin, p, x) }
func ClampMax(x *Tensor, p float32) *Tensor   { return Unary(OpClampMax, p, x) }
func Add(a, b *Tensor) *Tensor                { return Binary(OpAdd, a, b) }
func Sub(a, b *Tensor) *Tensor                { return Binary(OpSub, a, b) }
func Mul(a, b *Tensor) *Tensor                { return Binary(OpMul, a, b) }
func Div(a, b *Tensor) *Tensor                { return Binary(OpDiv, a, b) }
func Maximum(a, b *Tensor) *Tensor            { return Binary(OpMaximum, a, b) }
func Minimum(a, b *Tensor) *Tensor            { return Binary(OpMinimum, a, b) }
func Pow(a, b *Tensor) *Tensor                { return Binary(OpPow, a, b) }
func Gt(a, b *Tensor) *Tensor                 { return Binary(OpGt, a, b) }
func Ge(a, b *Tensor) *Tensor                 { return Binary(OpGe, a, b) }
func Eq(a, b *Tensor) *Tensor                 { return Binary(OpEq, a, b) }

// Where picks a where cond is non-zero and b elsewhere, broadcasting all three.
func Where(cond, a, b *Tensor) *Tensor {
	s1, err := BroadcastShapes(cond.shape, a.shape)
	if err == nil {
		s1, err = BroadcastShapes(s1, b.shape)
	}
	if err != nil {
		panic(fmt.Sprintf("tensor.Where: cond %v, a %v, b %v: %v", cond.shape, a.shape, b.shape, err))
	}
	if be := deviceOf("Where", cond, a, b); be != nil {
		out := devOut(be, s1)
		onDevice(be, Op{Name: "Where"}, []*Tensor{cond, a, b}, out, func(in, out []*Tensor) { out[0].CopyFrom(Where(in[0], in[1], in[2])) })
		return out[0]
	}
	c, av, bv := BroadcastTo(cond, s1), BroadcastTo(a, s1), BroadcastTo(b, s1)
	out := newTensor(s1)
	parallelFor(len(out.data), 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if c.data[i] != 0 {
				out.data[i] = av.data[i]
			} else {
				out.data[i] = bv.data[i]
			}
		}
	})
	return out
}

func unaryScalar(op UnaryOp, p float32, v float32) float32 {
	switch op {
	case OpNeg:
		return -v
	case OpExp:
		return float32(math.Exp(float64(v)))
	case OpLog:
		return float32(math.Log(float64(v)))
	case OpSqrt:
		return float32(math.Sqrt(float64(v)))
	case OpAbs:
		return float32(math.Abs(float64(v)))
	case OpSign:
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return 0
	case OpTanh:
		return float32(math.Tanh(float64(v)))
	case OpSigmoid:
		return float32(1 / (1 + math.Exp(-float64(v))))
	case OpRelu:
		if v > 0 {
			return v
		}
		return 0
	case OpSquare:
		return v * v
	case OpRecip:
		return 1 / v
	case OpAddScalar:
		return v + p
	case OpMulScalar:
		return v * p
	case OpPowScalar:
		switch p {
		case 2:
			return v * v
		case 1:
			return v
		case 0.5:
			return float32(math.Sqrt(float64(v)))
		}
		return float32(math.Pow(float64(v), float64(p)))
	case OpRsubScalar:
		return p - v
	case OpGtScalar:
		if v > p {
			return 1
		}
		return 0
	case OpLtScalar:
		if v < p {
			return 1
		}
		return 0
	case OpClampMin:
		if v < p {
			return p
		}
		return v
	case OpClampMax:
		if v > p {
			return p
		}
		return v
	}
	panic(fmt.Sprintf("tensor: unknown unary op %d", op))
}

func binaryScalar(op BinaryOp, a, b float32) float32 {
	switch op {
	case OpAdd:
		return a + b
	case OpSub:
		return a - b
	case OpMul:
		return a * b
	case OpDiv:
		return a / b
	case OpMaximum:
		if a >= b {
			return a
		}
		return b
	case OpMinimum:
		if a <= b {
			return a
		}
		return b
	case OpPow:
		return float32(math.Pow(float64(a), float64(b)))
	case OpGt:
		if a > b {
			return 1
		}
		return 0
	case OpGe:
		if a >= b {
			return 1
		}
		return 0
	case OpEq:
		if a == b {
			return 1
		}
		return 0
	}
	panic(fmt.Sprintf("tensor: unknown binary op %d", op))
}

// Unary implements Backend.
func (CPU) Unary(op UnaryOp, p float32, x, out *Tensor) {
	xs, os := x.data, out.data
	parallelFor(len(os), unaryCost(op), func(lo, hi int) {
		unaryKernel(op, p, xs[lo:hi], os[lo:hi])
	})
}

// Unary implements Backend: ReLU, the hot op of a CNN step, runs on
// asm.Relu (the same bits as reluBits); the rest as in the CPU reference.
func (SIMD) Unary(op UnaryOp, p float32, x, out *Tensor) {
	if op != OpRelu {
		CPU{}.Unary(op, p, x, out)
		return
	}
	xs, os := x.data, out.data
	parallelFor(len(os), 1, func(lo, hi int) {
		asm.Relu(os[lo:hi], xs[lo:hi])
	})
}

// unaryCost is the relative work per element of op, for parallelFor.
func unaryCost(op UnaryOp) int {
	switch op {
	case OpExp, OpLog, OpTanh, OpSigmoid, OpPowScalar, OpSqrt:
		return 16
	}
	return 1
}

// unaryKernel writes op(x) into o (len(o) == len(x)): the hot ops get
// their own branch-free loops, the rest go through unaryScalar.
func unaryKernel(op UnaryOp, p float32, x, o []float32) {
	o = o[:len(x)]
	switch op {
	case OpMulScalar:
		for i, v := range x {
			o[i] = v * p
		}
	case OpAddScalar:
		for i, v := range x {
			o[i] = v + p
		}
	case OpNeg:
		for i, v := range x {
			o[i] = -v
		}
	case OpSquare:
		for i, v := range x {
			o[i] = v * v
		}
	case OpRsubScalar:
		for i, v := range x {
			o[i] = p - v
		}
	case OpRecip:
		for i, v := range x {
			o[i] = 1 / v
		}
	case OpRelu:
		reluBits(x, o)
	case OpGtScalar:
		ou := u32(o)[:len(x)]
		for i, v := range x {
			var m uint32
			if v > p {
				m = one32
			}
			ou[i] = m
		}
	case OpLtScalar:
		ou := u32(o)[:len(x)]
		for i, v := range x {
			var m uint32
			if v < p {
				m = one32
			}
			ou[i] = m
		}
	case OpPowScalar:
		switch p {
		case 1:
			copy(o, x)
			return
		case 2:
			for i, v := range x {
				o[i] = v * v
			}
			return
		}
		for i, v := range x {
			o[i] = unaryScalar(op, p, v)
		}
	case OpExp:
		for i, v := range x {
			o[i] = float32(math.Exp(float64(v)))
		}
	case OpLog:
		for i, v := range x {
			o[i] = float32(math.Log(float64(v)))
		}
	case OpSqrt:
		for i, v := range x {
			o[i] = float32(math.Sqrt(float64(v)))
		}
	case OpTanh:
		for i, v := range x {
			o[i] = float32(math.Tanh(float64(v)))
		}
	case OpSigmoid:
		for i, v := range x {
			o[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	case OpAbs:
		xs, os := u32(x), u32(o)[:len(x)]
		for i, v := range xs {
			os[i] = v &^ (1 << 31)
		}
	default:
		for i, v := range x {
			o[i] = unaryScalar(op, p, v)
		}
	}
}

// one32 is the bit pattern of float32(1).
const one32 = 0x3f800000

// u32 views float32 storage as its bit patterns.
func u32(x []float32) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

// reluBits writes max(x, 0) into o by clearing every value whose sign bit
// is set (a compare-and-branch mispredicts on every other element of
// zero-mean data). Negative zero and negative NaNs become +0; positive NaNs
// pass through, as torch.relu lets NaN through.
func reluBits(x, o []float32) {
	xs, os := u32(x), u32(o)
	os = os[:len(xs)]
	for i, v := range xs {
		os[i] = v &^ uint32(int32(v)>>31)
	}
}

// Binary implements Backend.
func (CPU) Binary(op BinaryOp, a, b, out *Tensor) {
	if SameShape(a.shape, b.shape) {
		as, bs, os := a.data, b.data, out.data
		parallelFor(len(os), binaryCost(op), func(lo, hi int) {
			binaryRow(op, os[lo:hi], as[lo:hi], 1, bs[lo:hi], 1)
		})
		return
	}
	if len(out.data) == 0 {
		return
	}
	it := newBroadcastIter(out.shape, a.shape, b.shape)
	rows := len(out.data) / it.inner
	parallelFor(rows, it.inner*binaryCost(op), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ao, bo := it.offsets(r)
			binaryRow(op, out.data[r*it.inner:(r+1)*it.inner], a.data[ao:], it.innerA, b.data[bo:], it.innerB)
		}
	})
}

func binaryCost(op BinaryOp) int {
	if op == OpPow {
		return 16
	}
	return 1
}

// binaryRow writes o[i] = op(a[i·sa], b[i·sb]). The common strides (both
// contiguous, or one operand a broadcast scalar) of the hot ops get tight
// loops.
func binaryRow(op BinaryOp, o, a []float32, sa int, b []float32, sb int) {
	n := len(o)
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		switch op {
		case OpAdd:
			for i := range o {
				o[i] = a[i] + b[i]
			}
			return
		case OpSub:
			for i := range o {
				o[i] = a[i] - b[i]
			}
			return
		case OpMul:
			for i := range o {
				o[i] = a[i] * b[i]
			}
			return
		case OpDiv:
			for i := range o {
				o[i] = a[i] / b[i]
			}
			return
		}
	case sa == 1 && sb == 0:
		a = a[:n]
		bv := b[0]
		switch op {
		case OpAdd:
			for i := range o {
				o[i] = a[i] + bv
			}
			return
		case OpSub:
			for i := range o {
				o[i] = a[i] - bv
			}
			return
		case OpMul:
			for i := range o {
				o[i] = a[i] * bv
			}
			return
		case OpDiv:
			for i := range o {
				o[i] = a[i] / bv
			}
			return
		}
	case sa == 0 && sb == 1:
		b = b[:n]
		av := a[0]
		switch op {
		case OpAdd:
			for i := range o {
				o[i] = av + b[i]
			}
			return
		case OpSub:
			for i := range o {
				o[i] = av - b[i]
			}
			return
		case OpMul:
			for i := range o {
				o[i] = av * b[i]
			}
			return
		case OpDiv:
			for i := range o {
				o[i] = av / b[i]
			}
			return
		}
	}
	for i := range o {
		o[i] = binaryScalar(op, a[i*sa], b[i*sb])
	}
}
