package autograd

import (
	"math"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// Tests of buffer reuse: gradients recycled during a pass, activations
// recycled by FreeValues, saved pooling indices, and the need mask.

// freeNet is a small training step: conv → relu → 2×2 max-pool → batch
// norm → linear → cross-entropy, large enough that every buffer goes
// through the allocator's free lists.
type freeNet struct {
	cw, cb, gamma, beta, lw, lb *Value
	st                          *BatchNormState
}

func newFreeNet(seed uint64) *freeNet {
	r := tensor.NewRNG(seed)
	return &freeNet{
		cw:    Var(tensor.Uniform(r, -0.3, 0.3, 8, 3, 3, 3)),
		cb:    Var(tensor.Uniform(r, -0.1, 0.1, 8)),
		gamma: Var(tensor.Uniform(r, 0.5, 1.5, 8)),
		beta:  Var(tensor.Uniform(r, -0.1, 0.1, 8)),
		lw:    Var(tensor.Uniform(r, -0.05, 0.05, 10, 8*8*8)),
		lb:    Var(tensor.Uniform(r, -0.1, 0.1, 10)),
		st:    &BatchNormState{RunningMean: tensor.Zeros(8), RunningVar: tensor.Ones(8), Momentum: 0.1, Eps: 1e-5},
	}
}

func (m *freeNet) params() []*Value { return []*Value{m.cw, m.cb, m.gamma, m.beta, m.lw, m.lb} }

func (m *freeNet) forward(x *Value) (logits *Value, fm *Value) {
	fm = Relu(Conv2D(x, m.cw, m.cb, tensor.ConvParams{PadH: 1, PadW: 1}))
	h := BatchNorm(MaxPool2D(fm, tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}), m.gamma, m.beta, m.st, true)
	return Linear(Flatten(h), m.lw, m.lb), fm
}

// step runs one SGD step and returns the loss and the logits' values.
func (m *freeNet) step(x *Value, labels []int, o GradOptions) (float32, []float32) {
	logits, _ := m.forward(x)
	loss := CrossEntropy(logits, labels)
	o.Keep = append(o.Keep, logits)
	loss.BackwardWith(nil, o)
	lv := loss.Item()
	lg := append([]float32(nil), logits.Data()...)
	for _, p := range m.params() {
		w, g := p.Data(), p.Grad.Data()
		for i := range w {
			w[i] -= 0.1 * g[i]
		}
		p.ZeroGrad()
	}
	return lv, lg
}

func freeBatch() (*Value, []int) {
	r := tensor.NewRNG(99)
	x := Const(tensor.Uniform(r, -1, 1, 16, 3, 16, 16))
	labels := make([]int, 16)
	for i := range labels {
		labels[i] = i % 10
	}
	return x, labels
}

// TestFreeValuesSameBitsAndReuse: training with FreeValues gives bitwise
// the same losses, logits and weights as without, and after the first
// step the forward and backward passes draw their buffers from the free
// lists.
func TestFreeValuesSameBitsAndReuse(t *testing.T) {
	x, labels := freeBatch()
	plain, freed := newFreeNet(5), newFreeNet(5)
	const steps = 4
	var losses [2][steps]float32
	var logits [2][steps][]float32
	// The freed net's steps run first: the plain one's would take the
	// buffers it hands back and keep them.
	for s := 0; s < steps; s++ {
		before := tensor.Stats()
		losses[1][s], logits[1][s] = freed.step(x, labels, GradOptions{FreeValues: true})
		after := tensor.Stats()
		if s >= 2 {
			hits, misses := after.Hits-before.Hits, after.Misses-before.Misses
			// What still misses: the parameters' gradients, which the
			// leaves keep.
			if hits < 4*misses {
				t.Errorf("step %d: %d hits and %d misses in the allocator: buffers are not reused", s, hits, misses)
			}
		}
	}
	for s := 0; s < steps; s++ {
		losses[0][s], logits[0][s] = plain.step(x, labels, GradOptions{})
		if math.Float32bits(losses[0][s]) != math.Float32bits(losses[1][s]) {
			t.Fatalf("step %d: loss %v with FreeValues, %v without", s, losses[1][s], losses[0][s])
		}
		if err := detSameBits(logits[0][s], logits[1][s]); err != "" {
			t.Fatalf("step %d: logits differ: %s", s, err)
		}
	}
	for i, p := range plain.params() {
		if err := detSameBits(p.Data(), freed.params()[i].Data()); err != "" {
			t.Errorf("parameter %d differs: %s", i, err)
		}
	}
}

