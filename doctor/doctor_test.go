package doctor

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// tinyNet is conv(3→4) → BN(train) → ReLU → global average pool → FC(4→K),
// with the conv ("0") as the doctor layer: the tail the spec's closed
// form describes.
func tinyNet(k int) nn.Module { return tinyNetWith(k, nn.ReLU()) }

// tinyNetWith uses another activation. With ReLU the label-logit gradient
// G jumps where a pre-activation changes sign, so the penalty itself is
// discontinuous in the weights and finite differences straddling a jump
// mean nothing; a smooth activation (SiLU) keeps only the penalty's own
// kinks at G = 0, which small steps avoid.
func tinyNetWith(k int, act nn.Module) nn.Module {
	r := tensor.NewRNG(11)
	return nn.NewSequential(
		nn.NewConv2d(r, 3, 4, 3, nn.ConvOptions{Padding: 1}),
		nn.NewBatchNorm2d(4, nn.BatchNormOptions{}),
		act,
		nn.NewFunc("GlobalAvgPool", autograd.GlobalAvgPool2D),
		nn.NewLinear(r, 4, k, true),
	)
}

func TestNormalizeAndThreshold(t *testing.T) {
	raw := [][]float64{{0, 1, 2, 10}, {5, 5, 4, 0}}
	norm, mask := NormalizeAndThreshold(raw, 0.2)
	want := [][]int{{0, 0, 0, 1}, {1, 1, 1, 0}}
	for k := range want {
		for c := range want[k] {
			if mask[k][c] != want[k][c] {
				t.Errorf("mask[%d][%d] = %d, want %d (norm %v)", k, c, mask[k][c], want[k][c], norm[k])
			}
		}
	}
	// (2 − 0)/(10 − 0 + 1e-5) just below 0.2: the threshold is strict.
	if got := norm[0][2]; math.Abs(got-2/(10+1e-5)) > 1e-12 {
		t.Errorf("norm[0][2] = %v", got)
	}
}

func TestConfusingClasses(t *testing.T) {
	logits := tensor.New([]float32{
		3, 1, 2, // right (0): runner-up 2
		0, 5, 4, // wrong for label 2: predicted 1
		1, 1, 0, // tie: first maximum is the prediction (0), runner-up 1
	}, 3, 3)
	got := ConfusingClasses(logits, []int{0, 2, 0})
	want := []int{2, 1, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sample %d: confusing class %d, want %d", i, got[i], want[i])
		}
	}
}

// TestLabelLogitGradientClosedForm compares G at the conv output with the
// spec's closed form through train-mode batch norm:
// G = (γ/σ)·(u − mean(u) − x̂·mean(u·x̂)), u = (1/B)·W[y,c]·1[o>0]/(HW).
func TestLabelLogitGradientClosedForm(t *testing.T) {
	const k = 5
	m := tinyNet(k)
	x := autograd.Const(tensor.Normal(tensor.NewRNG(2), 0, 1, 3, 3, 4, 5))
	labels := []int{1, 4, 1}
	logits, a, err := forwardCapturing(m, "0", x)
	if err != nil {
		t.Fatal(err)
	}
	g := LabelLogitGradient(logits, a, labels, false).Tensor()

	bn := m.(*nn.Sequential).At(1).(*nn.BatchNorm)
	w := m.(*nn.Sequential).At(4).(*nn.Linear).Weight.Data()
	s := a.Shape()
	b, c, hw := s[0], s[1], s[2]*s[3]
	ad := a.Data()
	for ch := 0; ch < c; ch++ {
		var mean, vr float64
		for i := 0; i < b; i++ {
			for p := 0; p < hw; p++ {
				mean += float64(ad[(i*c+ch)*hw+p])
			}
		}
		n := float64(b * hw)
		mean /= n
		for i := 0; i < b; i++ {
			for p := 0; p < hw; p++ {
				d := float64(ad[(i*c+ch)*hw+p]) - mean
				vr += d * d
			}
		}
		sigma := math.Sqrt(vr/n + 1e-5)
		gamma, beta := float64(bn.Weight.Data()[ch]), float64(bn.Bias.Data()[ch])
		u := make([]float64, b*hw)
		xh := make([]float64, b*hw)
		var mu, mux float64
		for i := 0; i < b; i++ {
			for p := 0; p < hw; p++ {
				j := i*hw + p
				xh[j] = (float64(ad[(i*c+ch)*hw+p]) - mean) / sigma
				if gamma*xh[j]+beta > 0 {
					u[j] = float64(w[labels[i]*c+ch]) / float64(b*hw)
				}
				mu += u[j] / n
				mux += u[j] * xh[j] / n
			}
		}
		for i := 0; i < b; i++ {
			for p := 0; p < hw; p++ {
				j := i*hw + p
				want := gamma / sigma * (u[j] - mu - xh[j]*mux)
				got := float64(g.Data()[(i*c+ch)*hw+p])
				if math.Abs(got-want) > 1e-6+1e-4*math.Abs(want) {
					t.Fatalf("G[%d,%d,%d] = %.8g, closed form %.8g", i, ch, p, got, want)
				}
			}
		}
	}
}

