package autograd

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// anomalyOf runs f under DetectAnomaly and returns the error it raised.
func anomalyOf(t *testing.T, f func()) *AnomalyError {
	t.Helper()
	var err error
	DetectAnomaly(func() { err = CatchAnomaly(f) })
	var a *AnomalyError
	if !errors.As(err, &a) {
		t.Fatalf("no anomaly reported (err %v)", err)
	}
	return a
}

// expectAnomaly checks what an AnomalyError names.
func expectAnomaly(t *testing.T, a *AnomalyError, op, phase string, input int, shape, index []int, bad float64) {
	t.Helper()
	v := float64(a.Value)
	sameBad := math.IsNaN(bad) && math.IsNaN(v) || v == bad
	if a.Op != op || a.Phase != phase || a.Input != input || !sameInts(a.Shape, shape) || !sameInts(a.Index, index) || !sameBad {
		t.Fatalf("got %+v, want %s %s input %d shape %v index %v value %v", *a, op, phase, input, shape, index, bad)
	}
	msg := a.Error()
	if !strings.Contains(msg, `"`+op+`"`) || !strings.Contains(msg, phase) {
		t.Fatalf("message %q does not name %s %s", msg, op, phase)
	}
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A forward NaN is named by the op that made it, with or without a graph.
func TestAnomalyForward(t *testing.T) {
	for _, noGrad := range []bool{false, true} {
		x := Var(tensor.New([]float32{1, 2, -3, 4}, 2, 2))
		a := anomalyOf(t, func() {
			run := func() { Log(AddScalar(x, 0)) }
			if noGrad {
				NoGrad(run)
			} else {
				run()
			}
		})
		expectAnomaly(t, a, "log", "forward", -1, []int{2, 2}, []int{1, 0}, math.NaN())
	}
	// 0·∞: the product, not its finite inputs' op, is named.
	inf := Const(engVec(1, float32(math.Inf(1))))
	a := anomalyOf(t, func() { Mul(Var(engVec(1, 0)), inf) })
	expectAnomaly(t, a, "mul", "forward", -1, []int{2}, []int{1}, math.NaN())
}

// √x at 0 is finite but its gradient is not: the backward phase of sqrt
// is named, whether or not the backward pass records a graph.
func TestAnomalyBackward(t *testing.T) {
	for _, createGraph := range []bool{false, true} {
		x := Var(engVec(4, 0, 9))
		a := anomalyOf(t, func() {
			y := SumAll(Sqrt(x))
			Grad([]*Value{y}, []*Value{x}, nil, createGraph)
		})
		expectAnomaly(t, a, "sqrt", "backward", 0, []int{3}, []int{1}, math.Inf(1))
	}
	x := Var(engVec(4, 0, 9))
	a := anomalyOf(t, func() { SumAll(Sqrt(x)).Backward() })
	expectAnomaly(t, a, "sqrt", "backward", 0, []int{3}, []int{1}, math.Inf(1))
}

// x^1.5 has a finite first derivative at 0 (1.5·x^0.5) and an infinite
// second one: the second-order pass names the pow_scalar its first pass
// recorded.
func TestAnomalySecondOrder(t *testing.T) {
	x := Var(engVec(1, 0))
	var g1 *Value
	a := anomalyOf(t, func() {
		g1 = Grad([]*Value{SumAll(PowScalar(x, 1.5))}, []*Value{x}, nil, true)[0]
		Grad([]*Value{SumAll(g1)}, []*Value{x}, nil, false)
	})
	if g1 == nil {
		t.Fatal("the first-order pass was reported")
	}
	expectAnomaly(t, a, "pow_scalar", "backward", 0, []int{2}, []int{1}, math.Inf(1))
}

// Two finite gradients whose sum overflows are caught where they meet.
func TestAnomalyAccumulation(t *testing.T) {
	x := Var(engVec(1e-30))
	a := anomalyOf(t, func() {
		y := Add(SumAll(MulScalar(x, 3e38)), SumAll(MulScalar(x, 3e38)))
		y.Backward()
	})
	expectAnomaly(t, a, "mul_scalar", "backward", 0, []int{1}, []int{0}, math.Inf(1))
}

// Off, nothing is checked; the process-wide switch turns it on; a caught
// backward anomaly leaves forward checks working; other panics pass.
func TestAnomalySwitch(t *testing.T) {
	if AnomalyEnabled() {
		t.Fatal("anomaly detection is on by default")
	}
	x := Var(engVec(-1, 0))
	if err := CatchAnomaly(func() { SumAll(Sqrt(Log(Neg(x)))).Backward() }); err != nil {
		t.Fatalf("off, got %v", err)
	}
	SetDetectAnomaly(true)
	SetDetectAnomaly(true) // idempotent: one SetDetectAnomaly(false) undoes it
	z := Var(engVec(0, 4))
	err := CatchAnomaly(func() { SumAll(Sqrt(z)).Backward() })
	if err == nil || !strings.Contains(err.Error(), `"sqrt" backward`) {
		t.Fatalf("on, got %v", err)
	}
	if err := CatchAnomaly(func() { Log(x) }); err == nil {
		t.Fatal("forward checks stayed off after a backward anomaly")
	}
	SetDetectAnomaly(false)
	if AnomalyEnabled() {
		t.Fatal("SetDetectAnomaly(false) left detection on")
	}
	defer func() {
		if r := recover(); r != "other" {
			t.Fatalf("recovered %v", r)
		}
	}()
	CatchAnomaly(func() { panic("other") })
}