// TestFreeValuesSparesWhatItMust: outputs, Keep, values whose tensor was
// taken, and leaves survive FreeValues; any other value of the released
// graph panics when read, naming the option.
func TestFreeValuesSparesWhatItMust(t *testing.T) {
	x, labels := freeBatch()
	m := newFreeNet(6)
	logits, fm := m.forward(x)
	taken := fm.Tensor() // handed out: never recycled
	want := append([]float32(nil), taken.Data()...)
	hidden := Relu(MulScalar(fm, 2)) // an interior value nobody reads before the pass
	loss := Add(CrossEntropy(logits, labels), MulScalar(SumAll(hidden), 1e-3))
	loss.BackwardWith(nil, GradOptions{FreeValues: true, Keep: []*Value{logits}})
	_ = loss.Item()
	_ = logits.Data()
	if err := detSameBits(taken.Data(), want); err != "" {
		t.Errorf("a tensor taken before the pass changed: %s", err)
	}
	msg := engPanics(func() { _ = hidden.Data() })
	if !strings.Contains(msg, "FreeValues") || !strings.Contains(msg, "Keep") {
		t.Errorf("reading a freed value: panic %q", msg)
	}
	for _, p := range m.params() {
		_ = p.Data()
		_ = p.Grad.Data()
	}
}

// TestRecycledGradientsAgree: Grad without a graph (which recycles
// gradients as it goes) gives bitwise the gradients of a pass that records
// one (which recycles nothing), for parameters and for an interior value.
func TestRecycledGradientsAgree(t *testing.T) {
	x, labels := freeBatch()
	m := newFreeNet(7)
	loss := func() (*Value, *Value) {
		// No batch norm: its backward with a graph is its composite form,
		// whose rounding differs from the fused kernel's.
		fm := Relu(Conv2D(x, m.cw, m.cb, tensor.ConvParams{PadH: 1, PadW: 1}))
		h := MaxPool2D(fm, tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2})
		logits := Linear(Flatten(h), m.lw, m.lb)
		return Add(CrossEntropy(logits, labels), MulScalar(SumAll(Mul(fm, fm)), 1e-3)), fm
	}
	l, fm := loss()
	ref := GradWith([]*Value{l}, []*Value{m.cw, m.cb, m.lw, m.lb, fm}, nil, GradOptions{CreateGraph: true})
	for s := 0; s < 2; s++ { // the second time from recycled buffers
		l2, fm2 := loss()
		got := Grad([]*Value{l2}, []*Value{m.cw, m.cb, m.lw, m.lb, fm2}, nil, false)
		for i, name := range []string{"conv.w", "conv.b", "fc.w", "fc.b", "feature map"} {
			if err := detSameBits(ref[i].Data(), got[i].Data()); err != "" {
				t.Errorf("pass %d: %s: %s", s, name, err)
			}
		}
	}
}

// TestSharedGradientGivesEachLeafItsOwn: y = a + b hands the same
// gradient to both leaves; each must get storage of its own.
func TestSharedGradientGivesEachLeafItsOwn(t *testing.T) {
	a := Var(tensor.Zeros(5000))
	b := Var(tensor.Zeros(5000))
	SumAll(Add(a, b)).Backward()
	ga, gb := a.Grad.Data(), b.Grad.Data()
	ga[0] = 42
	if gb[0] != 1 {
		t.Fatalf("the leaves share gradient storage: b.Grad[0] = %v after writing a.Grad[0]", gb[0])
	}
	// The same leaf twice (x + x) sums, and accumulation across calls adds.
	x := Var(tensor.Full(2, 5000))
	SumAll(Add(x, x)).Backward()
	SumAll(Mul(x, x)).Backward()
	if g := x.Grad.Data()[7]; g != 2+4 {
		t.Fatalf("accumulated gradient %v, want 6", g)
	}
}

// TestNeedMaskSkipsUnneededGradients: Grad with respect to an input alone
// does not compute the weights' gradients (the trap op sees which inputs
// are needed), and the results match the full pass.
func TestNeedMaskSkipsUnneededGradients(t *testing.T) {
	r := tensor.NewRNG(8)
	x := Var(tensor.Uniform(r, -1, 1, 2, 3, 6, 6))
	w := Var(tensor.Uniform(r, -1, 1, 4, 3, 3, 3))
	var seen [][]bool
	probe := &OpInfo{Name: "test_need_probe"}
	f := func() *Value {
		y := Conv2D(x, w, nil, tensor.ConvParams{})
		z := record(probe, y.t, []*Value{y, w}, func(g *Value) []*Value {
			seen = append(seen, []bool{needGrad(0), needGrad(1)})
			return []*Value{g, nil}
		})
		return SumAll(Mul(z, z))
	}
	gx := Grad([]*Value{f()}, []*Value{x}, nil, false)[0]
	if len(seen) != 1 || !seen[0][0] || seen[0][1] {
		t.Fatalf("need mask seen by the backward: %v, want [[true false]]", seen)
	}
	both := Grad([]*Value{f()}, []*Value{x, w}, nil, false)
	if err := detSameBits(gx.Data(), both[0].Data()); err != "" {
		t.Errorf("input gradient alone differs from the full pass: %s", err)
	}
}
