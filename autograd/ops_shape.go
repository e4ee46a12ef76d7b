package autograd

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/tensor"
)

var (
	opReshape = register("reshape")
	opPermute = register("permute")
	opPad     = register("pad")
	opCrop    = register("crop")
	opConcat  = register("concat")
)

// Reshape returns x with a new shape (one dimension may be -1).
func Reshape(x *Value, shape ...int) *Value {
	xs := x.Shape()
	out := x.t.Reshape(shape...)
	if tensor.SameShape(out.Shape(), xs) {
		return x
	}
	return record(opReshape, out, []*Value{x}, func(g *Value) []*Value {
		return []*Value{Reshape(g, xs...)}
	})
}

// Flatten keeps axis 0 and merges the rest.
func Flatten(x *Value) *Value { return Reshape(x, x.Shape()[0], -1) }

// Permute reorders axes: output axis i is input axis perm[i].
func Permute(x *Value, perm ...int) *Value {
	inv := tensor.InversePermutation(perm)
	return record(opPermute, tensor.Permute(x.t, perm...), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Permute(g, inv...)}
	})
}

// Transpose swaps two axes.
func Transpose(x *Value, a, b int) *Value {
	nd := len(x.Shape())
	perm := make([]int, nd)
	for i := range perm {
		perm[i] = i
	}
	a, b = (a+nd)%nd, (b+nd)%nd
	perm[a], perm[b] = b, a
	return Permute(x, perm...)
}

// Pad pads the leading len(pads) axes with value.
func Pad(x *Value, pads [][2]int, value float32) *Value {
	return record(opPad, tensor.Pad(x.t, pads, value), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Crop(g, pads)}
	})
}

// Crop removes pads[i][0] leading and pads[i][1] trailing entries of axis i
// (the adjoint of zero padding).
func Crop(x *Value, pads [][2]int) *Value {
	return record(opCrop, tensor.Crop(x.t, pads), []*Value{x}, func(g *Value) []*Value {
		return []*Value{Pad(g, pads, 0)}
	})
}

// Narrow returns entries [start, start+length) of axis.
func Narrow(x *Value, axis, start, length int) *Value {
	xs := x.Shape()
	if axis < 0 {
		axis += len(xs)
	}
	if axis < 0 || axis >= len(xs) || start < 0 || length < 0 || start+length > xs[axis] {
		panic(fmt.Sprintf("autograd.Narrow: [%d, %d) of axis %d of %v", start, start+length, axis, xs))
	}
	pads := make([][2]int, axis+1)
	pads[axis] = [2]int{start, xs[axis] - start - length}
	return Crop(x, pads)
}

// Concat joins values along axis.
func Concat(xs []*Value, axis int) *Value {
	ts := make([]*tensor.Tensor, len(xs))
	sizes := make([]int, len(xs))
	for i, x := range xs {
		ts[i] = x.t
	}
	out := tensor.Concat(ts, axis)
	if axis < 0 {
		axis += len(out.Shape())
	}
	for i, x := range xs {
		sizes[i] = x.Shape()[axis]
	}
	return record(opConcat, out, xs, func(g *Value) []*Value {
		return Split(g, axis, sizes...)
	})
}

// Split cuts x along axis into pieces of the given sizes.
func Split(x *Value, axis int, sizes ...int) []*Value {
	out := make([]*Value, len(sizes))
	start := 0
	for i, s := range sizes {
		out[i] = Narrow(x, axis, start, s)
		start += s
	}
	return out
}

// Stack joins equally shaped values along a new axis.
func Stack(xs []*Value, axis int) *Value {
	parts := make([]*Value, len(xs))
	for i, x := range xs {
		s := x.Shape()
		a := axis
		if a < 0 {
			a += len(s) + 1
		}
		ns := append(append(append([]int{}, s[:a]...), 1), s[a:]...)
		parts[i] = Reshape(x, ns...)
	}
	if axis < 0 {
		axis += len(xs[0].Shape()) + 1
	}
	return Concat(parts, axis)
}