// channelLoss evaluates α·(L_high + L_low) of the tiny net.
func channelLoss(t *testing.T, m nn.Module, x *autograd.Value, labels []int, mask *tensor.Tensor) *autograd.Value {
	c := &Constraint{Layer: "0", Mask: mask, Alpha: 10}
	terms, err := c.Evaluate(m, x, labels, nil)
	if err != nil {
		t.Fatal(err)
	}
	return autograd.MulScalar(autograd.Add(terms.High, terms.Low), c.Alpha)
}

// TestConstraintGradientFiniteDifferences: the channel constraint's
// parameter gradient (second order: it differentiates a gradient) is not
// zero — the inert-constraint bug — and matches central differences.
func TestConstraintGradientFiniteDifferences(t *testing.T) {
	const k = 5
	m := tinyNetWith(k, nn.SiLU())
	x := autograd.Const(tensor.Normal(tensor.NewRNG(4), 0, 1, 4, 3, 5, 5))
	labels := []int{0, 3, 3, 1}
	mask := tensor.New([]float32{1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1}, k, 4)
	params := nn.Trainable(m)
	loss := channelLoss(t, m, x, labels, mask)
	grads := autograd.Grad([]*autograd.Value{loss}, params, nil, false)
	r := tensor.NewRNG(5)
	var analytic, norm float64
	dirs := make([]*tensor.Tensor, len(params))
	for i, p := range params {
		dirs[i] = tensor.Uniform(r, -1, 1, p.Shape()...)
		for j, g := range grads[i].Data() {
			analytic += float64(g) * float64(dirs[i].Data()[j])
			norm += float64(g) * float64(g)
		}
	}
	if norm == 0 {
		t.Fatal("the constraint's parameter gradient is zero: the second-order path is broken")
	}
	const h = 1e-3
	eval := func(s float64) float64 {
		for i, p := range params {
			for j := range p.Data() {
				p.Data()[j] += float32(s * float64(dirs[i].Data()[j]))
			}
		}
		v := float64(channelLoss(t, m, x, labels, mask).Item())
		for i, p := range params {
			for j := range p.Data() {
				p.Data()[j] -= float32(s * float64(dirs[i].Data()[j]))
			}
		}
		return v
	}
	numeric := (eval(h) - eval(-h)) / (2 * h)
	if math.Abs(analytic-numeric) > 2e-2*math.Max(math.Abs(analytic), math.Abs(numeric))+1e-3 {
		t.Errorf("directional derivative: analytic %.6g, finite difference %.6g", analytic, numeric)
	}
	t.Logf("directional derivative: analytic %.6g, finite difference %.6g", analytic, numeric)
}

