package autograd

import "github.com/modeldoctor/modeldoctor/tensor"

var (
	opNeg       = register("neg")
	opExp       = register("exp")
	opLog       = register("log")
	opSqrt      = register("sqrt")
	opAbs       = register("abs")
	opTanh      = register("tanh")
	opSigmoid   = register("sigmoid")
	opRelu      = register("relu")
	opReluBack  = register("relu_backward")
	opLeakyRelu = register("leaky_relu")
	opRelu6     = register("relu6")
	opRelu6Back = register("relu6_backward")
	opAddScalar = register("add_scalar")
	opMulScalar = register("mul_scalar")
	opPowScalar = register("pow_scalar")
)

// Neg returns −x.
func Neg(x *Value) *Value {
	return record(opNeg, tensor.Neg(x.t), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Neg(g)}
	})
}

// Exp returns eˣ.
func Exp(x *Value) *Value {
	var out *Value
	out = record(opExp, tensor.Exp(x.t), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Mul(g, out)}
	})
	return out
}

// Log returns ln x.
func Log(x *Value) *Value {
	return record(opLog, tensor.Log(x.t), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Div(g, x)}
	})
}

// Sqrt returns √x.
func Sqrt(x *Value) *Value {
	var out *Value
	out = record(opSqrt, tensor.Sqrt(x.t), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Div(MulScalar(g, 0.5), out)}
	})
	return out
}

// Abs returns |x| (gradient sign(x), 0 at 0).
func Abs(x *Value) *Value {
	return record(opAbs, tensor.Abs(x.t), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Mul(g, Const(tensor.Sign(x.t)))}
	})
}

// Tanh returns tanh x.
func Tanh(x *Value) *Value {
	var out *Value
	out = record(opTanh, tensor.Tanh(x.t), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Mul(g, RsubScalar(Mul(out, out), 1))}
	})
	return out
}

// Sigmoid returns 1/(1+e⁻ˣ).
func Sigmoid(x *Value) *Value {
	var out *Value
	out = record(opSigmoid, tensor.Sigmoid(x.t), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Mul(g, Mul(out, RsubScalar(out, 1)))}
	})
	return out
}

// Relu returns max(x, 0). Its derivative mask is piecewise constant, so it
// contributes no second-order term of its own: the backward is
// reluBackward(g, y) = g·[y > 0], linear in g, whose own derivative is
// reluBackward again (with respect to y it is zero almost everywhere).
func Relu(x *Value) *Value {
	y := tensor.Relu(x.t)
	return record(opRelu, y, []*Value{x}, func(g *Value) []*Value {
		return []*Value{reluBackward(g, y)}
	})
}

// reluBackward masks g to where y (relu's output) is positive.
func reluBackward(g *Value, y *tensor.Tensor) *Value {
	return record(opReluBack, tensor.ReluBackward(g.t, y), []*Value{g}, func(gg *Value) []*Value {
		return []*Value{reluBackward(gg, y)}
	})
}

// LeakyRelu returns x for x > 0 and slope·x otherwise.
func LeakyRelu(x *Value, slope float32) *Value {
	pos := tensor.GtScalar(x.t, 0)
	// d = pos + slope·(1 − pos)
	d := tensor.AddScalar(tensor.MulScalar(pos, 1-slope), slope)
	return record(opLeakyRelu, tensor.Mul(x.t, d), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Mul(g, Const(d))}
	})
}

// Relu6 returns min(max(x, 0), 6). Like Relu's, its backward masks g by
// its output (0 < y < 6) with relu6_backward, linear in g and its own
// derivative.
func Relu6(x *Value) *Value {
	y := tensor.Relu6(x.t)
	return record(opRelu6, y, []*Value{x}, func(g *Value) []*Value {
		return []*Value{relu6Backward(g, y)}
	})
}

func relu6Backward(g *Value, y *tensor.Tensor) *Value {
	return record(opRelu6Back, tensor.Relu6Backward(g.t, y), []*Value{g}, func(gg *Value) []*Value {
		return []*Value{relu6Backward(gg, y)}
	})
}

// AddScalar returns x + c.
func AddScalar(x *Value, c float32) *Value {
	return record(opAddScalar, tensor.AddScalar(x.t, c), []*Value{x}, func(g *Value) []*Value {
		return []*Value{g}
	})
}

// MulScalar returns c · x.
func MulScalar(x *Value, c float32) *Value {
	return record(opMulScalar, tensor.MulScalar(x.t, c), []*Value{x}, func(g *Value) []*Value {
		return []*Value{MulScalar(g, c)}
	})
}

// RsubScalar returns c − x.
func RsubScalar(x *Value, c float32) *Value { return AddScalar(Neg(x), c) }

// PowScalar returns xᵖ.
func PowScalar(x *Value, p float32) *Value {
	return record(opPowScalar, tensor.PowScalar(x.t, p), []*Value{x}, func(g *Value) []*Value {
		if p == 1 {
			return []*Value{g}
		}
		return []*Value{Mul(g, MulScalar(PowScalar(x, p-1), p))}
	})
}

// Square returns x².
func Square(x *Value) *Value { return PowScalar(x, 2) }
