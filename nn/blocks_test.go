package nn

import (
	"math"
	"reflect"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// channelIDs returns [1,c,h,w] with every element of channel i equal to i.
func channelIDs(c, h, w int) *tensor.Tensor {
	t := tensor.Zeros(1, c, h, w)
	for i := range t.Data() {
		t.Data()[i] = float32(i / (h * w))
	}
	return t
}

func channelsOf(v *autograd.Value) []float32 {
	s := v.Shape()
	out := make([]float32, s[1])
	for c := range out {
		out[c] = v.Tensor().At(0, c, 0, 0)
	}
	return out
}

func TestChannelShuffle(t *testing.T) {
	x := autograd.Var(channelIDs(6, 2, 3))
	// PyTorch: x.view(1, g, 6/g, 2, 3).transpose(1, 2).reshape(1, 6, 2, 3).
	for g, want := range map[int][]float32{1: {0, 1, 2, 3, 4, 5}, 2: {0, 3, 1, 4, 2, 5}, 3: {0, 2, 4, 1, 3, 5}, 6: {0, 1, 2, 3, 4, 5}} {
		y := ChannelShuffle(x, g)
		if got := channelsOf(y); !reflect.DeepEqual(got, want) {
			t.Errorf("groups %d: channels %v, want %v", g, got, want)
		}
		if !tensor.SameShape(y.Shape(), x.Shape()) {
			t.Errorf("groups %d: shape %v", g, y.Shape())
		}
	}
	// Shuffling is a permutation: the gradient of Σ w·shuffle(x) is w
	// unshuffled, so every element's gradient is its own weight.
	w := autograd.Const(ChannelShuffle(autograd.Const(channelIDs(6, 2, 3)), 2).Tensor())
	g := autograd.Grad([]*autograd.Value{autograd.SumAll(autograd.Mul(ChannelShuffle(x, 2), w))}, []*autograd.Value{x}, nil, false)[0]
	if !reflect.DeepEqual(g.Data(), x.Data()) {
		t.Errorf("gradient %v, want %v", g.Data(), x.Data())
	}
	layer := NewChannelShuffle(3)
	if got := channelsOf(Forward(layer, x)); !reflect.DeepEqual(got, []float32{0, 2, 4, 1, 3, 5}) {
		t.Errorf("layer: %v", got)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("4 groups of 6 channels did not panic")
			}
		}()
		ChannelShuffle(x, 4)
	}()
}

func TestConcat(t *testing.T) {
	a := autograd.Const(channelIDs(2, 3, 3))
	b := autograd.Const(tensor.AddScalar(channelIDs(3, 3, 3), 2))
	y := Concat(a, b)
	if got := channelsOf(y); !reflect.DeepEqual(got, []float32{0, 1, 2, 3, 4}) || !tensor.SameShape(y.Shape(), []int{1, 5, 3, 3}) {
		t.Errorf("concat %v %v", y.Shape(), got)
	}
}

// seManual computes x·gate(W2·act(W1·mean(x)+b1)+b2) directly.
func seManual(x *tensor.Tensor, w1, b1, w2, b2 []float32, hidden int) []float32 {
	s := x.Shape()
	n, c, hw := s[0], s[1], s[2]*s[3]
	out := make([]float32, x.Len())
	for i := 0; i < n; i++ {
		m := make([]float64, c)
		for ch := 0; ch < c; ch++ {
			for k := 0; k < hw; k++ {
				m[ch] += float64(x.Data()[(i*c+ch)*hw+k])
			}
			m[ch] /= float64(hw)
		}
		h := make([]float64, hidden)
		for j := range h {
			h[j] = float64(b1[j])
			for ch := 0; ch < c; ch++ {
				h[j] += float64(w1[j*c+ch]) * m[ch]
			}
			h[j] = math.Max(h[j], 0)
		}
		for ch := 0; ch < c; ch++ {
			z := float64(b2[ch])
			for j := range h {
				z += float64(w2[ch*hidden+j]) * h[j]
			}
			gate := 1 / (1 + math.Exp(-z))
			for k := 0; k < hw; k++ {
				o := (i*c+ch)*hw + k
				out[o] = float32(float64(x.Data()[o]) * gate)
			}
		}
	}
	return out
}

