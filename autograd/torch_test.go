package autograd

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// Golden tests against PyTorch: testdata/gen_torch_fixtures.py writes
// inputs, outputs and first- and second-order gradients (float64 from
// float32 inputs); these tests rebuild each case with this package and
// compare in float32, with tolerances relative to each tensor's largest
// magnitude: forward 1e-5, gradients 1e-4, second order 1e-3.

type torchTensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

type torchCase struct {
	Params  map[string]any         `json:"params"`
	Tensors map[string]torchTensor `json:"tensors"`
}

func loadTorchFixtures(t *testing.T) map[string]torchCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/torch_fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases map[string]torchCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

func (c torchCase) tensor(name string) *tensor.Tensor {
	tt, ok := c.Tensors[name]
	if !ok {
		panic("fixture has no tensor " + name)
	}
	return tensor.FromFloat64(tt.Data, tt.Shape...)
}

func (c torchCase) ints(name string) []int {
	tt := c.Tensors[name]
	out := make([]int, len(tt.Data))
	for i, v := range tt.Data {
		out[i] = int(v)
	}
	return out
}

func (c torchCase) diff() []string {
	var out []string
	for _, d := range c.Params["diff"].([]any) {
		out = append(out, d.(string))
	}
	return out
}

// compare checks got against the fixture tensor name within tol relative
// to the fixture's largest magnitude (at least floor).
func compare(t *testing.T, c torchCase, name string, got *tensor.Tensor, tol float64) {
	t.Helper()
	want, ok := c.Tensors[name]
	if !ok {
		t.Fatalf("fixture has no tensor %s", name)
	}
	if !tensor.SameShape(got.Shape(), want.Shape) {
		t.Errorf("%s: shape %v, want %v", name, got.Shape(), want.Shape)
		return
	}
	scale := 1e-3
	for _, v := range want.Data {
		scale = math.Max(scale, math.Abs(v))
	}
	worst := 0.0
	for i, v := range got.Data() {
		worst = math.Max(worst, math.Abs(float64(v)-want.Data[i])/scale)
	}
	if worst > tol {
		t.Errorf("%s: max relative difference %.3g > %.0e", name, worst, tol)
	} else {
		t.Logf("%s: max relative difference %.2e", name, worst)
	}
}

type torchFn func(c torchCase, in map[string]*Value) *Value

func convCase(c torchCase, in map[string]*Value) *Value {
	p := tensor.ConvParams{
		StrideH: int(c.Params["stride"].(float64)), StrideW: int(c.Params["stride"].(float64)),
		PadH: int(c.Params["padding"].(float64)), PadW: int(c.Params["padding"].(float64)),
		DilationH: int(c.Params["dilation"].(float64)), DilationW: int(c.Params["dilation"].(float64)),
		Groups: int(c.Params["groups"].(float64)),
	}
	y := Conv2D(in["x"], in["w"], in["b"], p)
	switch c.Params["activation"] {
	case "tanh":
		return Tanh(y)
	case "square":
		return Square(y)
	}
	return y
}

func bnCase(c torchCase, in map[string]*Value) *Value {
	st := &BatchNormState{
		RunningMean: c.tensor("running_mean"), RunningVar: c.tensor("running_var"),
		Momentum: float32(c.Params["momentum"].(float64)), Eps: float32(c.Params["eps"].(float64)),
	}
	return Tanh(BatchNorm(in["x"], in["weight"], in["bias"], st, c.Params["training"].(bool)))
}

func poolParams(c torchCase, countIncludePad bool) tensor.PoolParams {
	k, s, p := int(c.Params["kernel"].(float64)), int(c.Params["stride"].(float64)), int(c.Params["padding"].(float64))
	return tensor.PoolParams{KH: k, KW: k, StrideH: s, StrideW: s, PadH: p, PadW: p, CeilMode: c.Params["ceil_mode"].(bool), CountIncludePad: countIncludePad}
}

