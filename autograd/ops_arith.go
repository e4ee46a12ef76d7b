package autograd

import "github.com/modeldoctor/modeldoctor/tensor"

var (
	opAdd     = register("add")
	opSub     = register("sub")
	opMul     = register("mul")
	opDiv     = register("div")
	opMaximum = register("maximum")
	opMinimum = register("minimum")
	opWhere   = register("where")
)

// Add returns a + b with broadcasting.
func Add(a, b *Value) *Value {
	return record(opAdd, tensor.Add(a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		return []*Value{SumTo(g, a.Shape()), SumTo(g, b.Shape())}
	})
}

// Sub returns a − b with broadcasting.
func Sub(a, b *Value) *Value {
	return record(opSub, tensor.Sub(a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		return []*Value{SumTo(g, a.Shape()), SumTo(Neg(g), b.Shape())}
	})
}

// Mul returns a · b with broadcasting.
func Mul(a, b *Value) *Value {
	return record(opMul, tensor.Mul(a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		return []*Value{SumTo(Mul(g, b), a.Shape()), SumTo(Mul(g, a), b.Shape())}
	})
}

// Div returns a / b with broadcasting.
func Div(a, b *Value) *Value {
	return record(opDiv, tensor.Div(a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		ga := Div(g, b)
		return []*Value{SumTo(ga, a.Shape()), SumTo(Neg(Div(Mul(ga, a), b)), b.Shape())}
	})
}

// Maximum returns max(a, b) elementwise; ties send the gradient to a.
func Maximum(a, b *Value) *Value {
	mask := tensor.Ge(a.t, b.t)
	return record(opMaximum, tensor.Maximum(a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		return splitByMask(g, mask, a, b)
	})
}

// Minimum returns min(a, b) elementwise; ties send the gradient to a.
func Minimum(a, b *Value) *Value {
	mask := tensor.Ge(b.t, a.t)
	return record(opMinimum, tensor.Minimum(a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		return splitByMask(g, mask, a, b)
	})
}

// splitByMask routes g to a where mask is 1 and to b elsewhere.
func splitByMask(g *Value, mask *tensor.Tensor, a, b *Value) []*Value {
	m := Const(mask)
	inv := Const(tensor.RsubScalar(mask, 1))
	return []*Value{SumTo(Mul(g, m), a.Shape()), SumTo(Mul(g, inv), b.Shape())}
}

// Where picks a where cond (a constant 0/1 mask) is non-zero and b
// elsewhere, with broadcasting.
func Where(cond *tensor.Tensor, a, b *Value) *Value {
	return record(opWhere, tensor.Where(cond, a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		zero := Const(tensor.Zeros())
		return []*Value{SumTo(Where(cond, g, zero), a.Shape()), SumTo(Where(cond, zero, g), b.Shape())}
	})
}
