package autograd

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// detResult is everything one run of the composite computation produces.
type detResult struct {
	names []string
	vals  [][]float32
}

func (r *detResult) add(name string, t *tensor.Tensor) {
	r.names = append(r.names, name)
	r.vals = append(r.vals, append([]float32(nil), t.Data()...))
}

// detRun builds fresh parameters from a fixed seed and runs
// conv → batch norm (training) → relu → max-pool → linear → cross-entropy,
// adds a second-order penalty (the squared gradients of the loss with
// respect to the input and to the relu feature map, taken with
// createGraph), and differentiates the total with respect to every
// parameter.
//
// The sizes are chosen so that the tensor package's parallelFor (grain
// 1<<14 elements) really splits the work: the convolution costs ~3·10⁵
// multiply-adds per image over 8 images, the batch-norm reductions and the
// elementwise ops cover 65 536 elements, and each row of the linear layer's
// product costs 10·2048.
func detRun() detResult {
	r := tensor.NewRNG(2024)
	const n, c, o, h, w, classes = 8, 4, 8, 32, 32, 10
	x := Var(tensor.Uniform(r, -1, 1, n, c, h, w))
	cw := Var(tensor.Uniform(r, -0.3, 0.3, o, c, 3, 3))
	cb := Var(tensor.Uniform(r, -0.1, 0.1, o))
	gamma := Var(tensor.Uniform(r, 0.5, 1.5, o))
	beta := Var(tensor.Uniform(r, -0.2, 0.2, o))
	feat := o * (h / 2) * (w / 2)
	lw := Var(tensor.Uniform(r, -0.05, 0.05, classes, feat))
	lb := Var(tensor.Uniform(r, -0.1, 0.1, classes))
	labels := make([]int, n)
	for i := range labels {
		labels[i] = r.Intn(classes)
	}
	st := &BatchNormState{RunningMean: tensor.Zeros(o), RunningVar: tensor.Ones(o), Momentum: 0.1, Eps: 1e-5}

	a := Conv2D(x, cw, cb, tensor.ConvParams{PadH: 1, PadW: 1})
	fm := Relu(BatchNorm(a, gamma, beta, st, true))
	p := MaxPool2D(fm, tensor.PoolParams{KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1})
	logits := Linear(Flatten(p), lw, lb)
	loss := CrossEntropy(logits, labels)

	g := Grad([]*Value{loss}, []*Value{x, fm}, nil, true)
	penalty := Add(SumAll(Square(g[0])), SumAll(Square(g[1])))
	total := Add(loss, MulScalar(penalty, 0.1))

	params := []*Value{x, cw, cb, gamma, beta, lw, lb}
	grads := Grad([]*Value{total}, params, nil, false)

	var res detResult
	res.add("logits", logits.Tensor())
	res.add("loss", loss.Tensor())
	res.add("penalty", penalty.Tensor())
	res.add("dloss/dx", g[0].Tensor())
	res.add("dloss/dfm", g[1].Tensor())
	res.add("running mean", st.RunningMean)
	res.add("running var", st.RunningVar)
	for i, name := range []string{"x", "conv.w", "conv.b", "bn.gamma", "bn.beta", "fc.w", "fc.b"} {
		res.add("dtotal/d"+name, grads[i].Tensor())
	}
	return res
}

// TestDeterministicAcrossGOMAXPROCS: same seed, same binary → the same
// bits whatever the number of workers.
func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)

	runtime.GOMAXPROCS(1)
	ref := detRun()
	for _, v := range ref.vals {
		for _, f := range v {
			if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
				t.Fatal("the reference run produced a non-finite value")
			}
		}
	}
	if pen := ref.vals[2][0]; !(pen > 0) {
		t.Fatalf("penalty %v: the second-order term is not exercised", pen)
	}
	for _, procs := range []int{2, 3} {
		runtime.GOMAXPROCS(procs)
		got := detRun()
		for i, name := range ref.names {
			if err := detSameBits(ref.vals[i], got.vals[i]); err != "" {
				t.Errorf("GOMAXPROCS=%d: %s differs from GOMAXPROCS=1: %s", procs, name, err)
			}
		}
	}
}

func detSameBits(a, b []float32) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d values vs %d", len(a), len(b))
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return fmt.Sprintf("element %d: %v (%#08x) vs %v (%#08x)", i, a[i], math.Float32bits(a[i]), b[i], math.Float32bits(b[i]))
		}
	}
	return ""
}
