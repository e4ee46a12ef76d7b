package nn

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Building blocks shared by the CNNs. A residual connection needs no
// helper: it is autograd.Add(x, f(x)).

// Concat joins feature maps along the channel axis (torch.cat(xs, 1)), as
// DenseNet, Inception and GoogLeNet do.
func Concat(xs ...*autograd.Value) *autograd.Value { return autograd.Concat(xs, 1) }

// ChannelShuffle interleaves the channels of x [N,C,H,W] across groups
// (ShuffleNet): viewed as [N, groups, C/groups, H, W], the two group axes
// are swapped. It is a reshape and a permutation, so differentiable to any
// order.
func ChannelShuffle(x *autograd.Value, groups int) *autograd.Value {
	s := x.Shape()
	if len(s) != 4 || groups <= 0 || s[1]%groups != 0 {
		panic(fmt.Sprintf("nn.ChannelShuffle: %d groups for input %v", groups, s))
	}
	if groups == 1 {
		return x
	}
	y := autograd.Reshape(x, s[0], groups, s[1]/groups, s[2], s[3])
	y = autograd.Permute(y, 0, 2, 1, 3, 4)
	return autograd.Reshape(y, s...)
}

// NewChannelShuffle is ChannelShuffle as a layer (torch.nn.ChannelShuffle).
func NewChannelShuffle(groups int) *Func {
	return NewFunc("ChannelShuffle", func(x *autograd.Value) *autograd.Value { return ChannelShuffle(x, groups) })
}

// SEOptions configure a squeeze-and-excitation block. Zero values: linear
// layers, ReLU inside, sigmoid gate.
type SEOptions struct {
	// Conv uses 1×1 convolutions (children "fc1" and "fc2") instead of
	// linear layers in a Sequential ("fc.0" and "fc.2").
	Conv bool
	// Act is applied between the two layers (ReLU when nil; SiLU in
	// EfficientNet).
	Act func(*autograd.Value) *autograd.Value
	// Gate turns the second layer's output into channel weights (Sigmoid
	// when nil; Hardsigmoid in MobileNetV3).
	Gate func(*autograd.Value) *autograd.Value
}

// SqueezeExcite reweighs the channels of x [N,C,H,W] by
// gate(fc2(act(fc1(mean over H,W of x)))) (Hu et al., 2018).
//
// Its children are named so that a PyTorch SE block's state dict loads
// directly:
//
//   - linear form (default): one child "fc", a Sequential of
//     Linear(C, hidden), act, Linear(hidden, C), gate, whose parameters are
//     fc.0.weight, fc.0.bias, fc.2.weight, fc.2.bias. This is the SELayer of
//     the SENet reference implementations and of EfficientNetV2
//     (self.avg_pool, self.fc = nn.Sequential(Linear, act, Linear, Sigmoid));
//     the pooling and activations hold no parameters.
//   - conv form (SEOptions.Conv): children "fc1" and "fc2", 1×1 Conv2d
//     layers with bias: fc1.weight [hidden, C, 1, 1], fc1.bias, fc2.weight,
//     fc2.bias, as torchvision.ops.SqueezeExcitation (MobileNetV3,
//     EfficientNet) and timm's SqueezeExcite name them.
//
// Blocks that keep the excitation layers directly among their own children
// (for example a ResNet block with an "excitation" Sequential next to its
// "residual" one) use NewSEExcitation and Excite instead of this module.
type SqueezeExcite struct {
	Base
	// FC is the linear form's Sequential; FC1 and FC2 the conv form's
	// convolutions.
	FC       *Sequential
	FC1, FC2 *Conv2d
	act      func(*autograd.Value) *autograd.Value
	gate     func(*autograd.Value) *autograd.Value
}

// NewSqueezeExcite builds an SE block over channels with a hidden width
// (channels/16 in SENet, channels/4 in MobileNetV3), with PyTorch's default
// initialisation.
func NewSqueezeExcite(r *tensor.RNG, channels, hidden int, o SEOptions) *SqueezeExcite {
	if o.Act == nil {
		o.Act = autograd.Relu
	}
	if o.Gate == nil {
		o.Gate = autograd.Sigmoid
	}
	se := &SqueezeExcite{act: o.Act, gate: o.Gate}
	if o.Conv {
		se.FC1 = Add(&se.Base, "fc1", NewConv2d(r, channels, hidden, 1, ConvOptions{}))
		se.FC2 = Add(&se.Base, "fc2", NewConv2d(r, hidden, channels, 1, ConvOptions{}))
	} else {
		se.FC = Add(&se.Base, "fc", NewSEExcitation(r, channels, hidden, o.Act, o.Gate))
	}
	return se
}

