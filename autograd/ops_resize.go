package autograd

import "github.com/modeldoctor/modeldoctor/tensor"

var (
	opResizeBilinear  = register("resize_bilinear")
	opResizeBilinearT = register("resize_bilinear_transpose")
)

// ResizeBilinear resizes x [N,C,H,W] to [N,C,oh,ow] by bilinear
// interpolation with PyTorch's coordinates (interpolate with
// mode="bilinear" and an output size). The resize is linear in x, so its
// derivative is its adjoint, ResizeBilinearTranspose, whose derivative is
// the resize again (the pair closes like avg_pool2d and its transpose).
func ResizeBilinear(x *Value, oh, ow int, alignCorners bool) *Value {
	xs := x.Shape()
	return record(opResizeBilinear, tensor.ResizeBilinear(x.t, oh, ow, alignCorners), []*Value{x}, func(g *Value) []*Value {
		return []*Value{ResizeBilinearTranspose(g, xs, alignCorners)}
	})
}

// ResizeBilinearTranspose is the adjoint of ResizeBilinear: it spreads gy
// [N,C,oh,ow] back onto an input of shape xShape.
func ResizeBilinearTranspose(gy *Value, xShape []int, alignCorners bool) *Value {
	gs := gy.Shape()
	return record(opResizeBilinearT, tensor.ResizeBilinearTranspose(gy.t, xShape, alignCorners), []*Value{gy}, func(g *Value) []*Value {
		return []*Value{ResizeBilinear(g, gs[2], gs[3], alignCorners)}
	})
}
