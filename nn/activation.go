package nn

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Func wraps a parameter-free function as a module (ReLU, Flatten, ...).
type Func struct {
	Base
	Name string
	F    func(*autograd.Value) *autograd.Value
}

// Forward implements Module.
func (f *Func) Forward(x *autograd.Value) *autograd.Value { return f.F(x) }

// NewFunc builds a parameter-free module.
func NewFunc(name string, f func(*autograd.Value) *autograd.Value) *Func {
	return &Func{Name: name, F: f}
}

// Activations and shape layers.

func ReLU() *Func      { return NewFunc("ReLU", autograd.Relu) }
func ReLU6() *Func     { return NewFunc("ReLU6", autograd.Relu6) }
func SiLU() *Func      { return NewFunc("SiLU", autograd.SiLU) }
func Sigmoid() *Func   { return NewFunc("Sigmoid", autograd.Sigmoid) }
func Tanh() *Func      { return NewFunc("Tanh", autograd.Tanh) }
func Hardswish() *Func { return NewFunc("Hardswish", autograd.Hardswish) }
func Identity() *Func {
	return NewFunc("Identity", func(x *autograd.Value) *autograd.Value { return x })
}
func Flatten() *Func { return NewFunc("Flatten", autograd.Flatten) }

// LeakyReLU with the given negative slope (PyTorch's default is 0.01).
func LeakyReLU(slope float32) *Func {
	return NewFunc("LeakyReLU", func(x *autograd.Value) *autograd.Value { return autograd.LeakyRelu(x, slope) })
}

// MaxPool2d with a square window.
func MaxPool2d(k, stride, padding int, ceil bool) *Func {
	if stride == 0 {
		stride = k
	}
	p := tensor.PoolParams{KH: k, KW: k, StrideH: stride, StrideW: stride, PadH: padding, PadW: padding, CeilMode: ceil}
	return NewFunc("MaxPool2d", func(x *autograd.Value) *autograd.Value { return autograd.MaxPool2D(x, p) })
}

// AvgPool2d with a square window (count_include_pad as PyTorch's default).
func AvgPool2d(k, stride, padding int, ceil bool) *Func {
	if stride == 0 {
		stride = k
	}
	p := tensor.PoolParams{KH: k, KW: k, StrideH: stride, StrideW: stride, PadH: padding, PadW: padding, CeilMode: ceil, CountIncludePad: true}
	return NewFunc("AvgPool2d", func(x *autograd.Value) *autograd.Value { return autograd.AvgPool2D(x, p) })
}

// AdaptiveAvgPool2d to an h×w grid.
func AdaptiveAvgPool2d(h, w int) *Func {
	return NewFunc("AdaptiveAvgPool2d", func(x *autograd.Value) *autograd.Value { return autograd.AdaptiveAvgPool2D(x, h, w) })
}

// Dropout zeroes elements with probability p in training, drawing masks
// from its own seeded generator.
type Dropout struct {
	Base
	P       float64
	Channel bool // Dropout2d: whole channels
	RNG     *tensor.RNG
}

// NewDropout builds a dropout layer with its own generator.
func NewDropout(p float64, seed uint64) *Dropout { return &Dropout{P: p, RNG: tensor.NewRNG(seed)} }

// NewDropout2d builds a channel dropout layer.
func NewDropout2d(p float64, seed uint64) *Dropout {
	return &Dropout{P: p, Channel: true, RNG: tensor.NewRNG(seed)}
}

// Forward implements Module.
func (d *Dropout) Forward(x *autograd.Value) *autograd.Value {
	if d.Channel {
		return autograd.Dropout2d(x, d.P, d.RNG, d.Training())
	}
	return autograd.Dropout(x, d.P, d.RNG, d.Training())
}
