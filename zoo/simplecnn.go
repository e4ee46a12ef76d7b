package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// simplecnn is a small VGG-style network for quick experiments (not in the
// paper): four 3×3 conv → batch norm → ReLU stages of 16, 32, 64 and 128
// channels, the first three followed by 2×2 max pooling, then global
// average pooling and a linear classifier. Its doctor layer, the last
// convolution, has 128 channels on a 4×4 map: enough channels for
// class-specific ones to show in a diagnosis, at about 3.7 M MACs per
// 32×32 gray image.
func init() {
	Register(Spec{Name: "simplecnn", DoctorLayer: "features.12", HasWidth: true, Build: newSimpleCNN})
}

func newSimpleCNN(c Config, r *tensor.RNG) nn.Module {
	f := nn.NewSequential()
	in := c.InChannels
	for i, out := range []int{16, 32, 64, 128} {
		out = Scaled(out, c.Width)
		f.Append(nn.NewConv2d(r, in, out, 3, nn.ConvOptions{Padding: 1}))
		f.Append(nn.NewBatchNorm2d(out, nn.BatchNormOptions{}))
		f.Append(nn.ReLU())
		if i < 3 {
			f.Append(nn.MaxPool2d(2, 2, 0, false))
		}
		in = out
	}
	f.Append(nn.AdaptiveAvgPool2d(1, 1))
	f.Append(nn.Flatten())
	m := &simpleCNN{}
	m.features = nn.Add(&m.Base, "features", f)
	m.classifier = nn.Add(&m.Base, "classifier", nn.NewLinear(r, in, c.Classes, true))
	return m
}

type simpleCNN struct {
	nn.Base
	features   *nn.Sequential
	classifier *nn.Linear
}

// Forward implements nn.Module.
func (m *simpleCNN) Forward(x *autograd.Value) *autograd.Value {
	return nn.Forward(m.classifier, nn.Forward(m.features, x))
}