var torchFns = map[string]torchFn{
	"elementwise": func(c torchCase, in map[string]*Value) *Value {
		x, y := in["x"], in["y"]
		xx := Mul(x, x)
		terms := []*Value{
			Mul(Sigmoid(x), Tanh(y)), SiLU(x), Hardswish(Mul(x, y)), Mul(LeakyRelu(x, 0.1), y), Relu6(MulScalar(x, 3)),
			Div(Exp(MulScalar(x, 0.5)), AddScalar(xx, 1)), Sqrt(AddScalar(xx, 1)), Neg(Mul(Log(AddScalar(xx, 1)), y)),
			MulScalar(PowScalar(x, 3), 1.0/3), Neg(Div(x, AddScalar(Mul(y, y), 1))), Maximum(x, BroadcastTo(y, x.Shape())),
			Minimum(x, BroadcastTo(MulScalar(y, 0.5), x.Shape())),
		}
		out := terms[0]
		for _, tm := range terms[1:] {
			out = Add(out, tm)
		}
		return out
	},
	"softmax": func(c torchCase, in map[string]*Value) *Value {
		return Add(MulScalar(LogSoftmax(in["x"], 1), 2), Softmax(in["x"], 0))
	},
	"cross_entropy": func(c torchCase, in map[string]*Value) *Value { return CrossEntropy(in["x"], c.ints("labels")) },
	"cross_entropy_smooth": func(c torchCase, in map[string]*Value) *Value {
		return CrossEntropyWith(in["x"], c.ints("labels"), CrossEntropyOptions{Weight: c.tensor("weight").Data(), LabelSmoothing: float32(c.Params["label_smoothing"].(float64))})
	},
	"conv": convCase, "conv_plain": convCase, "conv_depthwise": convCase, "conv_1x1": convCase,
	"maxpool": func(c torchCase, in map[string]*Value) *Value {
		return Square(MaxPool2D(in["x"], poolParams(c, false)))
	},
	"maxpool_ceil": func(c torchCase, in map[string]*Value) *Value {
		return Square(MaxPool2D(in["x"], poolParams(c, false)))
	},
	"avgpool": func(c torchCase, in map[string]*Value) *Value { return Square(AvgPool2D(in["x"], poolParams(c, true))) },
	"adaptive_avgpool": func(c torchCase, in map[string]*Value) *Value {
		return Square(AdaptiveAvgPool2D(in["x"], 3, 2))
	},
	"global_avgpool":    func(c torchCase, in map[string]*Value) *Value { return Square(AdaptiveAvgPool2D(in["x"], 1, 1)) },
	"batchnorm_train":   bnCase,
	"batchnorm_eval":    bnCase,
	"batchnorm1d_train": bnCase,
	"matmul":            func(c torchCase, in map[string]*Value) *Value { return MatMul(in["a"], in["b"]) },
	"bmm":               func(c torchCase, in map[string]*Value) *Value { return Tanh(MatMul(in["a"], in["b"])) },
	"linear":            func(c torchCase, in map[string]*Value) *Value { return Tanh(Linear(in["x"], in["w"], in["b"])) },
	"reductions": func(c torchCase, in map[string]*Value) *Value {
		x := in["x"]
		return Add(Mul(Sum(x, []int{1}, true), Mean(x, []int{2}, true)), Max(x, []int{0}, true))
	},
	"var": func(c torchCase, in map[string]*Value) *Value {
		x := in["x"]
		xc := Sub(x, Mean(x, []int{0, 2}, true))
		return Mul(Mean(Square(xc), []int{0, 2}, false), Mean(x, nil, false))
	},
	"sumsq": func(c torchCase, in map[string]*Value) *Value {
		x := in["x"]
		return Mul(Sum(Mul(x, x), []int{0, 2}, false), Mean(x, nil, false))
	},
	"shape_ops": func(c torchCase, in map[string]*Value) *Value {
		x := in["x"]
		t1 := Permute(x, 0, 2, 1)
		t2 := Narrow(t1, 1, 1, 2)
		t3 := Reshape(Narrow(x, 2, 0, 2), 2, 2, 3)
		t4 := Concat([]*Value{t2, t3}, 1)
		t5 := Stack([]*Value{t4, t1}, 0)
		t6 := Pad(t5, [][2]int{{0, 0}, {0, 0}, {0, 0}, {1, 2}}, 0)
		t7 := IndexSelect(t6, 3, []int{5, 0, 2, 2, 1})
		gi := c.Tensors["gather_index"]
		t8 := Gather(t7, 2, tensor.NewIndices(c.ints("gather_index"), gi.Shape...))
		return Mul(t8, t8)
	},
}

