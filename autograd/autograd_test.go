package autograd

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// Tests of the engine itself: accumulation, graph release, no-grad mode,
// gradients with respect to intermediate values, frozen leaves, Detach.

func engVec(xs ...float32) *tensor.Tensor { return tensor.New(xs, len(xs)) }

// engExpect checks v's values against want to float32 precision.
func engExpect(t *testing.T, what string, v *Value, want ...float32) {
	t.Helper()
	if v == nil {
		t.Fatalf("%s: nil value", what)
	}
	got := v.Data()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values %v, want %v", what, len(got), got, want)
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-6*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("%s: %v, want %v", what, got, want)
		}
	}
}

// engPanics returns the panic message of f ("" when it does not panic).
func engPanics(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// trapOp is an unregistered op for tests whose backward counts its calls.
var trapOp = &OpInfo{Name: "test_trap"}

// engTrap is the identity recorded with a backward that counts calls.
func engTrap(x *Value, calls *int) *Value {
	return record(trapOp, x.Tensor().Clone(), []*Value{x}, func(g *Value) []*Value {
		*calls++
		return []*Value{g}
	})
}

func TestBackwardAccumulatesAcrossCalls(t *testing.T) {
	x := Var(engVec(1, 2, 3))
	for i := 0; i < 2; i++ {
		SumAll(Mul(x, x)).Backward() // a fresh graph each time
	}
	engExpect(t, "two Backward calls", x.Grad, 4, 8, 12) // 2 × 2x

	// Two backward passes over one retained graph accumulate too.
	w := Var(engVec(1, -1))
	y := SumAll(Mul(MulScalar(w, 3), w)) // 3w²
	y.BackwardWith(nil, GradOptions{RetainGraph: true})
	y.BackwardWith(nil, GradOptions{RetainGraph: true})
	engExpect(t, "retained graph twice", w.Grad, 12, -12)

	// An accumulated Grad does not alias the gradient of a later pass.
	first := w.Grad.Data()[0]
	y.Backward()
	if w.Grad.Data()[0] != first+6 {
		t.Errorf("third pass: %v", w.Grad.Data())
	}
	w.ZeroGrad()
	if w.Grad != nil {
		t.Error("ZeroGrad left a gradient")
	}
}

func TestBackwardTwiceNeedsRetainGraph(t *testing.T) {
	x := Var(engVec(0.5, -0.25))
	y := SumAll(Tanh(Mul(x, x)))
	y.Backward()
	msg := engPanics(func() { y.Backward() })
	if msg == "" {
		t.Fatal("a second Backward over a released graph did not panic")
	}
	if !strings.Contains(msg, "RetainGraph") {
		t.Errorf("panic %q does not mention RetainGraph", msg)
	}

	// With RetainGraph both passes work and agree.
	x2 := Var(engVec(0.5, -0.25))
	y2 := SumAll(Tanh(Mul(x2, x2)))
	g1 := GradWith([]*Value{y2}, []*Value{x2}, nil, GradOptions{RetainGraph: true})[0]
	g2 := GradWith([]*Value{y2}, []*Value{x2}, nil, GradOptions{})[0]
	engExpect(t, "second pass", g2, g1.Data()...)
	if msg := engPanics(func() { y2.Backward() }); !strings.Contains(msg, "RetainGraph") {
		t.Errorf("the pass without RetainGraph did not release the graph (panic %q)", msg)
	}

	// CreateGraph retains by default; ReleaseGraph overrides it.
	x3 := Var(engVec(2))
	y3 := SumAll(Mul(Mul(x3, x3), x3))
	Grad([]*Value{y3}, []*Value{x3}, nil, true)
	engExpect(t, "after CreateGraph", Grad([]*Value{y3}, []*Value{x3}, nil, false)[0], 12)
	x4 := Var(engVec(2))
	y4 := SumAll(Mul(x4, x4))
	GradWith([]*Value{y4}, []*Value{x4}, nil, GradOptions{CreateGraph: true, ReleaseGraph: true})
	if engPanics(func() { y4.Backward() }) == "" {
		t.Error("ReleaseGraph did not release the graph")
	}
}

func TestNoGradRecordsNothing(t *testing.T) {
	x := Var(engVec(1, 2))
	var y, z *Value
	NoGrad(func() {
		if GradEnabled() {
			t.Error("GradEnabled inside NoGrad")
		}
		y = Exp(Mul(x, x))
		NoGrad(func() { z = Add(x, x) }) // nests
		if GradEnabled() {
			t.Error("nested NoGrad re-enabled recording on exit")
		}
	})
	if !GradEnabled() {
		t.Fatal("GradEnabled false after NoGrad")
	}
	for name, v := range map[string]*Value{"y": y, "z": z} {
		if !v.IsLeaf() || v.RequiresGrad() || v.Op() != "" {
			t.Errorf("%s recorded under NoGrad: leaf %v requiresGrad %v op %q", name, v.IsLeaf(), v.RequiresGrad(), v.Op())
		}
	}
	engExpect(t, "value under NoGrad", y, float32(math.E), float32(math.Exp(4)))
	// Gradients of a no-grad result reach nothing.
	g := Grad([]*Value{SumAll(y)}, []*Value{x}, nil, false)[0]
	engExpect(t, "grad through NoGrad", g, 0, 0)

	// A panic inside NoGrad still restores recording.
	func() {
		defer func() { _ = recover() }()
		NoGrad(func() { panic("boom") })
	}()
	if !GradEnabled() {
		t.Error("GradEnabled false after a panic inside NoGrad")
	}
	if Mul(x, x).Op() != "mul" {
		t.Error("recording did not resume after NoGrad")
	}
}

func TestGradOfIntermediate(t *testing.T) {
	x := Var(engVec(0.3, -0.7, 1.1))
	w := Var(engVec(2, 0.5, -1))
	calls := 0
	below := engTrap(Mul(x, w), &calls) // the graph under the captured value
	h := Tanh(below)                    // the captured value (a feature map)
	y := SumAll(Add(Square(h), MulScalar(h, 3)))
	gh := GradWith([]*Value{y}, []*Value{h}, nil, GradOptions{RetainGraph: true})[0]
	hd := h.Data()
	engExpect(t, "dy/dh", gh, 2*hd[0]+3, 2*hd[1]+3, 2*hd[2]+3)
	if calls != 0 {
		t.Errorf("Grad with respect to h ran %d backward functions below h", calls)
	}
	if x.Grad != nil || w.Grad != nil {
		t.Error("Grad wrote into leaves' Grad")
	}

	// Asking for h and x together does traverse below h, once, and agrees
	// with the chain rule.
	gs := Grad([]*Value{y}, []*Value{h, x}, nil, false)
	if calls != 1 {
		t.Errorf("the trap below h ran %d times, want 1", calls)
	}
	engExpect(t, "dy/dh again", gs[0], gh.Data()...)
	wd := w.Data()
	want := make([]float32, 3)
	for i := range want {
		want[i] = gh.Data()[i] * (1 - hd[i]*hd[i]) * wd[i]
	}
	engExpect(t, "dy/dx", gs[1], want...)
}

func TestGradOfIndependentInputIsZero(t *testing.T) {
	x := Var(engVec(1, 2))
	u := Var(tensor.Ones(2, 3)) // not used by y
	c := Const(engVec(5, 6))    // used, but a constant
	y := SumAll(Mul(x, c))
	gs := Grad([]*Value{y}, []*Value{x, u, c}, nil, false)
	engExpect(t, "dy/dx", gs[0], 5, 6)
	if !tensor.SameShape(gs[1].Shape(), []int{2, 3}) {
		t.Fatalf("dy/du has shape %v", gs[1].Shape())
	}
	engExpect(t, "dy/du", gs[1], 0, 0, 0, 0, 0, 0)
	engExpect(t, "dy/dc", gs[2], 0, 0)
	if u.Grad != nil {
		t.Error("u got a Grad")
	}
}

func TestFrozenLeavesGetNoGrad(t *testing.T) {
	x := Var(engVec(1, 2))
	w := Var(engVec(3, 4))
	w.SetRequiresGrad(false)
	if w.RequiresGrad() {
		t.Fatal("SetRequiresGrad(false) ignored")
	}
	SumAll(Mul(x, w)).Backward()
	if w.Grad != nil {
		t.Errorf("a frozen leaf got a gradient %v", w.Grad)
	}
	engExpect(t, "x.Grad", x.Grad, 3, 4)

	// Only frozen inputs: nothing is recorded.
	y := Mul(w, w)
	if !y.IsLeaf() || y.RequiresGrad() {
		t.Error("an op on frozen leaves recorded a node")
	}
	w.SetRequiresGrad(true)
	SumAll(Mul(w, w)).Backward()
	engExpect(t, "unfrozen w.Grad", w.Grad, 6, 8)

	if msg := engPanics(func() { Mul(x, x).SetRequiresGrad(false) }); !strings.Contains(msg, "SetRequiresGrad") {
		t.Errorf("SetRequiresGrad on a non-leaf: panic %q", msg)
	}
}

func TestDetachCutsTheGraph(t *testing.T) {
	x := Var(engVec(2, -3))
	sq := Mul(x, x)
	d := sq.Detach()
	if !d.IsLeaf() || d.RequiresGrad() {
		t.Fatal("Detach kept the graph")
	}
	if &d.Data()[0] != &sq.Data()[0] {
		t.Error("Detach copies the data")
	}
	y := SumAll(Mul(d, x)) // d treated as a constant: dy/dx = x², not 3x²
	y.Backward()
	engExpect(t, "x.Grad", x.Grad, 4, 9)
}

func TestHigherOrderThroughBackward(t *testing.T) {
	x := Var(engVec(0.5, 2))
	y := SumAll(Mul(Mul(x, x), x)) // Σx³
	g := Grad([]*Value{y}, []*Value{x}, nil, true)[0]
	engExpect(t, "first", g, 0.75, 12)
	if g.IsLeaf() {
		t.Fatal("Grad with createGraph returned a leaf")
	}
	SumAll(g).Backward()
	engExpect(t, "second", x.Grad, 3, 12) // 6x

	// Without createGraph the gradient is a constant.
	x2 := Var(engVec(1))
	g2 := Grad([]*Value{SumAll(Mul(x2, x2))}, []*Value{x2}, nil, false)[0]
	if !g2.IsLeaf() || g2.RequiresGrad() {
		t.Error("Grad without createGraph recorded a graph")
	}
}

func TestGradOutputChecks(t *testing.T) {
	x := Var(engVec(1, 2, 3))
	y := Mul(x, x)
	if msg := engPanics(func() { y.Backward() }); !strings.Contains(msg, "explicit gradient") {
		t.Errorf("Backward of a vector without a gradient: panic %q", msg)
	}
	y = Mul(x, x)
	if msg := engPanics(func() {
		Grad([]*Value{y}, []*Value{x}, []*Value{Const(tensor.Ones(2))}, false)
	}); !strings.Contains(msg, "output gradient") {
		t.Errorf("mismatched output gradient: panic %q", msg)
	}
	if msg := engPanics(func() { Grad([]*Value{y}, []*Value{x}, []*Value{nil, nil}, false) }); msg == "" {
		t.Error("two output gradients for one output did not panic")
	}
	y = Mul(x, x)
	y.BackwardWith(Const(engVec(1, 0, -1)), GradOptions{})
	engExpect(t, "weighted Backward", x.Grad, 2, 0, -6)
}

// TestGradTargetNodeSurvives: as torch.autograd.grad(y1, h), Grad frees
// only the nodes whose backward ran, so a later backward through h's own
// node still works.
func TestGradTargetNodeSurvives(t *testing.T) {
	x := Var(engVec(0.2, 0.4))
	h := Tanh(x)
	y1 := SumAll(h)
	Grad([]*Value{y1}, []*Value{h}, nil, false)
	y2 := SumAll(Square(h))
	if msg := engPanics(func() { y2.Backward() }); msg != "" {
		t.Fatalf("Backward through the target's own node after Grad: %s", msg)
	}
	hd := h.Data()
	engExpect(t, "x.Grad", x.Grad, 2*hd[0]*(1-hd[0]*hd[0]), 2*hd[1]*(1-hd[1]*hd[1]))
}

// TestGradOverReleasedGraphPanics: Grad (with inputs) over a graph that a
// previous pass released must panic like Backward does, not silently
// return zero gradients.
func TestGradOverReleasedGraphPanics(t *testing.T) {
	x := Var(engVec(0.5, -0.25))
	y := SumAll(Tanh(Mul(x, x)))
	y.Backward()
	var g []*Value
	msg := engPanics(func() { g = Grad([]*Value{y}, []*Value{x}, nil, false) })
	if msg == "" {
		t.Fatalf("Grad over a released graph returned %v instead of panicking", g[0].Data())
	}
	if !strings.Contains(msg, "RetainGraph") {
		t.Errorf("panic %q does not mention RetainGraph", msg)
	}
}