// TestTreatStepMovesWeights: one optimisation step on the constrained loss
// changes the weights differently from a cross-entropy step, through the
// constraint's own gradient.
func TestTreatStepConstraintGradientNonZero(t *testing.T) {
	m := tinyNet(3)
	x := autograd.Const(tensor.Normal(tensor.NewRNG(8), 0, 1, 4, 3, 6, 6))
	labels := []int{0, 1, 2, 1}
	c := &Constraint{Layer: "0", Mask: tensor.New([]float32{1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1}, 3, 4), Alpha: 10}
	terms, err := c.Evaluate(m, x, labels, nil)
	if err != nil {
		t.Fatal(err)
	}
	pen := autograd.Add(terms.High, terms.Low)
	conv := m.(*nn.Sequential).At(0).(*nn.Conv2d)
	g := autograd.GradWith([]*autograd.Value{pen}, []*autograd.Value{conv.Weight}, nil, autograd.GradOptions{RetainGraph: true})[0]
	if tensor.SumAll(tensor.Abs(g.Tensor())) == 0 {
		t.Fatal("the constraint has no gradient at the doctor layer's weights")
	}
	c.Total(terms).Backward()
	if conv.Weight.Grad == nil {
		t.Fatal("Backward of the total loss left no gradient on the conv weight")
	}
}

func TestSpatialPenaltyOnlyForMaskedImages(t *testing.T) {
	m := tinyNet(3)
	x := autograd.Const(tensor.Normal(tensor.NewRNG(9), 0, 1, 2, 3, 6, 6))
	labels := []int{0, 2}
	full := tensor.Ones(6, 6) // the whole image is foreground: no penalty
	c := &Constraint{Layer: "0", Mask: tensor.Ones(3, 4), Alpha: 1, Beta: 1, Spatial: map[int]*tensor.Tensor{10: full}}
	terms, err := c.Evaluate(m, x, labels, []int{10, 11})
	if err != nil {
		t.Fatal(err)
	}
	if v := terms.Spatial.Item(); v != 0 {
		t.Errorf("all-foreground mask: spatial penalty %v, want 0", v)
	}
	half := tensor.Zeros(6, 6)
	for i := 0; i < 18; i++ {
		half.Data()[i] = 1
	}
	c.Spatial = map[int]*tensor.Tensor{11: half}
	terms, _ = c.Evaluate(m, x, labels, []int{10, 11})
	if v := terms.Spatial.Item(); !(v > 0) {
		t.Errorf("half-background mask: spatial penalty %v, want > 0", v)
	}
}

func TestFillPolygon(t *testing.T) {
	// A square from (1,1) to (4,3): pixel centres x ∈ {1.5, 2.5, 3.5},
	// y ∈ {1.5, 2.5} are inside.
	m := FillPolygon([][2]float64{{1, 1}, {4, 1}, {4, 3}, {1, 3}}, 4, 5)
	want := []float32{
		0, 0, 0, 0, 0,
		0, 1, 1, 1, 0,
		0, 1, 1, 1, 0,
		0, 0, 0, 0, 0,
	}
	for i, v := range want {
		if m.Data()[i] != v {
			t.Fatalf("mask %v, want %v", m.Data(), want)
		}
	}
}

func TestReadLabelme(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"shapes":[{"label":"cat","points":[[0,0],[4,0],[4,2],[0,2]],"shape_type":"polygon"}],"imageHeight":3,"imageWidth":4}`)
	m, err := ReadLabelme(good)
	if err != nil {
		t.Fatal(err)
	}
	if got := tensor.SumAll(m); got != 8 {
		t.Errorf("filled %v pixels, want 8", got)
	}
	bad := map[string]string{
		"notjson.json":   `{"shapes": [`,
		"noshapes.json":  `{"shapes":[],"imageHeight":3,"imageWidth":4}`,
		"twopoints.json": `{"shapes":[{"points":[[0,0],[1,1]]}],"imageHeight":3,"imageWidth":4}`,
		"nosize.json":    `{"shapes":[{"points":[[0,0],[1,1],[1,0]]}]}`,
		"rect.json":      `{"shapes":[{"points":[[0,0],[1,1]],"shape_type":"rectangle"}],"imageHeight":3,"imageWidth":4}`,
		"badpoint.json":  `{"shapes":[{"points":[["a",0],[1,1],[1,0]]}],"imageHeight":3,"imageWidth":4}`,
	}
	for name, body := range bad {
		p := write(name, body)
		if _, err := ReadLabelme(p); err == nil {
			t.Errorf("%s: no error", name)
		} else if !contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
	if _, err := ReadLabelme(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: no error")
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
