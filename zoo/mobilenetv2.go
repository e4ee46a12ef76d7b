package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// MobileNetV2 (Sandler et al. 2018) as the CIFAR definition of
// weiaicunzai/pytorch-cifar100 that the Model Doctor code uses: a 1×1 stem
// with padding 1 (32×32 → 34×34), seven stages of linear bottlenecks, a
// 1×1 conv to 1280 channels, global average pooling and a 1×1 conv
// classifier. Every convolution has a bias.

func init() {
	Register(Spec{
		Name: "mobilenetv2",
		// The classifier conv (conv2) is the "last Conv2d" of the public
		// code, where the constraint is void; the fixtures hook the 1×1
		// conv before it.
		DoctorLayer: "conv1.0",
		HasWidth:    true,
		Build:       buildMobileNetV2,
		Paper:       true,
	})
}

// mobilenetv2Bottleneck is LinearBottleNeck: 1×1 expand, 3×3 depthwise,
// 1×1 linear projection, with an identity shortcut when the shape is kept.
type mobilenetv2Bottleneck struct {
	nn.Base
	residual *nn.Sequential
	identity bool
}

func newMobileNetV2Bottleneck(r *tensor.RNG, in, out, stride, t int) *mobilenetv2Bottleneck {
	b := &mobilenetv2Bottleneck{identity: stride == 1 && in == out}
	h := in * t
	b.residual = nn.Add(&b.Base, "residual", nn.NewSequential(
		nn.NewConv2d(r, in, h, 1, nn.ConvOptions{}),
		nn.NewBatchNorm2d(h, nn.BatchNormOptions{}),
		nn.ReLU6(),
		nn.NewConv2d(r, h, h, 3, nn.ConvOptions{Stride: stride, Padding: 1, Groups: h}),
		nn.NewBatchNorm2d(h, nn.BatchNormOptions{}),
		nn.ReLU6(),
		nn.NewConv2d(r, h, out, 1, nn.ConvOptions{}),
		nn.NewBatchNorm2d(out, nn.BatchNormOptions{}),
	))
	return b
}

func (b *mobilenetv2Bottleneck) Forward(x *autograd.Value) *autograd.Value {
	y := nn.Forward(b.residual, x)
	if b.identity {
		y = autograd.Add(y, x)
	}
	return y
}

// mobilenetv2Net is the whole network.
type mobilenetv2Net struct {
	nn.Base
	layers []nn.Module // pre, stage1..stage7, conv1
	conv2  *nn.Conv2d
}

func buildMobileNetV2(c Config, r *tensor.RNG) nn.Module {
	ch := func(n int) int { return Scaled(n, c.Width) }
	m := &mobilenetv2Net{}
	add := func(name string, l nn.Module) { m.layers = append(m.layers, nn.Add(&m.Base, name, l)) }
	add("pre", nn.NewSequential(
		nn.NewConv2d(r, c.InChannels, ch(32), 1, nn.ConvOptions{Padding: 1}),
		nn.NewBatchNorm2d(ch(32), nn.BatchNormOptions{}),
		nn.ReLU6(),
	))
	add("stage1", newMobileNetV2Bottleneck(r, ch(32), ch(16), 1, 1))
	stage := func(repeat, in, out, stride, t int) nn.Module {
		s := nn.NewSequential(newMobileNetV2Bottleneck(r, in, out, stride, t))
		for i := 1; i < repeat; i++ {
			s.Append(newMobileNetV2Bottleneck(r, out, out, 1, t))
		}
		return s
	}
	add("stage2", stage(2, ch(16), ch(24), 2, 6))
	add("stage3", stage(3, ch(24), ch(32), 2, 6))
	add("stage4", stage(4, ch(32), ch(64), 2, 6))
	add("stage5", stage(3, ch(64), ch(96), 1, 6))
	add("stage6", stage(3, ch(96), ch(160), 1, 6))
	add("stage7", newMobileNetV2Bottleneck(r, ch(160), ch(320), 1, 6))
	add("conv1", nn.NewSequential(
		nn.NewConv2d(r, ch(320), ch(1280), 1, nn.ConvOptions{}),
		nn.NewBatchNorm2d(ch(1280), nn.BatchNormOptions{}),
		nn.ReLU6(),
	))
	m.conv2 = nn.Add(&m.Base, "conv2", nn.NewConv2d(r, ch(1280), c.Classes, 1, nn.ConvOptions{}))
	return m
}

func (m *mobilenetv2Net) Forward(x *autograd.Value) *autograd.Value {
	for _, l := range m.layers {
		x = nn.Forward(l, x)
	}
	x = autograd.AdaptiveAvgPool2D(x, 1, 1)
	x = nn.Forward(m.conv2, x)
	return autograd.Reshape(x, x.Shape()[0], -1)
}
