package autograd

import "github.com/modeldoctor/modeldoctor/tensor"

var (
	opSum         = register("sum")
	opMax         = register("max")
	opBroadcastTo = register("broadcast_to")
	opSumTo       = register("sum_to")
)

// Sum sums over axes (all when none are given).
func Sum(x *Value, axes []int, keepdim bool) *Value {
	xs := x.Shape()
	kept := tensor.Sum(x.t, axes, true).Shape()
	return record(opSum, tensor.Sum(x.t, axes, keepdim), []*Value{x}, func(g *Value) []*Value {
		return []*Value{BroadcastTo(Reshape(g, kept...), xs)}
	})
}

// SumAll sums every element into a 0-d value.
func SumAll(x *Value) *Value { return Sum(x, nil, false) }

// Mean averages over axes (all when none are given).
func Mean(x *Value, axes []int, keepdim bool) *Value {
	s := x.Shape()
	n := 1
	if len(axes) == 0 {
		n = x.t.Len()
	}
	for _, a := range axes {
		if a < 0 {
			a += len(s)
		}
		n *= s[a]
	}
	return MulScalar(Sum(x, axes, keepdim), 1/float32(n))
}

// Max takes the maximum over axes; tied maxima share the gradient equally
// (as torch.amax).
func Max(x *Value, axes []int, keepdim bool) *Value {
	xs := x.Shape()
	kept := tensor.Max(x.t, axes, true)
	mask := tensor.Eq(x.t, kept)
	share := tensor.Div(mask, tensor.Sum(mask, axes, true))
	out := kept
	if !keepdim {
		out = tensor.Max(x.t, axes, false)
	}
	return record(opMax, out, []*Value{x}, func(g *Value) []*Value {
		return []*Value{Mul(BroadcastTo(Reshape(g, kept.Shape()...), xs), Const(share))}
	})
}

// BroadcastTo expands x to shape.
func BroadcastTo(x *Value, shape []int) *Value {
	if tensor.SameShape(x.Shape(), shape) {
		return x
	}
	xs := x.Shape()
	return record(opBroadcastTo, tensor.BroadcastTo(x.t, shape), []*Value{x}, func(g *Value) []*Value {
		return []*Value{SumTo(g, xs)}
	})
}

// SumTo sums x over broadcast axes down to shape (BroadcastTo's adjoint).
func SumTo(x *Value, shape []int) *Value {
	if tensor.SameShape(x.Shape(), shape) {
		return x
	}
	xs := x.Shape()
	return record(opSumTo, tensor.SumTo(x.t, shape), []*Value{x}, func(g *Value) []*Value {
		return []*Value{BroadcastTo(g, xs)}
	})
}
