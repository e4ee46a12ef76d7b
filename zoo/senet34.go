package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// SE-ResNet-34 (CIFAR): basic residual blocks with squeeze-and-excitation
// (reduction 16), stages of 3, 4, 6, 3. Unlike the plain ResNets its
// convolutions carry biases and the residual branch ends in a ReLU before
// the excitation.
func init() {
	Register(Spec{
		Name:        "senet34",
		DoctorLayer: "stage4.2.residual.3",
		HasWidth:    true,
		Paper:       true,
		Build: func(c Config, r *tensor.RNG) nn.Module {
			return newSENet(c, r, [4]int{3, 4, 6, 3})
		},
	})
}

// senetReduction is the excitation's channel reduction r.
const senetReduction = 16

// senetNet is SEResNet with basic SE blocks.
type senetNet struct {
	nn.Base
	pre    *nn.Sequential
	stages [4]*nn.Sequential
	linear *nn.Linear
}

func newSENet(c Config, r *tensor.RNG, depths [4]int) *senetNet {
	m := &senetNet{}
	widths := resnetWidths(c.Width)
	m.pre = nn.Add(&m.Base, "pre", nn.NewSequential())
	senetConvBN(m.pre, r, c.InChannels, widths[0], 3, 1, true)
	in := widths[0]
	for i, n := range depths {
		s := nn.NewSequential()
		for j := 0; j < n; j++ {
			stride := 1
			if i > 0 && j == 0 {
				stride = 2
			}
			s.Append(newSENetBlock(r, in, widths[i], stride))
			in = widths[i]
		}
		m.stages[i] = nn.Add(&m.Base, "stage"+string(rune('1'+i)), s)
	}
	m.linear = nn.Add(&m.Base, "linear", nn.NewLinear(r, in, c.Classes, true))
	return m
}

// Forward implements nn.Module.
func (m *senetNet) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(m.pre, x)
	for _, s := range m.stages {
		x = nn.Forward(s, x)
	}
	return nn.Forward(m.linear, autograd.GlobalAvgPool2D(x))
}

// senetConvBN appends a k×k convolution with bias (padding k/2), a batch
// norm and, if relu, a ReLU.
func senetConvBN(s *nn.Sequential, r *tensor.RNG, in, out, k, stride int, relu bool) {
	s.Append(nn.NewConv2d(r, in, out, k, nn.ConvOptions{Stride: stride, Padding: k / 2}))
	s.Append(nn.NewBatchNorm2d(out, nn.BatchNormOptions{}))
	if relu {
		s.Append(nn.ReLU())
	}
}

// senetBlock is BasicResidualSEBlock:
// relu(residual(x) · excitation(squeeze(residual(x))) + shortcut(x)).
type senetBlock struct {
	nn.Base
	residual, shortcut, excitation *nn.Sequential
	squeeze                        nn.Module
}

func newSENetBlock(r *tensor.RNG, in, out, stride int) *senetBlock {
	b := &senetBlock{}
	res := nn.NewSequential()
	senetConvBN(res, r, in, out, 3, stride, true)
	senetConvBN(res, r, out, out, 3, 1, true)
	b.residual = nn.Add(&b.Base, "residual", res)
	sc := nn.NewSequential()
	if stride != 1 || in != out {
		senetConvBN(sc, r, in, out, 1, stride, false)
	}
	b.shortcut = nn.Add(&b.Base, "shortcut", sc)
	b.squeeze = nn.Add(&b.Base, "squeeze", nn.AdaptiveAvgPool2d(1, 1))
	hidden := max(out/senetReduction, 1)
	b.excitation = nn.Add(&b.Base, "excitation", nn.NewSequential(
		nn.NewLinear(r, out, hidden, true),
		nn.ReLU(),
		nn.NewLinear(r, hidden, out, true),
		nn.Sigmoid(),
	))
	return b
}

// Forward implements nn.Module.
func (b *senetBlock) Forward(x *autograd.Value) *autograd.Value {
	sc := nn.Forward(b.shortcut, x)
	res := nn.Forward(b.residual, x)
	n, ch := res.Shape()[0], res.Shape()[1]
	e := nn.Forward(b.excitation, autograd.Reshape(nn.Forward(b.squeeze, res), n, ch))
	return autograd.Relu(autograd.Add(autograd.Mul(res, autograd.Reshape(e, n, ch, 1, 1)), sc))
}