func TestTorchFixturesGeneric(t *testing.T) {
	cases := loadTorchFixtures(t)
	var names []string
	for n := range cases {
		if !strings.HasPrefix(n, "penalty_") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		c := cases[name]
		t.Run(name, func(t *testing.T) {
			fn, ok := torchFns[name]
			if !ok {
				t.Fatalf("no Go twin for fixture case %q", name)
			}
			in := map[string]*Value{}
			var diff []*Value
			for _, d := range c.diff() {
				in[d] = Var(c.tensor(d))
				diff = append(diff, in[d])
			}
			out := fn(c, in)
			compare(t, c, "out", out.Tensor(), 1e-5)
			grads := Grad([]*Value{out}, diff, []*Value{Const(c.tensor("gout"))}, true)
			s := Scalar(0)
			for i, d := range c.diff() {
				compare(t, c, "grad."+d, grads[i].Tensor(), 1e-4)
				s = Add(s, SumAll(Mul(grads[i], Const(c.tensor("v."+d)))))
			}
			if _, ok := c.Tensors["running_mean_after"]; ok {
				// The batch-norm function updated its running statistics in
				// place; rerun on fresh copies to compare them.
				st := &BatchNormState{RunningMean: c.tensor("running_mean"), RunningVar: c.tensor("running_var"), Momentum: 0.1, Eps: 1e-5}
				NoGrad(func() { BatchNorm(Const(c.tensor("x")), nil, nil, st, true) })
				compare(t, c, "running_mean_after", st.RunningMean, 1e-5)
				compare(t, c, "running_var_after", st.RunningVar, 1e-5)
			}
			var gg []*Value
			if s.RequiresGrad() {
				gg = Grad([]*Value{s}, diff, nil, false)
			}
			for i, d := range c.diff() {
				if _, ok := c.Tensors["gradgrad."+d]; !ok {
					continue
				}
				got := tensor.ZerosLike(diff[i].Tensor())
				if gg != nil {
					got = gg[i].Tensor()
				}
				compare(t, c, "gradgrad."+d, got, 1e-3)
			}
		})
	}
}

// penaltyNet is the fixtures' conv → BN(train) → ReLU → pool → linear.
func penaltyNet(c torchCase, p map[string]*Value, maxPool bool) (a, z *Value) {
	a = Conv2D(Const(c.tensor("x")), p["cw"], p["cb"], tensor.ConvParams{PadH: 1, PadW: 1})
	h := Relu(BatchNorm(a, p["g"], p["be"], &BatchNormState{Eps: 1e-5}, true))
	var f *Value
	if maxPool {
		f = Flatten(MaxPool2D(h, tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}))
	} else {
		f = GlobalAvgPool2D(h)
	}
	return a, Linear(f, p["lw"], p["lb"])
}

var penaltyParams = []string{"cw", "cb", "g", "be", "lw", "lb"}

