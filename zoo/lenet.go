package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// LeNet-5-style CNN for quick work on 32×32 inputs: conv 5×5 (6), ReLU,
// 2×2 max pool, conv 5×5 (16), ReLU, 2×2 max pool, then fully connected
// 400–120–84–classes with ReLUs. The doctor layer is the second
// convolution.
func init() {
	Register(Spec{
		Name:        "lenet",
		DoctorLayer: "conv2",
		Build:       newLeNet,
	})
}

type leNet struct {
	nn.Base
	conv1, conv2  *nn.Conv2d
	fc1, fc2, fc3 *nn.Linear
}

var lenetPool = tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}

func newLeNet(c Config, r *tensor.RNG) nn.Module {
	m := &leNet{}
	m.conv1 = nn.Add(&m.Base, "conv1", nn.NewConv2d(r, c.InChannels, 6, 5, nn.ConvOptions{}))
	m.conv2 = nn.Add(&m.Base, "conv2", nn.NewConv2d(r, 6, 16, 5, nn.ConvOptions{}))
	m.fc1 = nn.Add(&m.Base, "fc1", nn.NewLinear(r, 16*5*5, 120, true))
	m.fc2 = nn.Add(&m.Base, "fc2", nn.NewLinear(r, 120, 84, true))
	m.fc3 = nn.Add(&m.Base, "fc3", nn.NewLinear(r, 84, c.Classes, true))
	return m
}

// Forward implements nn.Module.
func (m *leNet) Forward(x *autograd.Value) *autograd.Value {
	x = autograd.MaxPool2D(autograd.Relu(nn.Forward(m.conv1, x)), lenetPool)
	x = autograd.MaxPool2D(autograd.Relu(nn.Forward(m.conv2, x)), lenetPool)
	x = autograd.Relu(nn.Forward(m.fc1, autograd.Flatten(x)))
	x = autograd.Relu(nn.Forward(m.fc2, x))
	return nn.Forward(m.fc3, x)
}
