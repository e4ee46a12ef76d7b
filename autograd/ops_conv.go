package autograd

import "github.com/modeldoctor/modeldoctor/tensor"

var (
	opConv2D           = register("conv2d")
	opConv2DInputGrad  = register("conv2d_input_grad")
	opConv2DWeightGrad = register("conv2d_weight_grad")
)

// Conv2D convolves x [N,C,H,W] with w [O,C/groups,kh,kw] and adds bias [O]
// when it is not nil.
//
// The three faces of a convolution differentiate into each other:
// ∂conv/∂x is Conv2DInputGrad (a transposed convolution), ∂conv/∂w is
// Conv2DWeightGrad, and their own derivatives are again these three ops.
func Conv2D(x, w, bias *Value, p tensor.ConvParams) *Value {
	y := conv2d(x, w, p)
	if bias != nil {
		y = biasAdd(y, bias)
	}
	return y
}

func conv2d(x, w *Value, p tensor.ConvParams) *Value {
	xs, ws := x.Shape(), w.Shape()
	return record(opConv2D, tensor.Conv2D(x.t, w.t, p), []*Value{x, w}, func(g *Value) []*Value {
		var gx, gw *Value
		if needGrad(0) {
			gx = Conv2DInputGrad(g, w, p, xs)
		}
		if needGrad(1) {
			gw = Conv2DWeightGrad(x, g, p, ws)
		}
		return []*Value{gx, gw}
	})
}

// Conv2DInputGrad is the transposed convolution of gy with w onto an input
// of shape xShape.
func Conv2DInputGrad(gy, w *Value, p tensor.ConvParams, xShape []int) *Value {
	ws := w.Shape()
	return record(opConv2DInputGrad, tensor.Conv2DInputGrad(gy.t, w.t, p, xShape), []*Value{gy, w}, func(g *Value) []*Value {
		// <T(gy,w), g> = <gy, conv(g, w)>
		var ggy, gw *Value
		if needGrad(0) {
			ggy = conv2d(g, w, p)
		}
		if needGrad(1) {
			gw = Conv2DWeightGrad(g, gy, p, ws)
		}
		return []*Value{ggy, gw}
	})
}

// Conv2DWeightGrad is the gradient of a convolution with respect to its
// weight (shape wShape), given input x and output gradient gy.
func Conv2DWeightGrad(x, gy *Value, p tensor.ConvParams, wShape []int) *Value {
	xs := x.Shape()
	return record(opConv2DWeightGrad, tensor.Conv2DWeightGrad(x.t, gy.t, p, wShape), []*Value{x, gy}, func(g *Value) []*Value {
		// <Wg(x,gy), g> = <gy, conv(x, g)>
		var gx, ggy *Value
		if needGrad(0) {
			gx = Conv2DInputGrad(gy, g, p, xs)
		}
		if needGrad(1) {
			ggy = conv2d(x, g, p)
		}
		return []*Value{gx, ggy}
	})
}
