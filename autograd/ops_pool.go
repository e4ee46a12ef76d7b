package autograd

import "github.com/modeldoctor/modeldoctor/tensor"

var (
	opMaxPool2D          = register("max_pool2d")
	opMaxPool2DBackward  = register("max_pool2d_backward")
	opAvgPool2D          = register("avg_pool2d")
	opAvgPool2DT         = register("avg_pool2d_transpose")
	opAdaptiveAvgPool2D  = register("adaptive_avg_pool2d")
	opAdaptiveAvgPool2DT = register("adaptive_avg_pool2d_transpose")
)

// MaxPool2D takes window maxima. It is a gather with the argmax indices
// (within each plane), so its backward is a scatter-add with the same
// indices, whose own backward is the gather again. The kernel finds the
// maxima and their positions in one pass; the recorded op is that gather.
func MaxPool2D(x *Value, p tensor.PoolParams) *Value {
	out, pi := tensor.MaxPool2DWithIndices(x.t, p)
	s := savedIndices(pi)
	return s.keep(poolGatherRecord(x, out, pi, s))
}

// poolGather is out[n,c,o] = x[n,c,idx[n,c,o]].
func poolGather(x *Value, pi *tensor.PoolIndices, s *saved) *Value {
	return s.keep(poolGatherRecord(x, tensor.PoolGather(x.t, pi), pi, s))
}

func poolGatherRecord(x *Value, out *tensor.Tensor, pi *tensor.PoolIndices, s *saved) *Value {
	return record(opMaxPool2D, out, []*Value{x}, func(g *Value) []*Value {
		return []*Value{poolScatter(g, pi, s)}
	})
}

// poolScatter adds g into zeros shaped as the pooling input at the
// indexed positions (max pooling's backward).
func poolScatter(g *Value, pi *tensor.PoolIndices, s *saved) *Value {
	return s.keep(record(opMaxPool2DBackward, tensor.PoolScatter(g.t, pi), []*Value{g}, func(gg *Value) []*Value {
		return []*Value{poolGather(gg, pi, s)}
	}))
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
