package autograd

import (
	"fmt"
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// A gradCase is one function checked by finite differences. covers names
// the registered primitive ops it exercises.
type gradCase struct {
	name   string
	covers []string
	inputs func(r *tensor.RNG) []*tensor.Tensor
	f      func(x []*Value) *Value
}

// away returns values with |x| in [0.1, 1] and random signs: never zero,
// and far enough from kinks at 0 that a step of 1e-2 does not cross them.
func away(r *tensor.RNG, shape ...int) *tensor.Tensor {
	t := tensor.Zeros(shape...)
	for i := range t.Data() {
		v := float32(0.1 + 0.9*r.Float64())
		if r.Float64() < 0.5 {
			v = -v
		}
		t.Data()[i] = v
	}
	return t
}

// positive returns values in [0.5, 2].
func positive(r *tensor.RNG, shape ...int) *tensor.Tensor {
	return tensor.Uniform(r, 0.5, 2, shape...)
}

// distinct returns a random permutation of spaced values, so maxima are
// unique by a margin of 0.05.
func distinct(r *tensor.RNG, shape ...int) *tensor.Tensor {
	n := tensor.Numel(shape)
	p := r.Perm(n)
	t := tensor.Zeros(shape...)
	for i, k := range p {
		t.Data()[i] = float32(k)*0.05 - float32(n)*0.025
	}
	return t
}

func ins(ts ...*tensor.Tensor) []*tensor.Tensor { return ts }

var pool3 = tensor.PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, CountIncludePad: true}

