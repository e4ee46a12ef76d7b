package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// SqueezeNet for 32×32 inputs with simple bypass, as the Model Doctor code
// defines it (after weiaicunzai/pytorch-cifar100): a 3×3 conv-BN-ReLU stem
// with a 2×2 max pool, eight Fire modules (with batch norm) with identity
// shortcuts around fire3, fire5 and fire7 and max pools after fire4 and
// fire8, then a 1×1 classifier convolution and global average pooling.
//
// Width scales every channel count (Width 1 is the reference).
type SqueezeNet struct {
	nn.Base
	Stem                                                   *nn.Sequential
	Fire2, Fire3, Fire4, Fire5, Fire6, Fire7, Fire8, Fire9 *squeezenetFire
	Conv10                                                 *nn.Conv2d
	Avg, Maxpool                                           *nn.Func
}

// squeezenetFire squeezes with a 1×1 convolution, then concatenates 1×1
// and 3×3 expansions (each conv-BN-ReLU).
type squeezenetFire struct {
	nn.Base
	squeeze, expand1, expand3 *nn.Sequential
}

func newSqueezenetFire(r *tensor.RNG, in, out, squeeze int) *squeezenetFire {
	f := &squeezenetFire{}
	block := func(i, o, k int) *nn.Sequential {
		return nn.NewSequential(
			nn.NewConv2d(r, i, o, k, nn.ConvOptions{Padding: k / 2}),
			nn.NewBatchNorm2d(o, nn.BatchNormOptions{}),
			nn.ReLU())
	}
	f.squeeze = nn.Add(&f.Base, "squeeze", block(in, squeeze, 1))
	f.expand1 = nn.Add(&f.Base, "expand_1x1", block(squeeze, out/2, 1))
	f.expand3 = nn.Add(&f.Base, "expand_3x3", block(squeeze, out/2, 3))
	return f
}

// Forward implements nn.Module.
func (f *squeezenetFire) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(f.squeeze, x)
	return autograd.Concat([]*autograd.Value{nn.Forward(f.expand1, x), nn.Forward(f.expand3, x)}, 1)
}

// NewSqueezeNet builds the network for a normalised config.
func NewSqueezeNet(c Config, r *tensor.RNG) *SqueezeNet {
	// Fire outputs are two equal expansions, so scale the half.
	w := func(n int) int { return Scaled(n, c.Width) }
	out := func(n int) int { return 2 * w(n/2) }
	m := &SqueezeNet{}
	m.Stem = nn.Add(&m.Base, "stem", nn.NewSequential(
		nn.NewConv2d(r, c.InChannels, w(96), 3, nn.ConvOptions{Padding: 1}),
		nn.NewBatchNorm2d(w(96), nn.BatchNormOptions{}),
		nn.ReLU(),
		nn.MaxPool2d(2, 2, 0, false)))
	fire := func(name string, in, o, s int) *squeezenetFire {
		return nn.Add(&m.Base, name, newSqueezenetFire(r, in, o, w(s)))
	}
	m.Fire2 = fire("fire2", w(96), out(128), 16)
	m.Fire3 = fire("fire3", out(128), out(128), 16)
	m.Fire4 = fire("fire4", out(128), out(256), 32)
	m.Fire5 = fire("fire5", out(256), out(256), 32)
	m.Fire6 = fire("fire6", out(256), out(384), 48)
	m.Fire7 = fire("fire7", out(384), out(384), 48)
	m.Fire8 = fire("fire8", out(384), out(512), 64)
	m.Fire9 = fire("fire9", out(512), out(512), 64)
	m.Conv10 = nn.Add(&m.Base, "conv10", nn.NewConv2d(r, out(512), c.Classes, 1, nn.ConvOptions{}))
	m.Avg = nn.Add(&m.Base, "avg", nn.AdaptiveAvgPool2d(1, 1))
	m.Maxpool = nn.Add(&m.Base, "maxpool", nn.MaxPool2d(2, 2, 0, false))
	return m
}

// Forward implements nn.Module.
func (m *SqueezeNet) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(m.Stem, x)
	f2 := nn.Forward(m.Fire2, x)
	f3 := autograd.Add(nn.Forward(m.Fire3, f2), f2)
	f4 := nn.Forward(m.Maxpool, nn.Forward(m.Fire4, f3))
	f5 := autograd.Add(nn.Forward(m.Fire5, f4), f4)
	f6 := nn.Forward(m.Fire6, f5)
	f7 := autograd.Add(nn.Forward(m.Fire7, f6), f6)
	f8 := nn.Forward(m.Maxpool, nn.Forward(m.Fire8, f7))
	f9 := nn.Forward(m.Fire9, f8)
	x = nn.Forward(m.Avg, nn.Forward(m.Conv10, f9))
	return autograd.Flatten(x)
}

func init() {
	Register(Spec{
		Name:        "squeezenet",
		DoctorLayer: "fire9.expand_3x3.0",
		HasWidth:    true,
		Build:       func(c Config, r *tensor.RNG) nn.Module { return NewSqueezeNet(c, r) },
		Paper:       true,
	})
}
