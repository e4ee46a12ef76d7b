package tensor

import (
	"fmt"
	"math"
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
	out := Zeros(x.shape...)
	backend().Unary(op, p, x, out)
	return out
}

// Binary applies op elementwise with broadcasting.
func Binary(op BinaryOp, a, b *Tensor) *Tensor {
	shape, err := BroadcastShapes(a.shape, b.shape)
	if err != nil {
		panic(fmt.Sprintf("tensor.%v: %v", op, err))
	}
	out := Zeros(shape...)
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
	c, av, bv := BroadcastTo(cond, s1), BroadcastTo(a, s1), BroadcastTo(b, s1)
	out := Zeros(s1...)
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
	parallelFor(len(os), 4, func(lo, hi int) {
		switch op { // hot ops get their own loops
		case OpMulScalar:
			for i := lo; i < hi; i++ {
				os[i] = xs[i] * p
			}
		case OpAddScalar:
			for i := lo; i < hi; i++ {
				os[i] = xs[i] + p
			}
		case OpRelu:
			for i := lo; i < hi; i++ {
				if v := xs[i]; v > 0 {
					os[i] = v
				} else {
					os[i] = 0
				}
			}
		case OpGtScalar:
			for i := lo; i < hi; i++ {
				if xs[i] > p {
					os[i] = 1
				} else {
					os[i] = 0
				}
			}
		default:
			for i := lo; i < hi; i++ {
				os[i] = unaryScalar(op, p, xs[i])
			}
		}
	})
}

// Binary implements Backend.
func (CPU) Binary(op BinaryOp, a, b, out *Tensor) {
	if SameShape(a.shape, b.shape) {
		as, bs, os := a.data, b.data, out.data
		parallelFor(len(os), 2, func(lo, hi int) {
			switch op {
			case OpAdd:
				for i := lo; i < hi; i++ {
					os[i] = as[i] + bs[i]
				}
			case OpMul:
				for i := lo; i < hi; i++ {
					os[i] = as[i] * bs[i]
				}
			default:
				for i := lo; i < hi; i++ {
					os[i] = binaryScalar(op, as[i], bs[i])
				}
			}
		})
		return
	}
	if len(out.data) == 0 {
		return
	}
	it := newBroadcastIter(out.shape, a.shape, b.shape)
	rows := len(out.data) / it.inner
	parallelFor(rows, it.inner, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ao, bo := it.offsets(r)
			o := out.data[r*it.inner : (r+1)*it.inner]
			sa, sb := it.innerA, it.innerB
			for i := range o {
				o[i] = binaryScalar(op, a.data[ao+i*sa], b.data[bo+i*sb])
			}
		}
	})
}
