package autograd

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/devicetest"
)

// The fake device has no kernels: every op runs tensor's host code on
// counted copies, so a graph on it must give the host's bits.

// secondOrder builds a loss from the ops whose backward makes tensors of
// its own (gather's and index_select's zeros, where's zero, the seed),
// cross-entropy with class weights and label smoothing, and returns the
// gradient of ‖∂loss/∂x‖² with respect to x.
func secondOrder(xt *tensor.Tensor) (loss, gg *Value) {
	x := Var(xt)
	cond := tensor.GtScalar(xt, 0)
	loss = CrossEntropyWith(x, []int{0, 3, 1, 4}, CrossEntropyOptions{Weight: []float32{1, 2, 0.5, 1, 3}, LabelSmoothing: 0.1})
	loss = Add(loss, SumAll(Where(cond, Square(x), MulScalar(x, 0.5))))
	loss = Add(loss, SumAll(Square(IndexSelect(x, 1, []int{0, 2, 2}))))
	loss = Add(loss, CrossEntropy(x, []int{2, 2, 0, 1}))
	g := Grad([]*Value{loss}, []*Value{x}, nil, true)[0]
	return loss, Grad([]*Value{SumAll(Square(g))}, []*Value{x}, nil, false)[0]
}

func TestSecondOrderOnDeviceMatchesHost(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	xt := tensor.Uniform(tensor.NewRNG(3), -1, 1, 4, 5)
	hl, hg := secondOrder(xt)
	xd := xt.To(dev)
	tensor.ResetTransfers()
	dl, dg := secondOrder(xd)
	// Class weights depend on the labels: uploaded per call (twice: the
	// picked weights and, for label smoothing, the weight vector).
	if s := tensor.Transfers(); s.Uploads != 2 || s.Downloads != 0 {
		t.Errorf("%d uploads, %d downloads; want 2 (the class weights), 0", s.Uploads, s.Downloads)
	}
	if dg.Device() != dev {
		t.Fatalf("the gradient is on %s", dg.Device())
	}
	devicetest.RequireSameBits(t, "loss", dl.Tensor(), hl.Tensor())
	devicetest.RequireSameBits(t, "second-order gradient", dg.Tensor(), hg.Tensor())
}

// TestDropoutOnDeviceDrawsItsMaskThere: the mask is the host's stream,
// drawn by the device (the fake has no kernel, so its fallback computes
// it) — no explicit upload — and both dropouts give the host's bits.
func TestDropoutOnDeviceDrawsItsMaskThere(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	xt := tensor.Uniform(tensor.NewRNG(3), -1, 1, 2, 3, 4, 4)
	host := Dropout2d(Const(xt), 0.5, tensor.NewRNG(8), true)
	xd := xt.To(dev)
	tensor.ResetTransfers()
	onDev := Dropout2d(Const(xd), 0.5, tensor.NewRNG(8), true)
	if s := tensor.Transfers(); s.Uploads != 0 || s.Fallbacks["Bernoulli"] != 1 {
		t.Errorf("%d uploads, Bernoulli drawn on the device %d times; want 0 and 1", s.Uploads, s.Fallbacks["Bernoulli"])
	}
	devicetest.RequireSameBits(t, "dropout2d", onDev.Tensor(), host.Tensor())
	hostFull := Dropout(Const(xt), 0.3, tensor.NewRNG(9), true)
	devicetest.RequireSameBits(t, "dropout", Dropout(Const(xd), 0.3, tensor.NewRNG(9), true).Tensor(), hostFull.Tensor())
}

func TestBatchNormRunningStatsOnDevice(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	x := tensor.Uniform(tensor.NewRNG(3), -1, 2, 3, 2, 4, 4)
	state := func(d tensor.Device) *BatchNormState {
		return &BatchNormState{RunningMean: tensor.New([]float32{0.5, -1}, 2).To(d), RunningVar: tensor.New([]float32{1.5, 0.25}, 2).To(d), Momentum: 0.1, Eps: 1e-5}
	}
	hs, ds := state(tensor.Host), state(dev)
	BatchNorm(Const(x), nil, nil, hs, true)
	BatchNorm(Const(x.To(dev)), nil, nil, ds, true)
	// The host loop's a·b + c·d may be fused into multiply-adds where the
	// compiler does (not amd64 below v3): allow the last bit there.
	for i, pair := range [][2]*tensor.Tensor{{ds.RunningMean, hs.RunningMean}, {ds.RunningVar, hs.RunningVar}} {
		g, w := pair[0].To(tensor.Host).Data(), pair[1].Data()
		for c := range w {
			if d := math.Abs(float64(g[c] - w[c])); d > 1e-6*math.Abs(float64(w[c])) {
				t.Errorf("statistic %d channel %d: %v on the device, %v on the host", i, c, g[c], w[c])
			}
		}
	}
}

func TestItemsOnDeviceReadsOnce(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	a, b := ScalarOn(dev, 1.5), Sum(Const(tensor.New([]float32{1, 2, 3}, 3).To(dev)), nil, false)
	tensor.ResetTransfers()
	got := Items(a, b)
	if got[0] != 1.5 || got[1] != 6 {
		t.Fatalf("Items = %v", got)
	}
	if s := tensor.Transfers(); s.Downloads != 1 {
		t.Errorf("%d downloads, want 1", s.Downloads)
	}
}

// TestFreeValuesSparesTakenDeviceValues: device storage has no pin, so
// FreeValues must remember itself that a value's Tensor was taken.
func TestFreeValuesSparesTakenDeviceValues(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	w := Var(tensor.New([]float32{1, -2, 3}, 3).To(dev))
	h := Relu(MulScalar(w, 2))
	taken := h.Tensor()
	SumAll(Square(h)).BackwardWith(nil, GradOptions{FreeValues: true})
	if taken.Released() {
		t.Fatal("a value whose Tensor was taken was freed")
	}
	devicetest.RequireSameBits(t, "h", taken, tensor.New([]float32{2, 0, 6}, 3))
}

func TestMoveTo(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	w := Var(tensor.New([]float32{1, 2}, 2))
	w.Grad = Const(tensor.New([]float32{3, 4}, 2))
	w.MoveTo(dev)
	if w.Device() != dev || w.Grad != nil {
		t.Fatalf("after MoveTo: on %s, gradient %v", w.Device(), w.Grad)
	}
	old := w.t // not Tensor(): a taken (pinned) storage is never released
	w.MoveTo(tensor.Host)
	if !old.Released() {
		t.Error("the storage left on the device was not released")
	}
	devicetest.RequireSameBits(t, "w", w.Tensor(), tensor.New([]float32{1, 2}, 2))
	defer func() {
		if recover() == nil {
			t.Error("moving an op's result did not panic")
		}
	}()
	MulScalar(w, 2).MoveTo(dev)
}
