package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// InceptionV3 for 32×32 inputs, as the Model Doctor code defines it (after
// weiaicunzai/pytorch-cifar100): a stride-1 stem of five conv-BN-ReLU
// layers (32 → 30 px), three InceptionA modules, an InceptionB reduction
// (→ 14 px), four InceptionC modules with factorised 7×1/1×7 convolutions,
// an InceptionD reduction (→ 6 px), two InceptionE modules, then global
// average pooling, channel dropout 0.5 and a linear classifier.
//
// Width scales every channel count (Width 1 is the reference).
type InceptionV3 struct {
	nn.Base
	Stem    []*inceptionv3Conv
	Mixed   []nn.Module
	Avgpool *nn.Func
	Dropout *nn.Dropout
	Linear  *nn.Linear
}

// inceptionv3Conv is BasicConv2d: a bias-free convolution, batch norm and
// ReLU, registered as conv, bn, relu.
type inceptionv3Conv struct {
	nn.Base
	conv *nn.Conv2d
	bn   *nn.BatchNorm
	relu *nn.Func
	out  int
}

// inceptionv3Opt is a BasicConv2d's kernel, padding and stride.
type inceptionv3Opt struct{ kh, kw, ph, pw, stride int }

func inceptionv3K(k, pad int) inceptionv3Opt { return inceptionv3Opt{k, k, pad, pad, 1} }

func newInceptionv3Conv(r *tensor.RNG, in, out int, o inceptionv3Opt) *inceptionv3Conv {
	b := &inceptionv3Conv{out: out}
	b.conv = nn.Add(&b.Base, "conv", nn.NewConv2dRect(r, in, out, o.kh, o.kw,
		nn.ConvOptions{Stride: o.stride, NoBias: true}, o.ph, o.pw))
	b.bn = nn.Add(&b.Base, "bn", nn.NewBatchNorm2d(out, nn.BatchNormOptions{}))
	b.relu = nn.Add(&b.Base, "relu", nn.ReLU())
	return b
}

// Forward implements nn.Module.
func (b *inceptionv3Conv) Forward(x *autograd.Value) *autograd.Value {
	return nn.Forward(b.relu, nn.Forward(b.bn, nn.Forward(b.conv, x)))
}

// inceptionv3Branches runs named branches on the same input and
// concatenates their outputs along channels (InceptionA to D).
type inceptionv3Branches struct {
	nn.Base
	branches []nn.Module
	out      int
}

func (m *inceptionv3Branches) add(name string, b nn.Module, out int) {
	nn.Add(&m.Base, name, b)
	m.branches = append(m.branches, b)
	m.out += out
}

// Forward implements nn.Module.
func (m *inceptionv3Branches) Forward(x *autograd.Value) *autograd.Value {
	ys := make([]*autograd.Value, len(m.branches))
	for i, b := range m.branches {
		ys[i] = nn.Forward(b, x)
	}
	return autograd.Concat(ys, 1)
}

// inceptionv3Builder holds what every module constructor needs.
type inceptionv3Builder struct {
	r *tensor.RNG
	w func(int) int
}

func (b inceptionv3Builder) conv(in, out int, o inceptionv3Opt) *inceptionv3Conv {
	return newInceptionv3Conv(b.r, in, out, o)
}

// chain builds a Sequential of BasicConv2d layers from in through outs.
func (b inceptionv3Builder) chain(in int, outs []int, opts ...inceptionv3Opt) (*nn.Sequential, int) {
	s := nn.NewSequential()
	for i, o := range outs {
		s.Append(b.conv(in, o, opts[i]))
		in = o
	}
	return s, in
}

var (
	inceptionv3K1  = inceptionv3K(1, 0)
	inceptionv3K3  = inceptionv3K(3, 1)
	inceptionv3K71 = inceptionv3Opt{7, 1, 3, 0, 1}
	inceptionv3K17 = inceptionv3Opt{1, 7, 0, 3, 1}
	inceptionv3K13 = inceptionv3Opt{1, 3, 0, 1, 1}
	inceptionv3K31 = inceptionv3Opt{3, 1, 1, 0, 1}
	inceptionv3S2  = inceptionv3Opt{3, 3, 0, 0, 2}
)

