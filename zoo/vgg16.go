package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// VGG-16 with batch norm (CIFAR): configuration D of 3×3 conv–BN–ReLU
// layers and five 2×2 max pools down to 1×1, then
// 512–4096–4096–classes with dropout. The width multiplier scales the
// convolutions and the hidden layers.
func init() {
	Register(Spec{
		Name:        "vgg16",
		DoctorLayer: "features.40",
		HasWidth:    true,
		Paper:       true,
		Build: func(c Config, r *tensor.RNG) nn.Module {
			return newVGG(c, r, vgg16Config)
		},
	})
}

// vgg16Config is configuration D: channel counts, 0 for a max pool.
var vgg16Config = []int{64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0}

type vggNet struct {
	nn.Base
	features, classifier *nn.Sequential
}

func newVGG(c Config, r *tensor.RNG, cfg []int) *vggNet {
	m := &vggNet{}
	f := nn.NewSequential()
	in := c.InChannels
	for _, v := range cfg {
		if v == 0 {
			f.Append(nn.MaxPool2d(2, 2, 0, false))
			continue
		}
		out := Scaled(v, c.Width)
		f.Append(nn.NewConv2d(r, in, out, 3, nn.ConvOptions{Padding: 1}))
		f.Append(nn.NewBatchNorm2d(out, nn.BatchNormOptions{}))
		f.Append(nn.ReLU())
		in = out
	}
	m.features = nn.Add(&m.Base, "features", f)
	hidden := Scaled(4096, c.Width)
	m.classifier = nn.Add(&m.Base, "classifier", nn.NewSequential(
		nn.NewLinear(r, in, hidden, true), nn.ReLU(),
		nn.NewDropout(0.5, r.Uint64()),
		nn.NewLinear(r, hidden, hidden, true), nn.ReLU(),
		nn.NewDropout(0.5, r.Uint64()),
		nn.NewLinear(r, hidden, c.Classes, true),
	))
	return m
}

// Forward implements nn.Module.
func (m *vggNet) Forward(x *autograd.Value) *autograd.Value {
	return nn.Forward(m.classifier, autograd.Flatten(nn.Forward(m.features, x)))
}