func closeTo(t *testing.T, name string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > tol {
			t.Fatalf("%s: element %d = %v, want %v", name, i, got[i], want[i])
		}
	}
}

func TestSqueezeExcite(t *testing.T) {
	r := tensor.NewRNG(1)
	x := tensor.Normal(r, 0, 1, 2, 8, 3, 3)
	lin := NewSqueezeExcite(r, 8, 2, SEOptions{})
	wantNames := []string{"fc.0.weight", "fc.0.bias", "fc.2.weight", "fc.2.bias"}
	if got := stateNames(lin); !reflect.DeepEqual(got, wantNames) {
		t.Fatalf("linear SE names %v, want %v", got, wantNames)
	}
	fc1, fc2 := lin.FC.At(0).(*Linear), lin.FC.At(2).(*Linear)
	if !tensor.SameShape(fc1.Weight.Shape(), []int{2, 8}) || !tensor.SameShape(fc2.Weight.Shape(), []int{8, 2}) {
		t.Fatalf("shapes %v %v", fc1.Weight.Shape(), fc2.Weight.Shape())
	}
	want := seManual(x, fc1.Weight.Data(), fc1.Bias.Data(), fc2.Weight.Data(), fc2.Bias.Data(), 2)
	closeTo(t, "linear SE", Forward(lin, autograd.Const(x)).Data(), want, 1e-5)

	conv := NewSqueezeExcite(r, 8, 2, SEOptions{Conv: true})
	wantNames = []string{"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}
	if got := stateNames(conv); !reflect.DeepEqual(got, wantNames) {
		t.Fatalf("conv SE names %v, want %v", got, wantNames)
	}
	if !tensor.SameShape(conv.FC1.Weight.Shape(), []int{2, 8, 1, 1}) || !tensor.SameShape(conv.FC2.Weight.Shape(), []int{8, 2, 1, 1}) {
		t.Fatalf("conv shapes %v %v", conv.FC1.Weight.Shape(), conv.FC2.Weight.Shape())
	}
	want = seManual(x, conv.FC1.Weight.Data(), conv.FC1.Bias.Data(), conv.FC2.Weight.Data(), conv.FC2.Bias.Data(), 2)
	closeTo(t, "conv SE", Forward(conv, autograd.Const(x)).Data(), want, 1e-5)

	// Other activations (MobileNetV3: ReLU and Hardsigmoid).
	hs := NewSqueezeExcite(r, 8, 2, SEOptions{Conv: true, Gate: autograd.Hardsigmoid})
	y := Forward(hs, autograd.Const(x)).Data()
	for i, v := range y {
		ratio := float64(v / x.Data()[i])
		if ratio < -1e-6 || ratio > 1+1e-6 {
			t.Fatalf("hard gate gave a ratio %v outside [0, 1]", ratio)
		}
	}

	// The second derivative flows through the block (the doctor's need).
	xv := autograd.Var(x)
	g := autograd.Grad([]*autograd.Value{autograd.SumAll(autograd.Square(Forward(lin, xv)))}, []*autograd.Value{xv}, nil, true)[0]
	gg := autograd.Grad([]*autograd.Value{autograd.SumAll(autograd.Square(g))}, []*autograd.Value{fc1.Weight}, nil, false)[0]
	if tensor.SumAll(tensor.Abs(gg.Tensor())) == 0 {
		t.Error("no second-order gradient reaches the SE weights")
	}
}

// seBlock keeps its excitation among its own children, as the SENet of
// the zoo fixtures does ("excitation.0.weight").
type seBlock struct {
	Base
	residual   *Sequential
	excitation *Sequential
}

func (b *seBlock) Forward(x *autograd.Value) *autograd.Value {
	return autograd.Add(Excite(Forward(b.residual, x), b.excitation), x)
}

func TestExciteInsideABlock(t *testing.T) {
	r := tensor.NewRNG(2)
	b := &seBlock{}
	b.residual = Add(&b.Base, "residual", NewSequential(NewConv2d(r, 4, 4, 3, ConvOptions{Padding: 1})))
	b.excitation = Add(&b.Base, "excitation", NewSEExcitation(r, 4, 2, nil, nil))
	want := []string{"residual.0.weight", "residual.0.bias", "excitation.0.weight", "excitation.0.bias", "excitation.2.weight", "excitation.2.bias"}
	if got := stateNames(b); !reflect.DeepEqual(got, want) {
		t.Fatalf("names %v, want %v", got, want)
	}
	x := tensor.Normal(r, 0, 1, 1, 4, 5, 5)
	var seen *autograd.Value
	rm := b.excitation.ModuleBase().AddHook(func(y *autograd.Value) *autograd.Value { seen = y; return y })
	y := Forward(b, autograd.Const(x))
	rm()
	if seen == nil || !tensor.SameShape(seen.Shape(), []int{1, 4}) {
		t.Fatalf("the excitation's hook saw %v", seen)
	}
	if !tensor.SameShape(y.Shape(), x.Shape()) {
		t.Fatalf("shape %v", y.Shape())
	}
}

func TestUpsample(t *testing.T) {
	x := autograd.Const(tensor.New([]float32{1, 2, 3, 4}, 1, 1, 2, 2))
	bil := Forward(NewUpsample(UpsampleOptions{Scale: 2}), x)
	want := []float32{1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4}
	closeTo(t, "bilinear ×2", bil.Data(), want, 1e-6)
	ac := Forward(NewUpsample(UpsampleOptions{Size: [2]int{3, 3}, AlignCorners: true}), x)
	closeTo(t, "bilinear align corners", ac.Data(), []float32{1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4}, 1e-6)
	near := Forward(NewUpsample(UpsampleOptions{Scale: 2, Mode: "nearest"}), x)
	closeTo(t, "nearest ×2", near.Data(), []float32{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, 0)

	// Nearest to a size that is not a multiple: PyTorch picks
	// floor(dst·in/out): 5 → 3 takes 0, 1, 3; 5 → 7 takes 0,0,1,2,2,3,4.
	row := autograd.Var(tensor.New([]float32{10, 11, 12, 13, 14}, 1, 1, 1, 5))
	if got := ResizeNearest(row, 1, 3).Data(); !reflect.DeepEqual(got, []float32{10, 11, 13}) {
		t.Errorf("nearest 5→3: %v", got)
	}
	up := ResizeNearest(row, 1, 7)
	if got := up.Data(); !reflect.DeepEqual(got, []float32{10, 10, 11, 12, 12, 13, 14}) {
		t.Errorf("nearest 5→7: %v", got)
	}
	g := autograd.Grad([]*autograd.Value{autograd.SumAll(up)}, []*autograd.Value{row}, nil, false)[0]
	if !reflect.DeepEqual(g.Data(), []float32{2, 1, 2, 1, 1}) {
		t.Errorf("nearest gradient %v", g.Data())
	}
	if n := len(StateDict(NewUpsample(UpsampleOptions{Scale: 2}))); n != 0 {
		t.Errorf("Upsample has %d state entries", n)
	}
	for name, o := range map[string]UpsampleOptions{
		"neither":  {},
		"both":     {Scale: 2, Size: [2]int{4, 4}},
		"bad mode": {Scale: 2, Mode: "bicubic"},
		"negative": {Scale: -2},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			NewUpsample(o)
		}()
	}
}

func TestCriteria(t *testing.T) {
	r := tensor.NewRNG(3)
	logits := autograd.Const(tensor.Normal(r, 0, 1, 4, 5))
	labels := []int{0, 4, 2, 2}
	var c Criterion = CrossEntropyLoss{Weight: []float32{1, 2, 1, 0.5, 3}, LabelSmoothing: 0.1}
	want := autograd.CrossEntropyWith(logits, labels, autograd.CrossEntropyOptions{Weight: []float32{1, 2, 1, 0.5, 3}, LabelSmoothing: 0.1})
	if got := c.Loss(logits, labels); got.Item() != want.Item() {
		t.Errorf("cross entropy %v, want %v", got.Item(), want.Item())
	}
	plain := CrossEntropyLoss{}.Loss(logits, labels).Item()
	viaNLL := NLLLoss{}.Loss(autograd.LogSoftmax(logits, 1), labels).Item()
	if math.Abs(float64(plain-viaNLL)) > 1e-6 {
		t.Errorf("cross entropy %v but NLL of log-softmax %v", plain, viaNLL)
	}
}