// inceptionA: 1×1; 1×1→5×5; 1×1→3×3→3×3; avgpool→3×3 (the reference's
// pool projection is a 3×3 convolution).
func (b inceptionv3Builder) inceptionA(in, poolFeatures int) *inceptionv3Branches {
	w := b.w
	m := &inceptionv3Branches{}
	m.add("branch1x1", b.conv(in, w(64), inceptionv3K1), w(64))
	s, o := b.chain(in, []int{w(48), w(64)}, inceptionv3K1, inceptionv3K(5, 2))
	m.add("branch5x5", s, o)
	s, o = b.chain(in, []int{w(64), w(96), w(96)}, inceptionv3K1, inceptionv3K3, inceptionv3K3)
	m.add("branch3x3", s, o)
	p := nn.NewSequential(nn.AvgPool2d(3, 1, 1, false), b.conv(in, w(poolFeatures), inceptionv3K3))
	m.add("branchpool", p, w(poolFeatures))
	return m
}

// inceptionB (grid reduction): 3×3/2; 1×1→3×3→3×3/2; maxpool 3/2.
func (b inceptionv3Builder) inceptionB(in int) *inceptionv3Branches {
	w := b.w
	m := &inceptionv3Branches{}
	m.add("branch3x3", b.conv(in, w(384), inceptionv3S2), w(384))
	s, o := b.chain(in, []int{w(64), w(96), w(96)}, inceptionv3K1, inceptionv3K3, inceptionv3S2)
	m.add("branch3x3stack", s, o)
	m.add("branchpool", nn.MaxPool2d(3, 2, 0, false), in)
	return m
}

// inceptionC: 1×1; 1×1→7×1→1×7; 1×1→7×1→1×7→7×1→1×7; avgpool→1×1.
func (b inceptionv3Builder) inceptionC(in, c7 int) *inceptionv3Branches {
	w := b.w
	c7 = w(c7)
	m := &inceptionv3Branches{}
	m.add("branch1x1", b.conv(in, w(192), inceptionv3K1), w(192))
	s, o := b.chain(in, []int{c7, c7, w(192)}, inceptionv3K1, inceptionv3K71, inceptionv3K17)
	m.add("branch7x7", s, o)
	s, o = b.chain(in, []int{c7, c7, c7, c7, w(192)},
		inceptionv3K1, inceptionv3K71, inceptionv3K17, inceptionv3K71, inceptionv3K17)
	m.add("branch7x7stack", s, o)
	p := nn.NewSequential(nn.AvgPool2d(3, 1, 1, false), b.conv(in, w(192), inceptionv3K1))
	m.add("branch_pool", p, w(192))
	return m
}

// inceptionD (grid reduction): 1×1→3×3/2; 1×1→1×7→7×1→3×3/2; avgpool 3/2.
func (b inceptionv3Builder) inceptionD(in int) *inceptionv3Branches {
	w := b.w
	m := &inceptionv3Branches{}
	s, o := b.chain(in, []int{w(192), w(320)}, inceptionv3K1, inceptionv3S2)
	m.add("branch3x3", s, o)
	s, o = b.chain(in, []int{w(192), w(192), w(192), w(192)},
		inceptionv3K1, inceptionv3K17, inceptionv3K71, inceptionv3S2)
	m.add("branch7x7", s, o)
	m.add("branchpool", nn.AvgPool2d(3, 2, 0, false), in)
	return m
}

// inceptionv3E is InceptionE: 1×1; 1×1→(1×3 ‖ 3×1); 1×1→3×3→(1×3 ‖ 3×1);
// avgpool→1×1. Its convolutions are direct attributes, in the reference's
// order.
type inceptionv3E struct {
	nn.Base
	b1x1, b3_1, b3_2a, b3_2b, bs_1, bs_2, bs_3a, bs_3b *inceptionv3Conv
	pool                                               *nn.Sequential
	out                                                int
}

func (b inceptionv3Builder) inceptionE(in int) *inceptionv3E {
	w := b.w
	m := &inceptionv3E{}
	add := func(name string, c *inceptionv3Conv) *inceptionv3Conv { return nn.Add(&m.Base, name, c) }
	m.b1x1 = add("branch1x1", b.conv(in, w(320), inceptionv3K1))
	m.b3_1 = add("branch3x3_1", b.conv(in, w(384), inceptionv3K1))
	m.b3_2a = add("branch3x3_2a", b.conv(w(384), w(384), inceptionv3K13))
	m.b3_2b = add("branch3x3_2b", b.conv(w(384), w(384), inceptionv3K31))
	m.bs_1 = add("branch3x3stack_1", b.conv(in, w(448), inceptionv3K1))
	m.bs_2 = add("branch3x3stack_2", b.conv(w(448), w(384), inceptionv3K3))
	m.bs_3a = add("branch3x3stack_3a", b.conv(w(384), w(384), inceptionv3K13))
	m.bs_3b = add("branch3x3stack_3b", b.conv(w(384), w(384), inceptionv3K31))
	m.pool = nn.Add(&m.Base, "branch_pool", nn.NewSequential(nn.AvgPool2d(3, 1, 1, false), b.conv(in, w(192), inceptionv3K1)))
	m.out = w(320) + 4*w(384) + w(192)
	return m
}

