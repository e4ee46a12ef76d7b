package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// EfficientNetV2-S (Tan & Le 2021) as d-li14/efficientnetv2.pytorch, which
// the Model Doctor code uses unchanged: a stride-2 3×3 stem, Fused-MBConv
// stages then MBConv stages with squeeze-and-excitation, a 1×1 conv to
// 1792 channels, average pooling and a linear classifier. Convolutions
// have no bias; the activation is SiLU.

func init() {
	Register(Spec{
		Name:        "efficientnetv2s",
		DoctorLayer: "features.40.conv.7",
		HasWidth:    true,
		Build:       buildEfficientNetV2S,
		Paper:       true,
	})
}

// efficientnetv2sMakeDivisible is the reference's _make_divisible: v
// rounded to the nearest multiple of divisor (at least divisor), bumped up
// a step when rounding lost more than 10%.
func efficientnetv2sMakeDivisible(v float64, divisor int) int {
	d := float64(divisor)
	n := max(divisor, int(v+d/2)/divisor*divisor)
	if float64(n) < 0.9*v {
		n += divisor
	}
	return n
}

// efficientnetv2sSE is SELayer: global average pool, Linear → SiLU →
// Linear → Sigmoid, and a per-channel rescale of the input.
type efficientnetv2sSE struct {
	nn.Base
	pool, fc nn.Module
}

func newEfficientNetV2SSE(r *tensor.RNG, inp, oup int) *efficientnetv2sSE {
	s := &efficientnetv2sSE{}
	mid := efficientnetv2sMakeDivisible(float64(inp/4), 8)
	s.pool = nn.Add(&s.Base, "avg_pool", nn.AdaptiveAvgPool2d(1, 1))
	s.fc = nn.Add(&s.Base, "fc", nn.NewSequential(
		nn.NewLinear(r, oup, mid, true),
		nn.SiLU(),
		nn.NewLinear(r, mid, oup, true),
		nn.Sigmoid(),
	))
	return s
}

func (s *efficientnetv2sSE) Forward(x *autograd.Value) *autograd.Value {
	sh := x.Shape()
	b, c := sh[0], sh[1]
	y := autograd.Reshape(nn.Forward(s.pool, x), b, c)
	y = autograd.Reshape(nn.Forward(s.fc, y), b, c, 1, 1)
	return autograd.Mul(x, y)
}

// efficientnetv2sMBConv is MBConv (with SE: 1×1 expand, 3×3 depthwise, SE,
// 1×1 projection) or Fused-MBConv (without: 3×3 expand, 1×1 projection),
// with an identity shortcut when the shape is kept.
type efficientnetv2sMBConv struct {
	nn.Base
	conv     *nn.Sequential
	identity bool
}

func newEfficientNetV2SMBConv(r *tensor.RNG, inp, oup, stride, t int, se bool) *efficientnetv2sMBConv {
	b := &efficientnetv2sMBConv{identity: stride == 1 && inp == oup}
	h := inp * t
	bn := func(c int) nn.Module { return nn.NewBatchNorm2d(c, nn.BatchNormOptions{}) }
	if se {
		b.conv = nn.Add(&b.Base, "conv", nn.NewSequential(
			nn.NewConv2d(r, inp, h, 1, nn.ConvOptions{NoBias: true}), bn(h), nn.SiLU(),
			nn.NewConv2d(r, h, h, 3, nn.ConvOptions{Stride: stride, Padding: 1, Groups: h, NoBias: true}), bn(h), nn.SiLU(),
			newEfficientNetV2SSE(r, inp, h),
			nn.NewConv2d(r, h, oup, 1, nn.ConvOptions{NoBias: true}), bn(oup),
		))
	} else {
		b.conv = nn.Add(&b.Base, "conv", nn.NewSequential(
			nn.NewConv2d(r, inp, h, 3, nn.ConvOptions{Stride: stride, Padding: 1, NoBias: true}), bn(h), nn.SiLU(),
			nn.NewConv2d(r, h, oup, 1, nn.ConvOptions{NoBias: true}), bn(oup),
		))
	}
	return b
}

func (b *efficientnetv2sMBConv) Forward(x *autograd.Value) *autograd.Value {
	y := nn.Forward(b.conv, x)
	if b.identity {
		y = autograd.Add(x, y)
	}
	return y
}

// efficientnetv2sNet is the whole network.
type efficientnetv2sNet struct {
	nn.Base
	features, conv, avgpool, classifier nn.Module
}

func efficientnetv2sConvBN(r *tensor.RNG, in, out, k, stride int) *nn.Sequential {
	return nn.NewSequential(
		nn.NewConv2d(r, in, out, k, nn.ConvOptions{Stride: stride, Padding: k / 2, NoBias: true}),
		nn.NewBatchNorm2d(out, nn.BatchNormOptions{}),
		nn.SiLU(),
	)
}

func buildEfficientNetV2S(c Config, r *tensor.RNG) nn.Module {
	w := c.Width
	m := &efficientnetv2sNet{}
	in := efficientnetv2sMakeDivisible(24*w, 8)
	f := nn.NewSequential(efficientnetv2sConvBN(r, c.InChannels, in, 3, 2))
	for _, s := range [][5]int{
		// t, c, n, s, SE
		{1, 24, 2, 1, 0},
		{4, 48, 4, 2, 0},
		{4, 64, 4, 2, 0},
		{4, 128, 6, 2, 1},
		{6, 160, 9, 1, 1},
		{6, 256, 15, 2, 1},
	} {
		out := efficientnetv2sMakeDivisible(float64(s[1])*w, 8)
		for i := range s[2] {
			stride := 1
			if i == 0 {
				stride = s[3]
			}
			f.Append(newEfficientNetV2SMBConv(r, in, out, stride, s[0], s[4] == 1))
			in = out
		}
	}
	m.features = nn.Add(&m.Base, "features", f)
	last := 1792
	if w > 1 {
		last = efficientnetv2sMakeDivisible(1792*w, 8)
	}
	m.conv = nn.Add(&m.Base, "conv", efficientnetv2sConvBN(r, in, last, 1, 1))
	m.avgpool = nn.Add(&m.Base, "avgpool", nn.AdaptiveAvgPool2d(1, 1))
	m.classifier = nn.Add(&m.Base, "classifier", nn.NewLinear(r, last, c.Classes, true))
	efficientnetv2sInitWeights(m, r)
	return m
}

func (m *efficientnetv2sNet) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(m.features, x)
	x = nn.Forward(m.conv, x)
	x = nn.Forward(m.avgpool, x)
	x = autograd.Reshape(x, x.Shape()[0], -1)
	return nn.Forward(m.classifier, x)
}

// efficientnetv2sInitWeights is the reference's _initialize_weights:
// convolutions N(0, 2/(k·k·out)), every linear layer (the SE layers' too)
// N(0, 0.001²), biases zero; batch norms keep 1 and 0.
func efficientnetv2sInitWeights(m nn.Module, r *tensor.RNG) {
	nn.Walk(m, func(_ string, sub nn.Module) {
		switch l := sub.(type) {
		case *nn.Conv2d:
			copy(l.Weight.Data(), nn.KaimingNormal(r, true, l.Weight.Shape()...).Data())
			if l.Bias != nil {
				clear(l.Bias.Data())
			}
		case *nn.Linear:
			copy(l.Weight.Data(), tensor.Normal(r, 0, 0.001, l.Weight.Shape()...).Data())
			if l.Bias != nil {
				clear(l.Bias.Data())
			}
		}
	})
}
