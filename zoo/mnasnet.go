package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// MnasNet-A1 without squeeze-and-excitation (Tan et al. 2019), as the
// definition the Model Doctor code uses (after AnjieCheng/MnasNet-PyTorch):
// the ImageNet layout with its five stride-2 stages, so a 32×32 input ends
// at 1×1 before the 1×1 conv to 1280 channels. Convolutions have no bias.

func init() {
	Register(Spec{
		Name:        "mnasnet",
		DoctorLayer: "features.18.0",
		HasWidth:    true,
		Build:       buildMnasNet,
		Paper:       true,
	})
}

// mnasnetConvBN is conv (no bias) → batch norm → ReLU6 (Conv_3x3 and
// Conv_1x1 of the reference).
func mnasnetConvBN(r *tensor.RNG, in, out, k, stride int) *nn.Sequential {
	return nn.NewSequential(
		nn.NewConv2d(r, in, out, k, nn.ConvOptions{Stride: stride, Padding: k / 2, NoBias: true}),
		nn.NewBatchNorm2d(out, nn.BatchNormOptions{}),
		nn.ReLU6(),
	)
}

// mnasnetInvertedResidual is an MBConv block: 1×1 expand, k×k depthwise,
// 1×1 linear projection, with an identity shortcut when the shape is kept.
type mnasnetInvertedResidual struct {
	nn.Base
	conv     *nn.Sequential
	identity bool
}

func newMnasNetInvertedResidual(r *tensor.RNG, in, out, stride, t, k int) *mnasnetInvertedResidual {
	b := &mnasnetInvertedResidual{identity: stride == 1 && in == out}
	h := in * t
	b.conv = nn.Add(&b.Base, "conv", nn.NewSequential(
		nn.NewConv2d(r, in, h, 1, nn.ConvOptions{NoBias: true}),
		nn.NewBatchNorm2d(h, nn.BatchNormOptions{}),
		nn.ReLU6(),
		nn.NewConv2d(r, h, h, k, nn.ConvOptions{Stride: stride, Padding: k / 2, Groups: h, NoBias: true}),
		nn.NewBatchNorm2d(h, nn.BatchNormOptions{}),
		nn.ReLU6(),
		nn.NewConv2d(r, h, out, 1, nn.ConvOptions{NoBias: true}),
		nn.NewBatchNorm2d(out, nn.BatchNormOptions{}),
	))
	return b
}

func (b *mnasnetInvertedResidual) Forward(x *autograd.Value) *autograd.Value {
	y := nn.Forward(b.conv, x)
	if b.identity {
		y = autograd.Add(x, y)
	}
	return y
}

// mnasnetNet is the whole network.
type mnasnetNet struct {
	nn.Base
	features, classifier *nn.Sequential
	last                 int
}

func buildMnasNet(c Config, r *tensor.RNG) nn.Module {
	w := c.Width
	// The reference's width rule: int(c·w), and 1280 final channels unless
	// the multiplier exceeds 1.
	scale := func(n int) int { return max(int(float64(n)*w), 1) }
	last := 1280
	if w > 1 {
		last = scale(1280)
	}
	m := &mnasnetNet{last: last}
	in := scale(32)
	f := nn.NewSequential(
		mnasnetConvBN(r, c.InChannels, in, 3, 2),
		// SepConv_3x3: depthwise 3×3 → BN → ReLU6 → pointwise → BN.
		nn.NewSequential(
			nn.NewConv2d(r, in, in, 3, nn.ConvOptions{Padding: 1, Groups: in, NoBias: true}),
			nn.NewBatchNorm2d(in, nn.BatchNormOptions{}),
			nn.ReLU6(),
			nn.NewConv2d(r, in, 16, 1, nn.ConvOptions{NoBias: true}),
			nn.NewBatchNorm2d(16, nn.BatchNormOptions{}),
		),
	)
	in = 16
	for _, s := range [][5]int{
		// t, c, n, s, k
		{3, 24, 3, 2, 3},
		{3, 40, 3, 2, 5},
		{6, 80, 3, 2, 5},
		{6, 96, 2, 1, 3},
		{6, 192, 4, 2, 5},
		{6, 320, 1, 1, 3},
	} {
		out := scale(s[1])
		for i := range s[2] {
			stride := 1
			if i == 0 {
				stride = s[3]
			}
			f.Append(newMnasNetInvertedResidual(r, in, out, stride, s[0], s[4]))
			in = out
		}
	}
	f.Append(mnasnetConvBN(r, in, last, 1, 1))
	f.Append(nn.AdaptiveAvgPool2d(1, 1))
	m.features = nn.Add(&m.Base, "features", f)
	m.classifier = nn.Add(&m.Base, "classifier", nn.NewSequential(
		nn.NewDropout(0.5, r.Uint64()),
		nn.NewLinear(r, last, c.Classes, true),
	))
	mnasnetInitWeights(m, r, 0.01)
	return m
}

func (m *mnasnetNet) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(m.features, x)
	x = autograd.Reshape(x, -1, m.last)
	return nn.Forward(m.classifier, x)
}

// mnasnetInitWeights is the reference's _initialize_weights: convolutions
// N(0, 2/(k·k·out)) with zero bias, linear layers N(0, linearStd²) with
// zero bias (batch norms keep their default 1 and 0).
func mnasnetInitWeights(m nn.Module, r *tensor.RNG, linearStd float32) {
	nn.Walk(m, func(_ string, sub nn.Module) {
		switch l := sub.(type) {
		case *nn.Conv2d:
			copy(l.Weight.Data(), nn.KaimingNormal(r, true, l.Weight.Shape()...).Data())
			if l.Bias != nil {
				clear(l.Bias.Data())
			}
		case *nn.Linear:
			copy(l.Weight.Data(), tensor.Normal(r, 0, linearStd, l.Weight.Shape()...).Data())
			if l.Bias != nil {
				clear(l.Bias.Data())
			}
		}
	})
}