var gradCases = []gradCase{
	{"add_broadcast", []string{"add", "sum_to"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 3, 1, 4), away(r, 2, 4)) },
		func(x []*Value) *Value { return Square(Add(x[0], x[1])) }},
	{"sub_broadcast", []string{"sub"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 3), away(r, 3)) },
		func(x []*Value) *Value { return Mul(Sub(x[0], x[1]), x[0]) }},
	{"mul_broadcast", []string{"mul"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 3, 5), away(r, 3, 1)) },
		func(x []*Value) *Value { return Mul(Mul(x[0], x[1]), x[1]) }},
	{"div", []string{"div"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 3, 4), positive(r, 4)) },
		func(x []*Value) *Value { return Div(x[0], x[1]) }},
	{"maximum_minimum", []string{"maximum", "minimum"}, func(r *tensor.RNG) []*tensor.Tensor {
		d := distinct(r, 2, 5)
		return ins(tensor.Narrow(d.Reshape(10), 0, 0, 5).Reshape(5), tensor.Narrow(d.Reshape(10), 0, 5, 5).Reshape(5))
	}, func(x []*Value) *Value { return Add(Square(Maximum(x[0], x[1])), Mul(Minimum(x[0], x[1]), x[0])) }},
	{"where", []string{"where"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 3, 4), away(r, 4)) },
		func(x []*Value) *Value {
			cond := tensor.New([]float32{1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1}, 3, 4)
			return Square(Where(cond, x[0], x[1]))
		}},
	{"neg_exp", []string{"neg", "exp"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 7)) },
		func(x []*Value) *Value { return Exp(Neg(x[0])) }},
	{"log_sqrt", []string{"log", "sqrt"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(positive(r, 2, 3)) },
		func(x []*Value) *Value { return Add(Log(x[0]), Sqrt(x[0])) }},
	{"abs", []string{"abs"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 5)) },
		func(x []*Value) *Value { return Mul(Abs(x[0]), x[0]) }},
	{"tanh_sigmoid", []string{"tanh", "sigmoid"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 3)) },
		func(x []*Value) *Value { return Add(Tanh(MulScalar(x[0], 2)), Sigmoid(MulScalar(x[0], 3))) }},
	{"relu_family", []string{"relu", "relu_backward", "leaky_relu", "relu6", "relu6_backward"}, func(r *tensor.RNG) []*tensor.Tensor {
		t := away(r, 4, 5)
		for i, v := range t.Data() {
			t.Data()[i] = v * 8 // spans [-8, 8]; keep clear of the kink at 6
			if d := t.Data()[i] - 6; d > -0.1 && d < 0.1 {
				t.Data()[i] = 5
			}
		}
		return ins(t)
	}, func(x []*Value) *Value { return Mul(Add(Add(Relu(x[0]), LeakyRelu(x[0], 0.1)), Relu6(x[0])), x[0]) }},
	{"scalar_ops", []string{"add_scalar", "mul_scalar", "pow_scalar"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(positive(r, 3, 2)) },
		func(x []*Value) *Value {
			return Add(PowScalar(AddScalar(x[0], 0.5), 3), PowScalar(MulScalar(x[0], 2), 0.5))
		}},
	{"sum_axes", []string{"sum"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 3, 4, 5)) },
		func(x []*Value) *Value { return Mul(Sum(x[0], []int{0, 2}, true), Sum(x[0], []int{1}, true)) }},
	{"max_axes", []string{"max"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(distinct(r, 3, 4, 5)) },
		func(x []*Value) *Value { return Square(Max(x[0], []int{1}, false)) }},
	{"broadcast_to", []string{"broadcast_to"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 3, 1)) },
		func(x []*Value) *Value { return Square(BroadcastTo(x[0], []int{2, 3, 4})) }},
	{"reshape_permute", []string{"reshape", "permute"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 3, 4)) },
		func(x []*Value) *Value { return Square(Permute(Reshape(x[0], 4, 3, 2), 2, 0, 1)) }},
	{"pad_crop_concat", []string{"pad", "crop", "concat"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 3), away(r, 2, 2)) },
		func(x []*Value) *Value {
			p := Pad(x[0], [][2]int{{1, 0}, {0, 2}}, 0.5)
			c := Concat([]*Value{Narrow(p, 0, 1, 2), x[1]}, 1)
			return Mul(c, c)
		}},
	{"gather_scatter", []string{"gather", "scatter_add"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 4), away(r, 2, 3)) },
		func(x []*Value) *Value {
			idx := tensor.NewIndices([]int{3, 0, 3, 1, 1, 2}, 2, 3)
			g := Gather(x[0], 1, idx)
			return Square(ScatterAdd(x[0], 1, idx, Mul(g, x[1])))
		}},
	{"index_select_add", []string{"index_select", "index_add"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 4, 3), away(r, 3, 3)) },
		func(x []*Value) *Value {
			s := IndexSelect(x[0], 0, []int{2, 0, 2})
			return Square(IndexAdd(x[0], 0, []int{1, 1, 3}, Mul(s, x[1])))
		}},
	{"matmul_plain_batch", []string{"matmul"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 3, 4), away(r, 4, 5)) },
		func(x []*Value) *Value { return Tanh(MatMul(x[0], x[1])) }},
	{"matmul_transposes", []string{"matmul"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 4, 3), away(r, 5, 4)) },
		func(x []*Value) *Value {
			a := MatMulT(x[0], x[1], true, true)  // [3,5]
			b := MatMulT(x[0], x[0], true, false) // [3,3]
			c := MatMulT(x[1], x[1], false, true) // [5,5]
			return Add(Sum(Tanh(MatMul(b, a)), nil, false), Sum(Tanh(MatMul(a, c)), nil, false))
		}},
	{"conv2d_groups_stride_dilation", []string{"conv2d", "conv2d_input_grad", "conv2d_weight_grad", "bias_add"}, func(r *tensor.RNG) []*tensor.Tensor {
		return ins(away(r, 2, 4, 7, 6), away(r, 6, 2, 3, 2), away(r, 6))
	}, func(x []*Value) *Value {
		p := tensor.ConvParams{StrideH: 2, StrideW: 1, PadH: 1, PadW: 2, DilationH: 2, DilationW: 1, Groups: 2}
		return Tanh(Conv2D(x[0], x[1], x[2], p))
	}},
	{"linear_bias", []string{"matmul", "bias_add"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 3, 4), away(r, 5, 4), away(r, 5)) },
		func(x []*Value) *Value { return Tanh(Linear(x[0], x[1], x[2])) }},
	{"conv2d_input_grad", []string{"conv2d_input_grad"}, func(r *tensor.RNG) []*tensor.Tensor {
		return ins(away(r, 2, 4, 3, 3), away(r, 4, 3, 3, 3))
	}, func(x []*Value) *Value {
		p := tensor.ConvParams{StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}
		return Tanh(Conv2DInputGrad(x[0], x[1], p, []int{2, 3, 5, 6}))
	}},
	{"conv2d_weight_grad", []string{"conv2d_weight_grad"}, func(r *tensor.RNG) []*tensor.Tensor {
		return ins(away(r, 2, 3, 5, 5), away(r, 2, 4, 5, 5))
	}, func(x []*Value) *Value {
		p := tensor.ConvParams{PadH: 1, PadW: 1, Groups: 1}
		return Tanh(MulScalar(Conv2DWeightGrad(x[0], x[1], p, []int{4, 3, 3, 3}), 0.2))
	}},
	{"avg_pool2d", []string{"avg_pool2d", "avg_pool2d_transpose"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 3, 7, 6)) },
		func(x []*Value) *Value { return Square(AvgPool2D(x[0], pool3)) }},
	{"avg_pool2d_ceil_exclude_pad", []string{"avg_pool2d"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 1, 2, 6, 5)) },
		func(x []*Value) *Value {
			p := tensor.PoolParams{KH: 3, KW: 2, StrideH: 2, StrideW: 2, PadH: 1, CeilMode: true}
			return Square(AvgPool2D(x[0], p))
		}},
	{"avg_pool2d_transpose", []string{"avg_pool2d_transpose"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 3, 4, 3)) },
		func(x []*Value) *Value { return Square(avgPool2DTranspose(x[0], pool3, []int{2, 3, 7, 6})) }},
	{"adaptive_avg_pool2d", []string{"adaptive_avg_pool2d", "adaptive_avg_pool2d_transpose"}, func(r *tensor.RNG) []*tensor.Tensor {
		return ins(away(r, 2, 3, 7, 5))
	}, func(x []*Value) *Value { return Square(AdaptiveAvgPool2D(x[0], 3, 2)) }},
	{"adaptive_avg_pool2d_transpose", []string{"adaptive_avg_pool2d_transpose"}, func(r *tensor.RNG) []*tensor.Tensor {
		return ins(away(r, 2, 3, 3, 2))
	}, func(x []*Value) *Value { return Square(adaptiveAvgPool2DTranspose(x[0], []int{2, 3, 7, 5})) }},
	// Composite functions: checked the same way.
	{"max_pool2d", []string{"max_pool2d", "max_pool2d_backward"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(distinct(r, 2, 3, 7, 7)) },
		func(x []*Value) *Value { return Square(MaxPool2D(x[0], pool3)) }},
	{"max_pool2d_2x2_relu", []string{"max_pool2d", "max_pool2d_backward", "relu", "relu_backward"}, func(r *tensor.RNG) []*tensor.Tensor {
		return ins(distinct(r, 2, 3, 6, 8))
	}, func(x []*Value) *Value {
		p := tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
		return Square(MaxPool2D(Relu(AddScalar(x[0], 0.025)), p)) // distinct values are multiples of 0.05: none at the kink
	}},
	{"softmax_logsoftmax", []string{"log_softmax"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 4, 7)) },
		func(x []*Value) *Value { return Add(MulScalar(LogSoftmax(x[0], 1), 2), Softmax(x[0], 0)) }},
	{"cross_entropy_weighted_smoothed", nil, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 5, 6)) },
		func(x []*Value) *Value {
			return CrossEntropyWith(x[0], []int{0, 5, 2, 2, 1}, CrossEntropyOptions{Weight: []float32{1, 2, 0.5, 1, 3, 1.5}, LabelSmoothing: 0.1})
		}},
	{"batchnorm_train_4d", []string{"batch_norm"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 4, 3, 3, 2), positive(r, 3), away(r, 3)) },
		func(x []*Value) *Value {
			st := &BatchNormState{Momentum: 0.1, Eps: 1e-5}
			return Tanh(BatchNorm(x[0], x[1], x[2], st, true))
		}},
	{"batchnorm_train_2d_no_affine", []string{"batch_norm"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 5, 3)) },
		func(x []*Value) *Value {
			st := &BatchNormState{Momentum: 0.1, Eps: 1e-5}
			return Tanh(BatchNorm(x[0], nil, nil, st, true))
		}},
	{"batchnorm_eval_2d", nil, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 5, 3), positive(r, 3), away(r, 3)) },
		func(x []*Value) *Value {
			st := &BatchNormState{RunningMean: tensor.New([]float32{0.1, -0.2, 0.3}, 3), RunningVar: tensor.New([]float32{1.5, 0.7, 1.1}, 3), Eps: 1e-5}
			return Tanh(BatchNorm(x[0], x[1], x[2], st, false))
		}},
	{"silu_hardswish", []string{"silu"}, func(r *tensor.RNG) []*tensor.Tensor {
		t := away(r, 3, 4)
		for i, v := range t.Data() {
			t.Data()[i] = v * 2.5 // hardswish kinks at ±3 stay out of reach
		}
		return ins(t)
	}, func(x []*Value) *Value { return Add(SiLU(x[0]), Hardswish(x[0])) }},
	{"bce_mse", nil, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 3, 4), tensor.Uniform(r, 0, 1, 3, 4)) },
		func(x []*Value) *Value { return Add(BCEWithLogits(x[0], x[1]), MSELoss(Tanh(x[0]), x[1])) }},
	{"dropout", nil, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 4, 5)) },
		func(x []*Value) *Value { return Square(Dropout(x[0], 0.3, tensor.NewRNG(7), true)) }},
	{"resize_bilinear", []string{"resize_bilinear", "resize_bilinear_transpose"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 3, 4, 5)) },
		func(x []*Value) *Value { return Square(ResizeBilinear(x[0], 7, 3, false)) }},
	{"resize_bilinear_align_corners", []string{"resize_bilinear"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 1, 2, 3, 4)) },
		func(x []*Value) *Value { return Square(ResizeBilinear(x[0], 5, 7, true)) }},
	{"resize_bilinear_transpose", []string{"resize_bilinear_transpose"}, func(r *tensor.RNG) []*tensor.Tensor { return ins(away(r, 2, 3, 7, 3)) },
		func(x []*Value) *Value { return Square(ResizeBilinearTranspose(x[0], []int{2, 3, 4, 5}, false)) }},
}

