package doctor

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/zoo"
)

// inplaceFixture is testdata/inplace/inplace.json, written by PyTorch
// (gen_inplace_fixture.py) with the authors' AlexNet.
type inplaceFixture struct {
	Width       float64     `json:"width"`
	Batch       int         `json:"batch"`
	Labels      []int       `json:"labels"`
	DoctorLayer string      `json:"doctor_layer"`
	A           []float64   `json:"a"`
	GradInplace []float64   `json:"grad_inplace"`
	GradPlain   []float64   `json:"grad_plain"`
	Logits      []float64   `json:"logits"`
	Confusing   []int       `json:"confusing"`
	Mask        [][]float32 `json:"mask"`
	PenInplace  float64     `json:"penalty_inplace"`
	PenPlain    float64     `json:"penalty_plain"`
	DWInplace   []float64   `json:"penalty_grad_classifier6_inplace"`
	DWPlain     []float64   `json:"penalty_grad_classifier6_plain"`
}

// loadInplaceFixture returns the fixture, zoo's alexnet with PyTorch's
// weights (eval mode) and the fixture's input batch.
func loadInplaceFixture(t *testing.T) (*inplaceFixture, nn.Module, zoo.Spec, *autograd.Value) {
	t.Helper()
	raw, err := os.ReadFile("testdata/inplace/inplace.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx inplaceFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	m, spec, err := zoo.New("alexnet", zoo.Config{Width: fx.Width})
	if err != nil {
		t.Fatal(err)
	}
	if spec.DoctorLayer != fx.DoctorLayer {
		t.Fatalf("doctor layer %q, the fixture hooks %q", spec.DoctorLayer, fx.DoctorLayer)
	}
	rep, err := nn.LoadWeights("testdata/inplace/alexnet.pth", m, true)
	if err != nil || !rep.Clean() {
		t.Fatalf("loading PyTorch's weights: %v %v", err, rep)
	}
	nn.SetTraining(m, false)
	// x[i] = 1.5·sin(0.731·i), as the generator writes it.
	x := tensor.Zeros(fx.Batch, 3, 32, 32)
	for i := range x.Data() {
		x.Data()[i] = float32(1.5 * math.Sin(0.731*float64(i)))
	}
	return &fx, m, spec, autograd.Const(x)
}

// TestCaptureAtInplaceReLUMatchesPyTorch: at alexnet's capture point the
// gradient, the channel penalty and the penalty's parameter gradient are
// PyTorch's with the authors' in-place ReLU; at the plain convolution they
// are PyTorch's without it. The two differ, so the capture point matters.
func TestCaptureAtInplaceReLUMatchesPyTorch(t *testing.T) {
	fx, m, spec, x := loadInplaceFixture(t)
	if d := maxAbsDiff(fx.GradInplace, fx.GradPlain); d < 1e-3 {
		t.Fatalf("fixture: in-place and plain gradients differ by only %g", d)
	}
	if spec.CaptureLayer() == spec.DoctorLayer {
		t.Fatalf("alexnet captures at its convolution %q; the authors' in-place ReLU moves it", spec.DoctorLayer)
	}
	mask := tensor.Zeros(len(fx.Mask), len(fx.Mask[0]))
	for k, row := range fx.Mask {
		for c, v := range row {
			mask.Set(v, k, c)
		}
	}
	cases := []struct {
		name, layer string
		grad, dw    []float64
		penalty     float64
	}{
		{"in place (default)", spec.CaptureLayer(), fx.GradInplace, fx.DWInplace, fx.PenInplace},
		{"plain convolution", spec.DoctorLayer, fx.GradPlain, fx.DWPlain, fx.PenPlain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logits, a, err := forwardCapturing(m, tc.layer, x)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxAbsDiff(fx.Logits, float64s(logits.Data())); d > 1e-5 {
				t.Fatalf("logits differ from PyTorch's by %g", d)
			}
			g := LabelLogitGradient(logits, a, fx.Labels, false)
			if d := maxAbsDiff(tc.grad, float64s(g.Data())); d > 1e-6 {
				t.Errorf("G at %s differs from PyTorch's by %g", tc.layer, d)
			}
			nn.ZeroGrad(m)
			c := &Constraint{Layer: tc.layer, Mask: mask, Alpha: 1}
			terms, err := c.Evaluate(m, x, fx.Labels, nil)
			if err != nil {
				t.Fatal(err)
			}
			for b, y := range fx.Confusing {
				if terms.Confusing[b] != y {
					t.Fatalf("confusing classes %v, PyTorch %v", terms.Confusing, fx.Confusing)
				}
			}
			pen := autograd.Add(terms.High, terms.Low)
			if got := float64(pen.Item()); math.Abs(got-tc.penalty) > 1e-6*max(1, math.Abs(tc.penalty)) {
				t.Errorf("penalty %g, PyTorch %g", got, tc.penalty)
			}
			w := paramNamed(t, m, "classifier.6.weight")
			dw := autograd.Grad([]*autograd.Value{pen}, []*autograd.Value{w}, nil, false)[0]
			if d := maxAbsDiff(tc.dw, float64s(dw.Data())); d > 1e-6 {
				t.Errorf("penalty gradient at classifier.6.weight differs from PyTorch's by %g", d)
			}
		})
	}
}

// TestInplaceGradientIsPlainUnmasked: on alexnet, the gradient at the
// ReLU's output equals the convolution's where A > 0; where A ≤ 0 the
// convolution's is zero but the ReLU output's is not (a 2×2 max pool with
// no positive input passes its gradient to a zero).
func TestInplaceGradientIsPlainUnmasked(t *testing.T) {
	fx, m, spec, x := loadInplaceFixture(t)
	_, plainA, err := forwardCapturing(m, spec.DoctorLayer, x)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(fx.A, float64s(plainA.Data())); d > 1e-5 {
		t.Fatalf("conv output differs from PyTorch's by %g", d)
	}
	grad := func(layer string) []float32 {
		logits, a, err := forwardCapturing(m, layer, x)
		if err != nil {
			t.Fatal(err)
		}
		return LabelLogitGradient(logits, a, fx.Labels, false).Data()
	}
	in, plain := grad(spec.CaptureLayer()), grad(spec.DoctorLayer)
	unmasked := 0
	for i, av := range plainA.Data() {
		switch {
		case av > 0 && in[i] != plain[i]:
			t.Fatalf("element %d: A > 0 but gradients %g (in place) and %g (plain)", i, in[i], plain[i])
		case av <= 0 && plain[i] != 0:
			t.Fatalf("element %d: A ≤ 0 but the plain gradient is %g", i, plain[i])
		case av <= 0 && in[i] != 0:
			unmasked++
		}
	}
	if unmasked == 0 {
		t.Fatal("the in-place gradient is zero wherever A ≤ 0: no different from the plain one")
	}
}

func paramNamed(t *testing.T, m nn.Module, name string) *autograd.Value {
	t.Helper()
	for _, p := range nn.Parameters(m) {
		if p.Name == name {
			return p.Value
		}
	}
	t.Fatalf("no parameter %s", name)
	return nil
}

func float64s(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}
