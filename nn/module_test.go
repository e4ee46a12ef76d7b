package nn

import (
	"math"
	"reflect"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// nested registers a child before its own parameter and buffer, so the
// test sees that StateDict reorders them as PyTorch does.
type nested struct {
	Base
	features *Sequential
	alpha    *autograd.Value
	steps    *Buffer
	head     *Linear
}

func newNested(r *tensor.RNG) *nested {
	n := &nested{}
	n.features = Add(&n.Base, "features", NewSequential(
		NewConv2d(r, 2, 3, 3, ConvOptions{Padding: 1}),
		NewBatchNorm2d(3, BatchNormOptions{}),
		ReLU(),
	))
	n.alpha = n.Param("alpha", tensor.Ones(1))
	n.steps = n.Buf("steps", tensor.Zeros(), true)
	n.head = Add(&n.Base, "head", NewLinear(r, 3, 4, true))
	return n
}

func (n *nested) Forward(x *autograd.Value) *autograd.Value {
	y := Forward(n.features, x)
	y = autograd.Mul(autograd.GlobalAvgPool2D(y), n.alpha)
	return Forward(n.head, y)
}

func stateNames(m Module) []string {
	var out []string
	for _, e := range StateDict(m) {
		out = append(out, e.Name)
	}
	return out
}

func TestStateDictOrderIsPyTorchs(t *testing.T) {
	m := newNested(tensor.NewRNG(1))
	want := []string{
		"alpha", "steps",
		"features.0.weight", "features.0.bias",
		"features.1.weight", "features.1.bias", "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
		"head.weight", "head.bias",
	}
	if got := stateNames(m); !reflect.DeepEqual(got, want) {
		t.Fatalf("state dict order\n got %v\nwant %v", got, want)
	}
	var params []string
	for _, p := range Parameters(m) {
		params = append(params, p.Name)
	}
	wantParams := []string{"alpha", "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias", "head.weight", "head.bias"}
	if !reflect.DeepEqual(params, wantParams) {
		t.Fatalf("parameters %v, want %v", params, wantParams)
	}
	for _, e := range StateDict(m) {
		isInt := e.Name == "steps" || e.Name == "features.1.num_batches_tracked"
		isParam := !isInt && e.Name != "features.1.running_mean" && e.Name != "features.1.running_var"
		if e.Int != isInt || e.Param != isParam {
			t.Errorf("%s: Int=%v Param=%v", e.Name, e.Int, e.Param)
		}
	}
	if got := CountParameters(m); got != 1+3*2*9+3+3+3+4*3+4 {
		t.Errorf("CountParameters = %d", got)
	}
	sub, err := Find(m, "features.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sub.(*BatchNorm); !ok {
		t.Errorf("Find(features.1) = %T", sub)
	}
	if _, err := Find(m, "features.7"); err == nil {
		t.Error("Find of a missing name succeeded")
	}
}

func TestTrainEvalPropagates(t *testing.T) {
	m := newNested(tensor.NewRNG(1))
	all := func() []bool {
		var out []bool
		Walk(m, func(_ string, s Module) { out = append(out, s.ModuleBase().Training()) })
		return out
	}
	for _, tr := range all() {
		if !tr {
			t.Fatal("a new module is not in training mode")
		}
	}
	SetTraining(m, false)
	for i, tr := range all() {
		if tr {
			t.Fatalf("module %d still training after SetTraining(false)", i)
		}
	}
	SetTraining(m, true)
	for i, tr := range all() {
		if !tr {
			t.Fatalf("module %d not training after SetTraining(true)", i)
		}
	}
	// Dropout follows the flag.
	d := NewDropout(0.5, 1)
	s := NewSequential(d)
	x := autograd.Const(tensor.Ones(4, 50))
	if y := Forward(s, x); tensor.SumAll(y.Tensor()) == 200 {
		t.Error("dropout in training left every element")
	}
	SetTraining(s, false)
	if y := Forward(s, x); y != x {
		t.Error("dropout in eval is not the identity")
	}
}

func TestHooksRunAndRemove(t *testing.T) {
	m := newNested(tensor.NewRNG(1))
	bn, _ := Find(m, "features.1")
	var calls []string
	mk := func(name string) Hook {
		return func(y *autograd.Value) *autograd.Value { calls = append(calls, name); return y }
	}
	x := autograd.Const(tensor.Normal(tensor.NewRNG(2), 0, 1, 2, 2, 4, 4))
	rmA := bn.ModuleBase().AddHook(mk("A"))
	rmB := bn.ModuleBase().AddHook(mk("B"))
	rmC := bn.ModuleBase().AddHook(mk("C"))
	Forward(m, x)
	if !reflect.DeepEqual(calls, []string{"A", "B", "C"}) {
		t.Fatalf("hooks ran %v", calls)
	}
	// Removing the first hook after the slice has grown, then a middle one,
	// must remove exactly those (a pointer-identity remover fails here).
	calls = nil
	rmA()
	Forward(m, x)
	if !reflect.DeepEqual(calls, []string{"B", "C"}) {
		t.Fatalf("after removing A, hooks ran %v", calls)
	}
	calls = nil
	rmC()
	rmC() // idempotent
	Forward(m, x)
	if !reflect.DeepEqual(calls, []string{"B"}) {
		t.Fatalf("after removing C, hooks ran %v", calls)
	}
	rmB()
	calls = nil
	Forward(m, x)
	if len(calls) != 0 {
		t.Fatalf("after removing all, hooks ran %v", calls)
	}
	// A hook can replace the output, and it sees the captured map.
	var captured *autograd.Value
	rm := bn.ModuleBase().AddHook(func(y *autograd.Value) *autograd.Value { captured = y; return autograd.MulScalar(y, 0) })
	out := Forward(m, x)
	rm()
	if captured == nil || !tensor.SameShape(captured.Shape(), []int{2, 3, 4, 4}) {
		t.Fatalf("captured %v", captured)
	}
	// With the batch-norm output zeroed, the logits are the head's bias.
	head := m.head.Bias.Data()
	for i, v := range out.Data() {
		if math.Abs(float64(v-head[i%4])) > 1e-6 {
			t.Fatalf("replaced output gave logits %v, want the bias %v", out.Data(), head)
		}
	}
}

func TestFreeze(t *testing.T) {
	m := newNested(tensor.NewRNG(1))
	x := autograd.Var(tensor.Normal(tensor.NewRNG(2), 0, 1, 2, 2, 4, 4))
	Freeze(m, true)
	if n := len(Trainable(m)); n != 0 {
		t.Fatalf("%d trainable parameters after Freeze", n)
	}
	loss := autograd.SumAll(Forward(m, x))
	loss.Backward()
	for _, p := range Parameters(m) {
		if p.Value.Grad != nil {
			t.Errorf("frozen %s got a gradient", p.Name)
		}
	}
	if x.Grad == nil {
		t.Error("the input got no gradient through a frozen model")
	}
	Freeze(m, false)
	if n := len(Trainable(m)); n != len(Parameters(m)) {
		t.Fatalf("%d of %d trainable after unfreezing", n, len(Parameters(m)))
	}
	autograd.SumAll(Forward(m, x)).Backward()
	for _, p := range Parameters(m) {
		if p.Value.Grad == nil {
			t.Errorf("%s got no gradient after unfreezing", p.Name)
		}
	}
	ZeroGrad(m)
	for _, p := range Parameters(m) {
		if p.Value.Grad != nil {
			t.Errorf("%s: ZeroGrad left a gradient", p.Name)
		}
	}
}

func TestBatchNormRunningStats(t *testing.T) {
	bn := NewBatchNorm2d(2, BatchNormOptions{})
	// Channel 0 holds 0..7, channel 1 holds 10·(0..7), over N=2, H=2, W=2.
	x := tensor.Zeros(2, 2, 2, 2)
	for n := 0; n < 2; n++ {
		for i := 0; i < 4; i++ {
			v := float32(n*4 + i)
			x.Set(v, n, 0, i/2, i%2)
			x.Set(10*v, n, 1, i/2, i%2)
		}
	}
	mean := []float64{3.5, 35}
	unbiased := []float64{6, 600} // var of 0..7 with n−1 is 6
	xv := autograd.Const(x)
	Forward(bn, xv)
	rm, rv := bn.State.RunningMean.Data(), bn.State.RunningVar.Data()
	for c := 0; c < 2; c++ {
		if d := float64(rm[c]) - 0.1*mean[c]; math.Abs(d) > 1e-5 {
			t.Errorf("running_mean[%d] = %v, want %v", c, rm[c], 0.1*mean[c])
		}
		if d := float64(rv[c]) - (0.9 + 0.1*unbiased[c]); math.Abs(d) > 1e-4 {
			t.Errorf("running_var[%d] = %v, want %v", c, rv[c], 0.9+0.1*unbiased[c])
		}
	}
	if got := bn.Tracked.T.Item(); got != 1 {
		t.Errorf("num_batches_tracked = %v after one training step", got)
	}
	// No-grad training passes update too (PyTorch: the mode decides).
	autograd.NoGrad(func() { Forward(bn, xv) })
	if got := bn.Tracked.T.Item(); got != 2 {
		t.Errorf("num_batches_tracked = %v after two training steps", got)
	}
	wantMean1 := 0.9*0.1*mean[0] + 0.1*mean[0]
	if d := float64(rm[0]) - wantMean1; math.Abs(d) > 1e-5 {
		t.Errorf("running_mean[0] = %v after two steps, want %v", rm[0], wantMean1)
	}
	// Evaluation leaves everything alone and normalises with the running
	// statistics.
	SetTraining(bn, false)
	before := append([]float32(nil), rm...)
	beforeVar := append([]float32(nil), rv...)
	y := Forward(bn, xv)
	if !reflect.DeepEqual(before, rm) || !reflect.DeepEqual(beforeVar, rv) || bn.Tracked.T.Item() != 2 {
		t.Error("evaluation changed the running statistics")
	}
	got := y.Tensor().At(1, 1, 1, 1)
	want := (x.At(1, 1, 1, 1) - rm[1]) / float32(math.Sqrt(float64(rv[1])+1e-5))
	if math.Abs(float64(got-want)) > 1e-4 {
		t.Errorf("eval output %v, want %v", got, want)
	}
}

func checkUniformBound(t *testing.T, name string, v []float32, bound float64) {
	t.Helper()
	var maxAbs, sum, sq float64
	for _, x := range v {
		a := math.Abs(float64(x))
		if a > bound*(1+1e-6) {
			t.Fatalf("%s: |%v| exceeds the bound %v", name, x, bound)
		}
		maxAbs = math.Max(maxAbs, a)
		sum += float64(x)
		sq += float64(x) * float64(x)
	}
	n := float64(len(v))
	if maxAbs < 0.9*bound {
		t.Errorf("%s: largest |value| %v of %d is far inside the bound %v", name, maxAbs, len(v), bound)
	}
	if len(v) >= 1000 {
		// U(−b, b) has mean 0 and standard deviation b/√3.
		mean, std := sum/n, math.Sqrt(sq/n)
		if math.Abs(mean) > 0.05*bound || math.Abs(std-bound/math.Sqrt(3)) > 0.03*bound {
			t.Errorf("%s: mean %v, std %v; want 0 and %v", name, mean, std, bound/math.Sqrt(3))
		}
	}
}

// TestDefaultInitBounds checks PyTorch's default: kaiming_uniform_(a=√5)
// weights and biases both U(−1/√fan_in, 1/√fan_in).
func TestDefaultInitBounds(t *testing.T) {
	r := tensor.NewRNG(5)
	conv := NewConv2d(r, 16, 32, 3, ConvOptions{})
	b := 1 / math.Sqrt(16*9)
	checkUniformBound(t, "conv weight", conv.Weight.Data(), b)
	checkUniformBound(t, "conv bias", conv.Bias.Data(), b)
	grouped := NewConv2d(r, 16, 64, 3, ConvOptions{Groups: 4})
	if s := grouped.Weight.Shape(); !reflect.DeepEqual(s, []int{64, 4, 3, 3}) {
		t.Fatalf("grouped weight shape %v", s)
	}
	checkUniformBound(t, "grouped conv weight", grouped.Weight.Data(), 1/math.Sqrt(4*9))
	rect := NewConv2dRect(r, 8, 8, 1, 7, ConvOptions{NoBias: true}, 0, 3)
	if rect.Bias != nil {
		t.Error("NoBias convolution has a bias")
	}
	checkUniformBound(t, "1×7 conv weight", rect.Weight.Data(), 1/math.Sqrt(8*7))
	lin := NewLinear(r, 300, 200, true)
	checkUniformBound(t, "linear weight", lin.Weight.Data(), 1/math.Sqrt(300))
	checkUniformBound(t, "linear bias", lin.Bias.Data(), 1/math.Sqrt(300))
	if s := lin.Weight.Shape(); !reflect.DeepEqual(s, []int{200, 300}) {
		t.Fatalf("linear weight shape %v", s)
	}
}
