package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// AlexNet (CIFAR, no LRN): five 3×3 convolutions (the first with stride 2)
// with three 2×2 max pools down to 2×2, then dropout–4096–4096–classes.
// The width multiplier scales the convolutions and the hidden layers.
func init() {
	Register(Spec{
		Name:        "alexnet",
		DoctorLayer: "features.10",
		CaptureAt:   "features.11", // the authors' ReLU(inplace=True)
		HasWidth:    true,
		Paper:       true,
		Build:       newAlexNet,
	})
}

type alexNet struct {
	nn.Base
	features, classifier *nn.Sequential
}

func newAlexNet(c Config, r *tensor.RNG) nn.Module {
	w := func(n int) int { return Scaled(n, c.Width) }
	conv := func(in, out, stride int) *nn.Conv2d {
		return nn.NewConv2d(r, in, out, 3, nn.ConvOptions{Stride: stride, Padding: 1})
	}
	m := &alexNet{}
	m.features = nn.Add(&m.Base, "features", nn.NewSequential(
		conv(c.InChannels, w(64), 2), nn.ReLU(), nn.MaxPool2d(2, 2, 0, false),
		conv(w(64), w(192), 1), nn.ReLU(), nn.MaxPool2d(2, 2, 0, false),
		conv(w(192), w(384), 1), nn.ReLU(),
		conv(w(384), w(256), 1), nn.ReLU(),
		conv(w(256), w(256), 1), nn.ReLU(), nn.MaxPool2d(2, 2, 0, false),
	))
	hidden := w(4096)
	m.classifier = nn.Add(&m.Base, "classifier", nn.NewSequential(
		nn.NewDropout(0.5, r.Uint64()),
		nn.NewLinear(r, w(256)*2*2, hidden, true), nn.ReLU(),
		nn.NewDropout(0.5, r.Uint64()),
		nn.NewLinear(r, hidden, hidden, true), nn.ReLU(),
		nn.NewLinear(r, hidden, c.Classes, true),
	))
	return m
}

// Forward implements nn.Module.
func (m *alexNet) Forward(x *autograd.Value) *autograd.Value {
	return nn.Forward(m.classifier, autograd.Flatten(nn.Forward(m.features, x)))
}