const fdStep = 1e-2

// dot returns Σ a·b in float64.
func dot(a, b *tensor.Tensor) float64 {
	var s float64
	bd := b.Data()
	for i, v := range a.Data() {
		s += float64(v) * float64(bd[i])
	}
	return s
}

// shifted returns x + h·u.
func shifted(x, u *tensor.Tensor, h float64) *tensor.Tensor {
	out := x.Clone()
	for i, v := range u.Data() {
		out.Data()[i] += float32(h * float64(v))
	}
	return out
}

func vars(ts []*tensor.Tensor) []*Value {
	vs := make([]*Value, len(ts))
	for i, t := range ts {
		vs[i] = Var(t)
	}
	return vs
}

func close(analytic, numeric float64) bool {
	return math.Abs(analytic-numeric) <= 2e-2*math.Max(math.Abs(analytic), math.Abs(numeric))+2e-3
}

// checkFirstOrder compares <∂<f,gout>/∂x, u> with a central difference
// along u.
func checkFirstOrder(t *testing.T, c gradCase, r *tensor.RNG) {
	xs := c.inputs(r)
	vs := vars(xs)
	out := c.f(vs)
	gout := away(r, out.Shape()...)
	grads := Grad([]*Value{out}, vs, []*Value{Const(gout)}, false)
	for trial := 0; trial < 2; trial++ {
		us := make([]*tensor.Tensor, len(xs))
		var analytic float64
		for i, x := range xs {
			us[i] = tensor.Uniform(r, -1, 1, x.Shape()...)
			analytic += dot(grads[i].t, us[i])
		}
		eval := func(h float64) float64 {
			var y float64
			NoGrad(func() {
				in := make([]*Value, len(xs))
				for i, x := range xs {
					in[i] = Const(shifted(x, us[i], h))
				}
				y = dot(c.f(in).t, gout)
			})
			return y
		}
		numeric := (eval(fdStep) - eval(-fdStep)) / (2 * fdStep)
		if !close(analytic, numeric) {
			t.Errorf("%s: first order: analytic %.6g, finite difference %.6g", c.name, analytic, numeric)
		}
	}
}

