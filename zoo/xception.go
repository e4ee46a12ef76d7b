package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Xception for 32×32 inputs, as the Model Doctor code defines it (after
// weiaicunzai/pytorch-cifar100): an entry flow of two 3×3 convolutions and
// three residual blocks of depthwise-separable convolutions (128, 256, 728
// channels; the last keeps resolution), eight middle-flow blocks of three
// ReLU-SepConv-BN units with identity shortcuts, and an exit flow (a
// residual block to 1024 channels, SepConv 1536 and 2048, global average
// pooling), then a linear classifier.
//
// The reference begins conv4_residual, conv5_residual and each middle
// block's conv1 with an in-place ReLU, which rewrites the block input
// before the shortcut reads it: those shortcuts therefore see relu(x), and
// so does this implementation.
//
// Width scales every channel count (Width 1 is the reference).
type Xception struct {
	nn.Base
	EntryFlow  *xceptionEntryFlow
	MiddelFlow *xceptionMiddleFlow
	ExitFlow   *xceptionExitFlow
	FC         *nn.Linear
}

// xceptionSepConv is a depthwise k×k convolution followed by a pointwise
// 1×1 convolution, both bias-free.
type xceptionSepConv struct {
	nn.Base
	depthwise, pointwise *nn.Conv2d
}

func newXceptionSepConv(r *tensor.RNG, in, out int) *xceptionSepConv {
	s := &xceptionSepConv{}
	s.depthwise = nn.Add(&s.Base, "depthwise", nn.NewConv2d(r, in, in, 3, nn.ConvOptions{Padding: 1, Groups: in, NoBias: true}))
	s.pointwise = nn.Add(&s.Base, "pointwise", nn.NewConv2d(r, in, out, 1, nn.ConvOptions{NoBias: true}))
	return s
}

// Forward implements nn.Module.
func (s *xceptionSepConv) Forward(x *autograd.Value) *autograd.Value {
	return nn.Forward(s.pointwise, nn.Forward(s.depthwise, x))
}

func xceptionBN(c int) *nn.BatchNorm { return nn.NewBatchNorm2d(c, nn.BatchNormOptions{}) }

// xceptionShortcut is a 1×1 convolution (with bias) and a batch norm.
func xceptionShortcut(r *tensor.RNG, in, out, stride int) *nn.Sequential {
	return nn.NewSequential(nn.NewConv2d(r, in, out, 1, nn.ConvOptions{Stride: stride}), xceptionBN(out))
}

type xceptionEntryFlow struct {
	nn.Base
	conv1, conv2 *nn.Sequential
	res3, short3 *nn.Sequential
	res4, short4 *nn.Sequential
	res5, short5 *nn.Sequential
}

func newXceptionEntryFlow(r *tensor.RNG, in int, w func(int) int) *xceptionEntryFlow {
	e := &xceptionEntryFlow{}
	c32, c64, c128, c256, c728 := w(32), w(64), w(128), w(256), w(728)
	e.conv1 = nn.Add(&e.Base, "conv1", nn.NewSequential(
		nn.NewConv2d(r, in, c32, 3, nn.ConvOptions{Padding: 1, NoBias: true}), xceptionBN(c32), nn.ReLU()))
	e.conv2 = nn.Add(&e.Base, "conv2", nn.NewSequential(
		nn.NewConv2d(r, c32, c64, 3, nn.ConvOptions{Padding: 1, NoBias: true}), xceptionBN(c64), nn.ReLU()))
	e.res3 = nn.Add(&e.Base, "conv3_residual", nn.NewSequential(
		newXceptionSepConv(r, c64, c128), xceptionBN(c128), nn.ReLU(),
		newXceptionSepConv(r, c128, c128), xceptionBN(c128),
		nn.MaxPool2d(3, 2, 1, false)))
	e.short3 = nn.Add(&e.Base, "conv3_shortcut", xceptionShortcut(r, c64, c128, 2))
	e.res4 = nn.Add(&e.Base, "conv4_residual", nn.NewSequential(
		nn.ReLU(),
		newXceptionSepConv(r, c128, c256), xceptionBN(c256), nn.ReLU(),
		newXceptionSepConv(r, c256, c256), xceptionBN(c256),
		nn.MaxPool2d(3, 2, 1, false)))
	e.short4 = nn.Add(&e.Base, "conv4_shortcut", xceptionShortcut(r, c128, c256, 2))
	e.res5 = nn.Add(&e.Base, "conv5_residual", nn.NewSequential(
		nn.ReLU(),
		newXceptionSepConv(r, c256, c728), xceptionBN(c728), nn.ReLU(),
		newXceptionSepConv(r, c728, c728), xceptionBN(c728),
		nn.MaxPool2d(3, 1, 1, false)))
	e.short5 = nn.Add(&e.Base, "conv5_shortcut", xceptionShortcut(r, c256, c728, 1))
	return e
}

// Forward implements nn.Module.
func (e *xceptionEntryFlow) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(e.conv1, x)
	x = nn.Forward(e.conv2, x)
	x = autograd.Add(nn.Forward(e.res3, x), nn.Forward(e.short3, x))
	// conv4/conv5_residual's leading in-place ReLU also feeds the shortcut.
	x = autograd.Add(nn.Forward(e.res4, x), nn.Forward(e.short4, autograd.Relu(x)))
	x = autograd.Add(nn.Forward(e.res5, x), nn.Forward(e.short5, autograd.Relu(x)))
	return x
}

