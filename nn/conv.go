package nn

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// ConvOptions are Conv2d's optional settings (zero values: stride 1, no
// padding, dilation 1, 1 group, with bias unless NoBias).
type ConvOptions struct {
	Stride, Padding, Dilation, Groups int
	NoBias                            bool
}

// Conv2d is a 2-d convolution layer with weight [out, in/groups, k, k].
type Conv2d struct {
	Base
	Weight, Bias *autograd.Value
	P            tensor.ConvParams
}

// NewConv2d builds a square-kernel convolution initialised as PyTorch does.
func NewConv2d(r *tensor.RNG, in, out, k int, o ConvOptions) *Conv2d {
	return NewConv2dRect(r, in, out, k, k, o, o.Padding, o.Padding)
}

// NewConv2dRect builds a convolution with a kh×kw kernel and separate
// paddings (Inception's 1×7 and 7×1 convolutions).
func NewConv2dRect(r *tensor.RNG, in, out, kh, kw int, o ConvOptions, padH, padW int) *Conv2d {
	g := max(o.Groups, 1)
	s := max(o.Stride, 1)
	d := max(o.Dilation, 1)
	c := &Conv2d{P: tensor.ConvParams{StrideH: s, StrideW: s, PadH: padH, PadW: padW, DilationH: d, DilationW: d, Groups: g}}
	shape := []int{out, in / g, kh, kw}
	c.Weight = c.Param("weight", KaimingUniform(r, sqrt5, shape...))
	if !o.NoBias {
		c.Bias = c.Param("bias", biasUniform(r, fanIn(shape), out))
	}
	return c
}

const sqrt5 = 2.23606797749979

// Forward implements Module.
func (c *Conv2d) Forward(x *autograd.Value) *autograd.Value {
	return autograd.Conv2D(x, c.Weight, c.Bias, c.P)
}

// Linear is y = x·Wᵀ + b with W [out, in].
type Linear struct {
	Base
	Weight, Bias *autograd.Value
}

// NewLinear builds a linear layer initialised as PyTorch does.
func NewLinear(r *tensor.RNG, in, out int, bias bool) *Linear {
	l := &Linear{}
	l.Weight = l.Param("weight", KaimingUniform(r, sqrt5, out, in))
	if bias {
		l.Bias = l.Param("bias", biasUniform(r, in, out))
	}
	return l
}

// Forward implements Module.
func (l *Linear) Forward(x *autograd.Value) *autograd.Value {
	return autograd.Linear(x, l.Weight, l.Bias)
}
