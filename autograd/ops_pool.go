package autograd

import "github.com/modeldoctor/modeldoctor/tensor"

var (
	opAvgPool2D          = register("avg_pool2d")
	opAvgPool2DT         = register("avg_pool2d_transpose")
	opAdaptiveAvgPool2D  = register("adaptive_avg_pool2d")
	opAdaptiveAvgPool2DT = register("adaptive_avg_pool2d_transpose")
)

// MaxPool2D takes window maxima. It is a gather with the argmax indices, so
// its backward is a scatter-add whose own backward is a gather again.
func MaxPool2D(x *Value, p tensor.PoolParams) *Value {
	s := x.Shape()
	out, idx := tensor.MaxPool2D(x.t, p)
	os := out.Shape()
	flat := tensor.NewIndices(idx.Data, os[0], os[1], os[2]*os[3])
	y := Gather(Reshape(x, s[0], s[1], s[2]*s[3]), 2, flat)
	return Reshape(y, os...)
}

// AvgPool2D averages over windows.
func AvgPool2D(x *Value, p tensor.PoolParams) *Value {
	xs := x.Shape()
	return record(opAvgPool2D, tensor.AvgPool2D(x.t, p), []*Value{x}, func(g *Value) []*Value {
		return []*Value{avgPool2DTranspose(g, p, xs)}
	})
}

func avgPool2DTranspose(gy *Value, p tensor.PoolParams, xShape []int) *Value {
	return record(opAvgPool2DT, tensor.AvgPool2DTranspose(gy.t, p, xShape), []*Value{gy}, func(g *Value) []*Value {
		return []*Value{AvgPool2D(g, p)}
	})
}

// AdaptiveAvgPool2D averages x to an oh×ow grid (PyTorch's windows).
func AdaptiveAvgPool2D(x *Value, oh, ow int) *Value {
	xs := x.Shape()
	return record(opAdaptiveAvgPool2D, tensor.AdaptiveAvgPool2D(x.t, oh, ow), []*Value{x}, func(g *Value) []*Value {
		return []*Value{adaptiveAvgPool2DTranspose(g, xs)}
	})
}

func adaptiveAvgPool2DTranspose(gy *Value, xShape []int) *Value {
	gs := gy.Shape()
	return record(opAdaptiveAvgPool2DT, tensor.AdaptiveAvgPool2DTranspose(gy.t, xShape), []*Value{gy}, func(g *Value) []*Value {
		return []*Value{AdaptiveAvgPool2D(g, gs[2], gs[3])}
	})
}

// GlobalAvgPool2D averages each plane to one number: [N,C,H,W] → [N,C].
func GlobalAvgPool2D(x *Value) *Value {
	s := x.Shape()
	return Reshape(AdaptiveAvgPool2D(x, 1, 1), s[0], s[1])
}
