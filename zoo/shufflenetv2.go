package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// ShuffleNetV2 1× (Ma et al. 2018) as the CIFAR definition of
// weiaicunzai/pytorch-cifar100 that the Model Doctor code uses: a 3×3 stem
// without pooling, stages of 3, 7 and 3 repeated units after a
// downsampling unit, a 1×1 conv to 1024 channels, global average pooling
// and a linear classifier. Every convolution has a bias.

func init() {
	Register(Spec{
		Name:        "shufflenetv2",
		DoctorLayer: "conv5.0",
		HasWidth:    true,
		Build:       buildShuffleNetV2,
		Paper:       true,
	})
}

// shufflenetv2Unit is ShuffleUnit. A downsampling unit (stride 2 or a
// change of width) feeds x to both branches; a basic unit splits the
// channels in half, passes one half through (an empty shortcut) and
// transforms the other. The halves are concatenated and shuffled.
type shufflenetv2Unit struct {
	nn.Base
	residual, shortcut *nn.Sequential
	split              int // channels per half for a basic unit, 0 otherwise
}

func newShuffleNetV2Unit(r *tensor.RNG, in, out, stride int) *shufflenetv2Unit {
	u := &shufflenetv2Unit{}
	bn := func(c int) nn.Module { return nn.NewBatchNorm2d(c, nn.BatchNormOptions{}) }
	if stride != 1 || in != out {
		half := out / 2
		u.residual = nn.Add(&u.Base, "residual", nn.NewSequential(
			nn.NewConv2d(r, in, in, 1, nn.ConvOptions{}), bn(in), nn.ReLU(),
			nn.NewConv2d(r, in, in, 3, nn.ConvOptions{Stride: stride, Padding: 1, Groups: in}), bn(in),
			nn.NewConv2d(r, in, half, 1, nn.ConvOptions{}), bn(half), nn.ReLU(),
		))
		u.shortcut = nn.Add(&u.Base, "shortcut", nn.NewSequential(
			nn.NewConv2d(r, in, in, 3, nn.ConvOptions{Stride: stride, Padding: 1, Groups: in}), bn(in),
			nn.NewConv2d(r, in, half, 1, nn.ConvOptions{}), bn(half), nn.ReLU(),
		))
		return u
	}
	c := in / 2
	u.split = c
	u.shortcut = nn.Add(&u.Base, "shortcut", nn.NewSequential())
	u.residual = nn.Add(&u.Base, "residual", nn.NewSequential(
		nn.NewConv2d(r, c, c, 1, nn.ConvOptions{}), bn(c), nn.ReLU(),
		nn.NewConv2d(r, c, c, 3, nn.ConvOptions{Stride: 1, Padding: 1, Groups: c}), bn(c),
		nn.NewConv2d(r, c, c, 1, nn.ConvOptions{}), bn(c), nn.ReLU(),
	))
	return u
}

func (u *shufflenetv2Unit) Forward(x *autograd.Value) *autograd.Value {
	s, res := x, x
	if u.split > 0 {
		parts := autograd.Split(x, 1, u.split, u.split)
		s, res = parts[0], parts[1]
	}
	s = nn.Forward(u.shortcut, s)
	res = nn.Forward(u.residual, res)
	return shufflenetv2Shuffle(autograd.Concat([]*autograd.Value{s, res}, 1), 2)
}

// shufflenetv2Shuffle interleaves the channels of g groups:
// [N, g·k, H, W] → view [N, g, k, H, W] → swap g and k → [N, k·g, H, W].
func shufflenetv2Shuffle(x *autograd.Value, groups int) *autograd.Value {
	s := x.Shape()
	n, c, h, w := s[0], s[1], s[2], s[3]
	y := autograd.Reshape(x, n, groups, c/groups, h, w)
	y = autograd.Permute(y, 0, 2, 1, 3, 4)
	return autograd.Reshape(y, n, c, h, w)
}

// shufflenetv2Net is the whole network.
type shufflenetv2Net struct {
	nn.Base
	layers []nn.Module // pre, stage2..4, conv5
	fc     *nn.Linear
}

func buildShuffleNetV2(c Config, r *tensor.RNG) nn.Module {
	// Stage widths must stay even: units split their channels in half.
	even := func(n int) int { return 2 * Scaled(n/2, c.Width) }
	outs := []int{even(116), even(232), even(464), even(1024)}
	stem := Scaled(24, c.Width)
	m := &shufflenetv2Net{}
	add := func(name string, l nn.Module) { m.layers = append(m.layers, nn.Add(&m.Base, name, l)) }
	add("pre", nn.NewSequential(
		nn.NewConv2d(r, c.InChannels, stem, 3, nn.ConvOptions{Padding: 1}),
		nn.NewBatchNorm2d(stem, nn.BatchNormOptions{}),
	))
	stage := func(in, out, repeat int) nn.Module {
		s := nn.NewSequential(newShuffleNetV2Unit(r, in, out, 2))
		for range repeat {
			s.Append(newShuffleNetV2Unit(r, out, out, 1))
		}
		return s
	}
	add("stage2", stage(stem, outs[0], 3))
	add("stage3", stage(outs[0], outs[1], 7))
	add("stage4", stage(outs[1], outs[2], 3))
	add("conv5", nn.NewSequential(
		nn.NewConv2d(r, outs[2], outs[3], 1, nn.ConvOptions{}),
		nn.NewBatchNorm2d(outs[3], nn.BatchNormOptions{}),
		nn.ReLU(),
	))
	m.fc = nn.Add(&m.Base, "fc", nn.NewLinear(r, outs[3], c.Classes, true))
	return m
}

func (m *shufflenetv2Net) Forward(x *autograd.Value) *autograd.Value {
	for _, l := range m.layers {
		x = nn.Forward(l, x)
	}
	return nn.Forward(m.fc, autograd.GlobalAvgPool2D(x))
}