// Forward implements Module.
func (se *SqueezeExcite) Forward(x *autograd.Value) *autograd.Value {
	if se.FC != nil {
		return Excite(x, se.FC)
	}
	s := autograd.AdaptiveAvgPool2D(x, 1, 1) // [N,C,1,1]
	s = se.gate(Forward(se.FC2, se.act(Forward(se.FC1, s))))
	return autograd.Mul(x, s)
}

// NewSEExcitation returns the excitation of a linear SE block:
// Sequential(Linear(channels, hidden), act, Linear(hidden, channels), gate),
// parameters "0.weight", "0.bias", "2.weight", "2.bias". act and gate
// default to ReLU and Sigmoid when nil.
func NewSEExcitation(r *tensor.RNG, channels, hidden int, act, gate func(*autograd.Value) *autograd.Value) *Sequential {
	if act == nil {
		act = autograd.Relu
	}
	if gate == nil {
		gate = autograd.Sigmoid
	}
	return NewSequential(
		NewLinear(r, channels, hidden, true),
		NewFunc("Activation", act),
		NewLinear(r, hidden, channels, true),
		NewFunc("Gate", gate),
	)
}

// Excite squeezes x [N,C,H,W] to [N,C] by global average pooling, runs
// excitation on it (through Forward, so hooks see it) and scales each
// channel of x by the result.
func Excite(x *autograd.Value, excitation Module) *autograd.Value {
	s := x.Shape()
	w := Forward(excitation, autograd.GlobalAvgPool2D(x))
	return autograd.Mul(x, autograd.Reshape(w, s[0], s[1], 1, 1))
}

// UpsampleOptions configure Upsample. Give either Size or Scale.
type UpsampleOptions struct {
	// Size is the output height and width.
	Size [2]int
	// Scale multiplies the input's height and width (an integer factor, for
	// which PyTorch's scale_factor and an explicit size give the same
	// coordinates).
	Scale int
	// Mode is "bilinear" (the default) or "nearest".
	Mode string
	// AlignCorners is PyTorch's align_corners (bilinear only).
	AlignCorners bool
}

// Upsample resizes [N,C,H,W] feature maps (torch.nn.Upsample and
// F.interpolate with mode "bilinear" or "nearest"). It has no parameters.
type Upsample struct {
	Base
	O UpsampleOptions
}

// NewUpsample builds an Upsample layer; it panics on options that do not
// describe a resize (a programming error).
func NewUpsample(o UpsampleOptions) *Upsample {
	if o.Mode == "" {
		o.Mode = "bilinear"
	}
	if o.Mode != "bilinear" && o.Mode != "nearest" {
		panic(fmt.Sprintf("nn.NewUpsample: mode %q (want bilinear or nearest)", o.Mode))
	}
	if (o.Scale > 0) == (o.Size[0] > 0 && o.Size[1] > 0) || o.Scale < 0 {
		panic(fmt.Sprintf("nn.NewUpsample: give either a positive Size or a positive Scale, got %+v", o))
	}
	return &Upsample{O: o}
}

// Forward implements Module.
func (u *Upsample) Forward(x *autograd.Value) *autograd.Value {
	s := x.Shape()
	if len(s) != 4 {
		panic(fmt.Sprintf("nn.Upsample: want [N,C,H,W], got %v", s))
	}
	oh, ow := u.O.Size[0], u.O.Size[1]
	if u.O.Scale > 0 {
		oh, ow = s[2]*u.O.Scale, s[3]*u.O.Scale
	}
	if u.O.Mode == "nearest" {
		return ResizeNearest(x, oh, ow)
	}
	return autograd.ResizeBilinear(x, oh, ow, u.O.AlignCorners)
}

// ResizeNearest resizes x [N,C,H,W] to [N,C,oh,ow] by nearest-neighbour
// sampling with PyTorch's rule (mode="nearest": source index
// floor(dst·in/out), computed in float32). It is two index selections, so
// its gradient sums each output's gradient into its source.
func ResizeNearest(x *autograd.Value, oh, ow int) *autograd.Value {
	s := x.Shape()
	if len(s) != 4 || oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn.ResizeNearest: cannot resize %v to %d×%d", s, oh, ow))
	}
	y := x
	if oh != s[2] {
		y = autograd.IndexSelect(y, 2, nearestIndex(s[2], oh))
	}
	if ow != s[3] {
		y = autograd.IndexSelect(y, 3, nearestIndex(s[3], ow))
	}
	return y
}

func nearestIndex(in, out int) []int {
	scale := float32(in) / float32(out)
	idx := make([]int, out)
	for o := range idx {
		idx[o] = min(int(float32(scale*float32(o))), in-1)
	}
	return idx
}