// Forward implements nn.Module.
func (m *inceptionv3E) Forward(x *autograd.Value) *autograd.Value {
	b1 := nn.Forward(m.b1x1, x)
	t := nn.Forward(m.b3_1, x)
	b3 := autograd.Concat([]*autograd.Value{nn.Forward(m.b3_2a, t), nn.Forward(m.b3_2b, t)}, 1)
	t = nn.Forward(m.bs_2, nn.Forward(m.bs_1, x))
	bs := autograd.Concat([]*autograd.Value{nn.Forward(m.bs_3a, t), nn.Forward(m.bs_3b, t)}, 1)
	bp := nn.Forward(m.pool, x)
	return autograd.Concat([]*autograd.Value{b1, b3, bs, bp}, 1)
}

// NewInceptionV3 builds the network for a normalised config.
func NewInceptionV3(c Config, r *tensor.RNG) *InceptionV3 {
	w := func(n int) int { return Scaled(n, c.Width) }
	b := inceptionv3Builder{r: r, w: w}
	m := &InceptionV3{}
	in := c.InChannels
	stem := func(name string, out int, o inceptionv3Opt) {
		m.Stem = append(m.Stem, nn.Add(&m.Base, name, b.conv(in, w(out), o)))
		in = w(out)
	}
	stem("Conv2d_1a_3x3", 32, inceptionv3K3)
	stem("Conv2d_2a_3x3", 32, inceptionv3K3)
	stem("Conv2d_2b_3x3", 64, inceptionv3K3)
	stem("Conv2d_3b_1x1", 80, inceptionv3K1)
	stem("Conv2d_4a_3x3", 192, inceptionv3K(3, 0))
	branches := func(name string, mod *inceptionv3Branches) {
		m.Mixed = append(m.Mixed, nn.Add(&m.Base, name, mod))
		in = mod.out
	}
	branches("Mixed_5b", b.inceptionA(in, 32))
	branches("Mixed_5c", b.inceptionA(in, 64))
	branches("Mixed_5d", b.inceptionA(in, 64))
	branches("Mixed_6a", b.inceptionB(in))
	branches("Mixed_6b", b.inceptionC(in, 128))
	branches("Mixed_6c", b.inceptionC(in, 160))
	branches("Mixed_6d", b.inceptionC(in, 160))
	branches("Mixed_6e", b.inceptionC(in, 192))
	branches("Mixed_7a", b.inceptionD(in))
	for _, name := range []string{"Mixed_7b", "Mixed_7c"} {
		e := b.inceptionE(in)
		m.Mixed = append(m.Mixed, nn.Add(&m.Base, name, e))
		in = e.out
	}
	m.Avgpool = nn.Add(&m.Base, "avgpool", nn.AdaptiveAvgPool2d(1, 1))
	m.Dropout = nn.Add(&m.Base, "dropout", nn.NewDropout2d(0.5, r.Uint64()))
	m.Linear = nn.Add(&m.Base, "linear", nn.NewLinear(r, in, c.Classes, true))
	return m
}

// Forward implements nn.Module.
func (m *InceptionV3) Forward(x *autograd.Value) *autograd.Value {
	for _, s := range m.Stem {
		x = nn.Forward(s, x)
	}
	for _, mod := range m.Mixed {
		x = nn.Forward(mod, x)
	}
	x = nn.Forward(m.Avgpool, x)
	x = nn.Forward(m.Dropout, x)
	return nn.Forward(m.Linear, autograd.Flatten(x))
}

func init() {
	Register(Spec{
		Name:        "inceptionv3",
		DoctorLayer: "Mixed_7c.branch_pool.1.conv",
		HasWidth:    true,
		Build:       func(c Config, r *tensor.RNG) nn.Module { return NewInceptionV3(c, r) },
		Paper:       true,
	})
}