// checkSecondOrder differentiates s = Σ_i <∂<f,gout>/∂x_i, v_i> with
// respect to the inputs and gout (gradgradcheck) and compares with a
// central difference of s computed from first-order gradients.
func checkSecondOrder(t *testing.T, c gradCase, r *tensor.RNG) {
	xs := c.inputs(r)
	out0 := func() *Value { var o *Value; NoGrad(func() { o = c.f(vars(xs)) }); return o }()
	gout := away(r, out0.Shape()...)
	vs := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		vs[i] = away(r, x.Shape()...)
	}
	// s as a function of (x, gout); graph recorded when create is set.
	s := func(xin []*tensor.Tensor, g *tensor.Tensor, create bool) (*Value, []*Value, *Value) {
		xv := vars(xin)
		gv := Var(g)
		grads := Grad([]*Value{c.f(xv)}, xv, []*Value{gv}, create)
		total := Scalar(0)
		for i, gi := range grads {
			total = Add(total, SumAll(Mul(gi, Const(vs[i]))))
		}
		return total, xv, gv
	}
	total, xv, gv := s(xs, gout, true)
	wrt := append(append([]*Value{}, xv...), gv)
	var hs []*Value
	if total.RequiresGrad() {
		hs = Grad([]*Value{total}, wrt, nil, false)
	} else {
		for _, w := range wrt {
			hs = append(hs, Const(tensor.ZerosLike(w.t)))
		}
	}
	us := make([]*tensor.Tensor, len(wrt))
	var analytic float64
	for i, w := range wrt {
		us[i] = tensor.Uniform(r, -1, 1, w.Shape()...)
		analytic += dot(hs[i].t, us[i])
	}
	eval := func(h float64) float64 {
		xin := make([]*tensor.Tensor, len(xs))
		for i, x := range xs {
			xin[i] = shifted(x, us[i], h)
		}
		v, _, _ := s(xin, shifted(gout, us[len(xs)], h), false)
		return float64(v.Item())
	}
	numeric := (eval(fdStep) - eval(-fdStep)) / (2 * fdStep)
	if !close(analytic, numeric) {
		t.Errorf("%s: second order: analytic %.6g, finite difference %.6g", c.name, analytic, numeric)
	}
}

func TestGradCheckEveryOp(t *testing.T) {
	covered := map[string]bool{}
	for i, c := range gradCases {
		for _, op := range c.covers {
			covered[op] = true
		}
		t.Run(c.name, func(t *testing.T) {
			checkFirstOrder(t, c, tensor.NewRNG(uint64(100+i)))
			checkSecondOrder(t, c, tensor.NewRNG(uint64(200+i)))
		})
	}
	for _, op := range RegisteredOps() {
		if !covered[op] {
			t.Errorf("op %q is registered but no gradient case covers it: add one to gradCases", op)
		}
	}
}

func ExampleGrad() {
	x := Var(tensor.New([]float32{1, 2, 3}, 3))
	y := SumAll(PowScalar(x, 3)) // Σ x³
	g := Grad([]*Value{y}, []*Value{x}, nil, true)[0]
	h := Grad([]*Value{SumAll(g)}, []*Value{x}, nil, false)[0] // Σ 3x² → 6x
	fmt.Println(g.Data(), h.Data())
	// Output: [3 12 27] [6 12 18]
}
