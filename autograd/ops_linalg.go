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
		needA, needB := needGrad(0), needGrad(1)
		switch {
		case !transA && !transB: // C = A·B
			if needA {
				ga = MatMulT(g, b, false, true)
			}
			if needB {
				gb = MatMulT(a, g, true, false)
			}
		case transA && !transB: // C = Aᵀ·B
			if needA {
				ga = MatMulT(b, g, false, true)
			}
			if needB {
				gb = MatMulT(a, g, false, false)
			}
		case !transA && transB: // C = A·Bᵀ
			if needA {
				ga = MatMulT(g, b, false, false)
			}
			if needB {
				gb = MatMulT(g, a, true, false)
			}
		default: // C = Aᵀ·Bᵀ
			if needA {
				ga = MatMulT(b, g, true, true)
			}
			if needB {
				gb = MatMulT(g, a, true, true)
			}
		}
		if ga != nil {
			ga = SumTo(ga, as)
		}
		if gb != nil {
			gb = SumTo(gb, bs)
		}
		return []*Value{ga, gb}
	})
}

// Linear returns x·wᵀ + b for x [B, in], w [out, in], b [out] (b may be nil).
func Linear(x, w, b *Value) *Value {
	y := MatMulT(x, w, false, true)
	if b != nil {
		if len(y.Shape()) == 2 {
			return biasAdd(y, b)
		}
		y = Add(y, b)
	}
	return y
}
