package zoo

import (
	"math"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// SimpleNet is SimpleNetV1 (Hasanpour et al. 2016) for 32×32 inputs, as the
// Model Doctor code defines it: thirteen conv-BN(momentum 0.05)-ReLU layers
// (3×3, except two 1×1 in the last stage) in one Sequential, with 2×2 max
// pools each followed by channel dropout 0.1, then global max pooling,
// dropout 0.1 and a linear classifier. Convolution weights are initialised
// xavier-uniform with the ReLU gain, as in the reference.
//
// Width scales every channel count (Width 1 is the reference).
type SimpleNet struct {
	nn.Base
	Features   *nn.Sequential
	Classifier *nn.Linear
	Drp        *nn.Dropout
}

// NewSimpleNet builds the network for a normalised config.
func NewSimpleNet(c Config, r *tensor.RNG) *SimpleNet {
	m := &SimpleNet{}
	f := nn.NewSequential()
	in := c.InChannels
	conv := func(out, k int) {
		out = Scaled(out, c.Width)
		cv := nn.NewConv2d(r, in, out, k, nn.ConvOptions{Padding: k / 2})
		// xavier_uniform_(gain = calculate_gain('relu') = √2).
		xw := nn.XavierUniform(r, cv.Weight.Shape()...).Data()
		d := cv.Weight.Data()
		for i := range d {
			d[i] = float32(math.Sqrt2) * xw[i]
		}
		f.Append(cv)
		f.Append(nn.NewBatchNorm2d(out, nn.BatchNormOptions{Momentum: 0.05}))
		f.Append(nn.ReLU())
		in = out
	}
	pool := func() {
		f.Append(nn.MaxPool2d(2, 2, 0, false))
		f.Append(nn.NewDropout2d(0.1, r.Uint64()))
	}
	conv(64, 3)
	conv(128, 3)
	conv(128, 3)
	conv(128, 3)
	pool()
	conv(128, 3)
	conv(128, 3)
	conv(256, 3)
	pool()
	conv(256, 3)
	conv(256, 3)
	pool()
	conv(512, 3)
	pool()
	conv(2048, 1)
	conv(256, 1)
	pool()
	conv(256, 3)
	m.Features = nn.Add(&m.Base, "features", f)
	m.Classifier = nn.Add(&m.Base, "classifier", nn.NewLinear(r, in, c.Classes, true))
	m.Drp = nn.Add(&m.Base, "drp", nn.NewDropout(0.1, r.Uint64()))
	return m
}

// Forward implements nn.Module.
func (m *SimpleNet) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(m.Features, x)
	// Global max pooling over the whole map.
	s := x.Shape()
	x = autograd.MaxPool2D(x, tensor.PoolParams{KH: s[2], KW: s[3], StrideH: s[2], StrideW: s[3]})
	x = nn.Forward(m.Drp, x)
	return nn.Forward(m.Classifier, autograd.Flatten(x))
}

func init() {
	Register(Spec{
		Name:        "simplenetv1",
		DoctorLayer: "features.46",
		HasWidth:    true,
		Build:       func(c Config, r *tensor.RNG) nn.Module { return NewSimpleNet(c, r) },
		Paper:       true,
	})
}
