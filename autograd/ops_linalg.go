package autograd

import "github.com/modeldoctor/modeldoctor/tensor"

var opMatMul = register("matmul")

// MatMul multiplies the last two axes with batch broadcasting.
func MatMul(a, b *Value) *Value { return MatMulT(a, b, false, false) }

// MatMulT multiplies op(a)·op(b), where op transposes the last two axes
// when its flag is set. Each case's gradients are again MatMulT products,
// so no explicit transposes are materialised.
func MatMulT(a, b *Value, transA, transB bool) *Value {
	as, bs := a.Shape(), b.Shape()
	return record(opMatMul, tensor.MatMulT(a.t, b.t, transA, transB), []*Value{a, b}, func(g *Value) []*Value {
		var ga, gb *Value
		switch {
		case !transA && !transB: // C = A·B
			ga, gb = MatMulT(g, b, false, true), MatMulT(a, g, true, false)
		case transA && !transB: // C = Aᵀ·B
			ga, gb = MatMulT(b, g, false, true), MatMulT(a, g, false, false)
		case !transA && transB: // C = A·Bᵀ
			ga, gb = MatMulT(g, b, false, false), MatMulT(g, a, true, false)
		default: // C = Aᵀ·Bᵀ
			ga, gb = MatMulT(b, g, true, true), MatMulT(g, a, true, true)
		}
		return []*Value{SumTo(ga, as), SumTo(gb, bs)}
	})
}

// Linear returns x·wᵀ + b for x [B, in], w [out, in], b [out] (b may be nil).
func Linear(x, w, b *Value) *Value {
	y := MatMulT(x, w, false, true)
	if b != nil {
		y = Add(y, b)
	}
	return y
}