// TestTorchFixturesGradientPenalty: the gradient of Σ relu(∂z_y/∂A) with
// respect to the conv and linear weights, through train-mode batch norm,
// against PyTorch (create_graph=True).
func TestTorchFixturesGradientPenalty(t *testing.T) {
	cases := loadTorchFixtures(t)
	for _, name := range []string{"penalty_gap", "penalty_maxpool"} {
		c := cases[name]
		t.Run(name, func(t *testing.T) {
			p := map[string]*Value{}
			var params []*Value
			for _, n := range penaltyParams {
				p[n] = Var(c.tensor(n))
				params = append(params, p[n])
			}
			y := c.ints("y")
			a, z := penaltyNet(c, p, name == "penalty_maxpool")
			compare(t, c, "A", a.Tensor(), 1e-5)
			compare(t, c, "z", z.Tensor(), 1e-5)
			g := Grad([]*Value{Mean(PickLabels(z, y), nil, false)}, []*Value{a}, nil, true)[0]
			compare(t, c, "G", g.Tensor(), 1e-4)
			penalty := SumAll(Relu(g))
			ce := CrossEntropy(z, y)
			loss := Add(ce, penalty)
			compare(t, c, "penalty", penalty.Tensor(), 1e-4)
			compare(t, c, "loss", loss.Tensor(), 1e-4)
			dp := GradWith([]*Value{penalty}, params, nil, GradOptions{RetainGraph: true})
			for i, n := range penaltyParams {
				compare(t, c, "dpenalty."+n, dp[i].Tensor(), 1e-3)
			}
			for _, n := range []string{"cw", "lw"} {
				if tensor.SumAll(tensor.Abs(dp[indexOf(penaltyParams, n)].Tensor())) == 0 {
					t.Errorf("dpenalty.%s is zero: the second-order path is broken", n)
				}
			}
			dl := Grad([]*Value{loss}, params, nil, false)
			for i, n := range penaltyParams {
				compare(t, c, "dloss."+n, dl[i].Tensor(), 1e-3)
			}
		})
	}
}

// TestTorchFixturesChannelLoss: Model Doctor's full channel constraint
// L = CE + 10·(L_high + L_low) with a class × channel mask.
func TestTorchFixturesChannelLoss(t *testing.T) {
	c := loadTorchFixtures(t)["penalty_channel"]
	p := map[string]*Value{}
	var params []*Value
	for _, n := range penaltyParams {
		p[n] = Var(c.tensor(n))
		params = append(params, p[n])
	}
	y, y2 := c.ints("y"), c.ints("y2")
	mask := c.tensor("mask")
	a, z := penaltyNet(c, p, false)
	compare(t, c, "z", z.Tensor(), 1e-5)
	g := Grad([]*Value{Mean(PickLabels(z, y), nil, false)}, []*Value{a}, nil, true)[0]
	g2 := Grad([]*Value{Mean(PickLabels(z, y2), nil, false)}, []*Value{a}, nil, true)[0]
	compare(t, c, "G2", g2.Tensor(), 1e-4)
	pp := Sum(Relu(g), []int{2, 3}, false)
	p2 := Sum(Relu(g2), []int{2, 3}, false)
	compare(t, c, "P", pp.Tensor(), 1e-4)
	compare(t, c, "P2", p2.Tensor(), 1e-4)
	mHigh := Const(tensor.IndexSelect(mask, 0, y2))
	mLow := Const(tensor.RsubScalar(tensor.IndexSelect(mask, 0, y), 1))
	lHigh := Mean(Sum(Mul(mHigh, p2), []int{1}, false), nil, false)
	lLow := Mean(Sum(Mul(mLow, pp), []int{1}, false), nil, false)
	l := Add(CrossEntropy(z, y), MulScalar(Add(lHigh, lLow), 10))
	compare(t, c, "L_high", lHigh.Tensor(), 1e-4)
	compare(t, c, "L_low", lLow.Tensor(), 1e-4)
	compare(t, c, "L", l.Tensor(), 1e-4)
	dl := Grad([]*Value{l}, params, nil, false)
	for i, n := range penaltyParams {
		compare(t, c, "dL."+n, dl[i].Tensor(), 1e-3)
	}
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	panic(fmt.Sprintf("%q not in %v", s, xs))
}