type xceptionMiddleBlock struct {
	nn.Base
	shortcut, conv1, conv2, conv3 *nn.Sequential
}

func newXceptionMiddleBlock(r *tensor.RNG, c int) *xceptionMiddleBlock {
	b := &xceptionMiddleBlock{}
	unit := func() *nn.Sequential {
		return nn.NewSequential(nn.ReLU(), newXceptionSepConv(r, c, c), xceptionBN(c))
	}
	b.shortcut = nn.Add(&b.Base, "shortcut", nn.NewSequential())
	b.conv1 = nn.Add(&b.Base, "conv1", unit())
	b.conv2 = nn.Add(&b.Base, "conv2", unit())
	b.conv3 = nn.Add(&b.Base, "conv3", unit())
	return b
}

// Forward implements nn.Module.
func (b *xceptionMiddleBlock) Forward(x *autograd.Value) *autograd.Value {
	res := nn.Forward(b.conv1, x)
	res = nn.Forward(b.conv2, res)
	res = nn.Forward(b.conv3, res)
	// conv1's leading in-place ReLU also feeds the (identity) shortcut.
	return autograd.Add(nn.Forward(b.shortcut, autograd.Relu(x)), res)
}

type xceptionMiddleFlow struct {
	nn.Base
	blocks *nn.Sequential
}

// Forward implements nn.Module.
func (m *xceptionMiddleFlow) Forward(x *autograd.Value) *autograd.Value {
	return nn.Forward(m.blocks, x)
}

type xceptionExitFlow struct {
	nn.Base
	residual, shortcut, conv *nn.Sequential
	avgpool                  *nn.Func
	out                      int
}

func newXceptionExitFlow(r *tensor.RNG, w func(int) int) *xceptionExitFlow {
	e := &xceptionExitFlow{}
	c728, c1024, c1536, c2048 := w(728), w(1024), w(1536), w(2048)
	e.residual = nn.Add(&e.Base, "residual", nn.NewSequential(
		nn.ReLU(),
		newXceptionSepConv(r, c728, c728), xceptionBN(c728), nn.ReLU(),
		newXceptionSepConv(r, c728, c1024), xceptionBN(c1024),
		nn.MaxPool2d(3, 2, 1, false)))
	e.shortcut = nn.Add(&e.Base, "shortcut", xceptionShortcut(r, c728, c1024, 2))
	e.conv = nn.Add(&e.Base, "conv", nn.NewSequential(
		newXceptionSepConv(r, c1024, c1536), xceptionBN(c1536), nn.ReLU(),
		newXceptionSepConv(r, c1536, c2048), xceptionBN(c2048), nn.ReLU()))
	e.avgpool = nn.Add(&e.Base, "avgpool", nn.AdaptiveAvgPool2d(1, 1))
	e.out = c2048
	return e
}

// Forward implements nn.Module. The shortcut runs first, on x as it is
// (the residual's leading ReLU is not in place here).
func (e *xceptionExitFlow) Forward(x *autograd.Value) *autograd.Value {
	s := nn.Forward(e.shortcut, x)
	y := autograd.Add(s, nn.Forward(e.residual, x))
	return nn.Forward(e.avgpool, nn.Forward(e.conv, y))
}

// NewXception builds the network for a normalised config.
func NewXception(c Config, r *tensor.RNG) *Xception {
	w := func(n int) int { return Scaled(n, c.Width) }
	m := &Xception{}
	m.EntryFlow = nn.Add(&m.Base, "entry_flow", newXceptionEntryFlow(r, c.InChannels, w))
	mf := &xceptionMiddleFlow{blocks: nn.NewSequential()}
	for range 8 {
		mf.blocks.Append(newXceptionMiddleBlock(r, w(728)))
	}
	nn.Add(&mf.Base, "middel_block", mf.blocks)
	m.MiddelFlow = nn.Add(&m.Base, "middel_flow", mf)
	m.ExitFlow = nn.Add(&m.Base, "exit_flow", newXceptionExitFlow(r, w))
	m.FC = nn.Add(&m.Base, "fc", nn.NewLinear(r, m.ExitFlow.out, c.Classes, true))
	return m
}

// Forward implements nn.Module.
func (m *Xception) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(m.EntryFlow, x)
	x = nn.Forward(m.MiddelFlow, x)
	x = nn.Forward(m.ExitFlow, x)
	return nn.Forward(m.FC, autograd.Flatten(x))
}

func init() {
	Register(Spec{
		Name:        "xception",
		DoctorLayer: "exit_flow.conv.3.pointwise",
		HasWidth:    true,
		Build:       func(c Config, r *tensor.RNG) nn.Module { return NewXception(c, r) },
		Paper:       true,
	})
}
