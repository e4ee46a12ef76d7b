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
	opBiasAdd = register("bias_add")
)

// biasAdd adds a layer's bias b [C] along axis 1 of y ([N,C,H,W] or
// [B,C]), writing into y's own storage: callers pass a y that they just
// made and that nothing else has seen (a convolution's or a matrix
// product's fresh output), whose node's backward does not read it. The sum
// is the same as Add with b reshaped to broadcast; the backward sums g
// over every axis but 1.
func biasAdd(y, b *Value) *Value {
	ys, bs := y.Shape(), b.Shape()
	tensor.AddBiasInPlace(y.t, b.t, 1)
	keep := make([]int, len(ys))
	for i := range keep {
		keep[i] = 1
	}
	keep[1] = ys[1]
	return record(opBiasAdd, y.t, []*Value{y, b}, func(g *Value) []*Value {
		var gb *Value
		if needGrad(1) {
			gb = Reshape(SumTo(g, keep), bs...)
		}
		return []*Value{g, gb}
	})
}

// Add returns a + b with broadcasting.
func Add(a, b *Value) *Value {
	return record(opAdd, tensor.Add(a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		var ga, gb *Value
		if needGrad(0) {
			ga = SumTo(g, a.Shape())
		}
		if needGrad(1) {
			gb = SumTo(g, b.Shape())
		}
		return []*Value{ga, gb}
	})
}

// Sub returns a − b with broadcasting.
func Sub(a, b *Value) *Value {
	return record(opSub, tensor.Sub(a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		var ga, gb *Value
		if needGrad(0) {
			ga = SumTo(g, a.Shape())
		}
		if needGrad(1) {
			gb = SumTo(Neg(g), b.Shape())
		}
		return []*Value{ga, gb}
	})
}

// Mul returns a · b with broadcasting.
func Mul(a, b *Value) *Value {
	return record(opMul, tensor.Mul(a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		var ga, gb *Value
		if needGrad(0) {
			ga = SumTo(Mul(g, b), a.Shape())
		}
		if needGrad(1) {
			gb = SumTo(Mul(g, a), b.Shape())
		}
		return []*Value{ga, gb}
	})
}

// Div returns a / b with broadcasting.
func Div(a, b *Value) *Value {
	return record(opDiv, tensor.Div(a.t, b.t), []*Value{a, b}, func(g *Value) []*Value {
		ga := Div(g, b)
		var gb *Value
		if needGrad(1) {
			gb = SumTo(Neg(Div(Mul(ga, a), b)), b.Shape())
		}
		if needGrad(0) {
			ga = SumTo(ga, a.Shape())
		} else {
			ga = nil
		}
		return []*Value{ga, gb}
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
		zero := Const(tensor.ZerosOn(g.t.Device()))
		return []*Value{SumTo(Where(cond, g, zero), a.Shape()), SumTo(Where(cond, zero, g), b.Shape())}
	})
}
