package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// WideResNet-28-10 (CIFAR): pre-activation wide basic blocks (BN, ReLU,
// conv, dropout 0.3, BN, ReLU, conv; convolutions with bias), four blocks
// per group of widths 160, 320, 640, and a final BN-ReLU, 8×8 average pool
// and Linear(640 → classes) (the reference sizes it for 224-px inputs;
// at 32 px it is 640 wide, as the fixture has it). The width multiplier
// scales every channel count, the stem's 16 included.
func init() {
	Register(Spec{
		Name:        "wideresnet28",
		DoctorLayer: "layer3.3.conv2",
		HasWidth:    true,
		Paper:       true,
		Build: func(c Config, r *tensor.RNG) nn.Module {
			return newWideResNet(c, r, 28, 10, 0.3)
		},
	})
}

// wrnNet is WideResNet(depth, k).
type wrnNet struct {
	nn.Base
	conv1  *nn.Conv2d
	layers [3]*nn.Sequential
	bn1    *nn.BatchNorm
	linear *nn.Linear
}

func newWideResNet(c Config, r *tensor.RNG, depth, k int, dropout float64) *wrnNet {
	n := (depth - 4) / 6
	m := &wrnNet{}
	stem := Scaled(16, c.Width)
	m.conv1 = nn.Add(&m.Base, "conv1", nn.NewConv2d(r, c.InChannels, stem, 3, nn.ConvOptions{Padding: 1}))
	in := stem
	for i := range m.layers {
		planes := Scaled(16*k<<i, c.Width)
		s := nn.NewSequential()
		for j := 0; j < n; j++ {
			stride := 1
			if i > 0 && j == 0 {
				stride = 2
			}
			s.Append(newWRNBlock(r, in, planes, stride, dropout))
			in = planes
		}
		m.layers[i] = nn.Add(&m.Base, "layer"+string(rune('1'+i)), s)
	}
	m.bn1 = nn.Add(&m.Base, "bn1", nn.NewBatchNorm2d(in, nn.BatchNormOptions{Momentum: 0.9}))
	m.linear = nn.Add(&m.Base, "linear", nn.NewLinear(r, in, c.Classes, true))
	return m
}

// wrnPool is the final F.avg_pool2d(out, 8).
var wrnPool = tensor.PoolParams{KH: 8, KW: 8, StrideH: 8, StrideW: 8, CountIncludePad: true}

// Forward implements nn.Module.
func (m *wrnNet) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(m.conv1, x)
	for _, l := range m.layers {
		x = nn.Forward(l, x)
	}
	x = autograd.Relu(nn.Forward(m.bn1, x))
	x = autograd.Flatten(autograd.AvgPool2D(x, wrnPool))
	return nn.Forward(m.linear, x)
}

// wrnBlock is wide_basic: conv2(relu(bn2(dropout(conv1(relu(bn1(x))))))) +
// shortcut(x), the second convolution strided.
type wrnBlock struct {
	nn.Base
	bn1, bn2     *nn.BatchNorm
	conv1, conv2 *nn.Conv2d
	dropout      *nn.Dropout
	shortcut     *nn.Sequential
}

func newWRNBlock(r *tensor.RNG, in, planes, stride int, dropout float64) *wrnBlock {
	b := &wrnBlock{}
	b.bn1 = nn.Add(&b.Base, "bn1", nn.NewBatchNorm2d(in, nn.BatchNormOptions{}))
	b.conv1 = nn.Add(&b.Base, "conv1", nn.NewConv2d(r, in, planes, 3, nn.ConvOptions{Padding: 1}))
	b.dropout = nn.Add(&b.Base, "dropout", nn.NewDropout(dropout, r.Uint64()))
	b.bn2 = nn.Add(&b.Base, "bn2", nn.NewBatchNorm2d(planes, nn.BatchNormOptions{}))
	b.conv2 = nn.Add(&b.Base, "conv2", nn.NewConv2d(r, planes, planes, 3, nn.ConvOptions{Stride: stride, Padding: 1}))
	sc := nn.NewSequential()
	if stride != 1 || in != planes {
		sc.Append(nn.NewConv2d(r, in, planes, 1, nn.ConvOptions{Stride: stride}))
	}
	b.shortcut = nn.Add(&b.Base, "shortcut", sc)
	return b
}

// Forward implements nn.Module.
func (b *wrnBlock) Forward(x *autograd.Value) *autograd.Value {
	out := nn.Forward(b.conv1, autograd.Relu(nn.Forward(b.bn1, x)))
	out = nn.Forward(b.dropout, out)
	out = nn.Forward(b.conv2, autograd.Relu(nn.Forward(b.bn2, out)))
	return autograd.Add(out, nn.Forward(b.shortcut, x))
}
