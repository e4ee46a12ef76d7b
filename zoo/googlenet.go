package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// GoogLeNet (Inception v1) for 32×32 inputs, as the Model Doctor code
// defines it (after weiaicunzai/pytorch-cifar100): a three-convolution
// prelayer instead of the ImageNet stem, nine Inception modules with batch
// norm, the 5×5 branch factorised into two 3×3 convolutions, then global
// average pooling, channel dropout 0.4 and a linear classifier.
//
// Width scales every channel count (Width 1 is the reference).
type GoogLeNet struct {
	nn.Base
	Prelayer                   *nn.Sequential
	A3, B3                     *googlenetInception
	Maxpool                    *nn.Func
	A4, B4, C4, D4, E4, A5, B5 *googlenetInception
	Avgpool                    *nn.Func
	Dropout                    *nn.Dropout
	Linear                     *nn.Linear
}

// googlenetInception is one Inception module: 1×1, 1×1→3×3, 1×1→3×3→3×3
// and maxpool→1×1 branches, concatenated along channels.
type googlenetInception struct {
	nn.Base
	b1, b2, b3, b4 *nn.Sequential
	out            int
}

func newGooglenetInception(r *tensor.RNG, in, n1x1, n3x3r, n3x3, n5x5r, n5x5, pool int) *googlenetInception {
	m := &googlenetInception{out: n1x1 + n3x3 + n5x5 + pool}
	conv := func(i, o, k int) nn.Module {
		return nn.NewConv2d(r, i, o, k, nn.ConvOptions{Padding: k / 2})
	}
	bn := func(c int) nn.Module { return nn.NewBatchNorm2d(c, nn.BatchNormOptions{}) }
	m.b1 = nn.Add(&m.Base, "b1", nn.NewSequential(conv(in, n1x1, 1), bn(n1x1), nn.ReLU()))
	m.b2 = nn.Add(&m.Base, "b2", nn.NewSequential(
		conv(in, n3x3r, 1), bn(n3x3r), nn.ReLU(),
		conv(n3x3r, n3x3, 3), bn(n3x3), nn.ReLU()))
	m.b3 = nn.Add(&m.Base, "b3", nn.NewSequential(
		conv(in, n5x5r, 1), bn(n5x5r), nn.ReLU(),
		// The reference writes nn.BatchNorm2d(n5x5, n5x5): its second
		// argument is eps, so this batch norm has eps = n5x5.
		conv(n5x5r, n5x5, 3), nn.NewBatchNorm2d(n5x5, nn.BatchNormOptions{Eps: float32(n5x5)}), nn.ReLU(),
		conv(n5x5, n5x5, 3), bn(n5x5), nn.ReLU()))
	m.b4 = nn.Add(&m.Base, "b4", nn.NewSequential(
		nn.MaxPool2d(3, 1, 1, false),
		conv(in, pool, 1), bn(pool), nn.ReLU()))
	return m
}

// Forward implements nn.Module.
func (m *googlenetInception) Forward(x *autograd.Value) *autograd.Value {
	return autograd.Concat([]*autograd.Value{
		nn.Forward(m.b1, x), nn.Forward(m.b2, x), nn.Forward(m.b3, x), nn.Forward(m.b4, x),
	}, 1)
}

// NewGoogLeNet builds the network for a normalised config.
func NewGoogLeNet(c Config, r *tensor.RNG) *GoogLeNet {
	w := func(n int) int { return Scaled(n, c.Width) }
	m := &GoogLeNet{}
	bn := func(n int) nn.Module { return nn.NewBatchNorm2d(n, nn.BatchNormOptions{}) }
	conv := func(i, o int) nn.Module {
		return nn.NewConv2d(r, i, o, 3, nn.ConvOptions{Padding: 1, NoBias: true})
	}
	m.Prelayer = nn.Add(&m.Base, "prelayer", nn.NewSequential(
		conv(c.InChannels, w(64)), bn(w(64)), nn.ReLU(),
		conv(w(64), w(64)), bn(w(64)), nn.ReLU(),
		conv(w(64), w(192)), bn(w(192)), nn.ReLU()))
	in := w(192)
	inception := func(name string, n1x1, n3x3r, n3x3, n5x5r, n5x5, pool int) *googlenetInception {
		b := nn.Add(&m.Base, name, newGooglenetInception(r, in, w(n1x1), w(n3x3r), w(n3x3), w(n5x5r), w(n5x5), w(pool)))
		in = b.out
		return b
	}
	m.A3 = inception("a3", 64, 96, 128, 16, 32, 32)
	m.B3 = inception("b3", 128, 128, 192, 32, 96, 64)
	m.Maxpool = nn.Add(&m.Base, "maxpool", nn.MaxPool2d(3, 2, 1, false))
	m.A4 = inception("a4", 192, 96, 208, 16, 48, 64)
	m.B4 = inception("b4", 160, 112, 224, 24, 64, 64)
	m.C4 = inception("c4", 128, 128, 256, 24, 64, 64)
	m.D4 = inception("d4", 112, 144, 288, 32, 64, 64)
	m.E4 = inception("e4", 256, 160, 320, 32, 128, 128)
	m.A5 = inception("a5", 256, 160, 320, 32, 128, 128)
	m.B5 = inception("b5", 384, 192, 384, 48, 128, 128)
	m.Avgpool = nn.Add(&m.Base, "avgpool", nn.AdaptiveAvgPool2d(1, 1))
	m.Dropout = nn.Add(&m.Base, "dropout", nn.NewDropout2d(0.4, r.Uint64()))
	m.Linear = nn.Add(&m.Base, "linear", nn.NewLinear(r, in, c.Classes, true))
	return m
}

// Forward implements nn.Module.
func (m *GoogLeNet) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(m.Prelayer, x)
	x = nn.Forward(m.Maxpool, x)
	x = nn.Forward(m.A3, x)
	x = nn.Forward(m.B3, x)
	x = nn.Forward(m.Maxpool, x)
	for _, b := range []*googlenetInception{m.A4, m.B4, m.C4, m.D4, m.E4} {
		x = nn.Forward(b, x)
	}
	x = nn.Forward(m.Maxpool, x)
	x = nn.Forward(m.A5, x)
	x = nn.Forward(m.B5, x)
	x = nn.Forward(m.Avgpool, x)
	x = nn.Forward(m.Dropout, x)
	return nn.Forward(m.Linear, autograd.Flatten(x))
}

func init() {
	Register(Spec{
		Name:        "googlenet",
		DoctorLayer: "b5.b4.1",
		HasWidth:    true,
		Build:       func(c Config, r *tensor.RNG) nn.Module { return NewGoogLeNet(c, r) },
		Paper:       true,
	})
}
