package zoo

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// This file holds what the CIFAR ResNet family (resnet18/34/50, resnext50)
// shares: the residual unit relu(body(x) + shortcut(x)) and the network
// around it (a conv-BN-ReLU stem, four stages, global average pooling and
// a linear classifier), after weiaicunzai/pytorch-cifar100 as the Model
// Doctor code uses it.

// resnetBlock is relu(body(x) + shortcut(x)). The body is registered as
// "residual_function" in ResNet and "split_transforms" in ResNeXt; the
// shortcut is an empty Sequential (the identity) unless the block changes
// resolution or width.
type resnetBlock struct {
	nn.Base
	body, shortcut *nn.Sequential
}

func newResnetBlock(bodyName string, body, shortcut *nn.Sequential) *resnetBlock {
	b := &resnetBlock{}
	b.body = nn.Add(&b.Base, bodyName, body)
	b.shortcut = nn.Add(&b.Base, "shortcut", shortcut)
	return b
}

// Forward implements nn.Module.
func (b *resnetBlock) Forward(x *autograd.Value) *autograd.Value {
	return autograd.Relu(autograd.Add(nn.Forward(b.body, x), nn.Forward(b.shortcut, x)))
}

// resnetConvBN appends a bias-free k×k convolution (padding k/2) and its
// batch norm to s, then a ReLU if relu is set.
func resnetConvBN(s *nn.Sequential, r *tensor.RNG, in, out, k, stride, groups int, relu bool) {
	s.Append(nn.NewConv2d(r, in, out, k, nn.ConvOptions{Stride: stride, Padding: k / 2, Groups: groups, NoBias: true}))
	s.Append(nn.NewBatchNorm2d(out, nn.BatchNormOptions{}))
	if relu {
		s.Append(nn.ReLU())
	}
}

// resnetShortcut is the identity (an empty Sequential) when the block keeps
// shape, else a strided bias-free 1×1 convolution and a batch norm.
func resnetShortcut(r *tensor.RNG, in, out, stride int) *nn.Sequential {
	s := nn.NewSequential()
	if stride != 1 || in != out {
		resnetConvBN(s, r, in, out, 1, stride, 1, false)
	}
	return s
}

// resnetBasicBlock is ResNet-18/34's block: two 3×3 convolutions.
func resnetBasicBlock(r *tensor.RNG, in, out, stride int) *resnetBlock {
	body := nn.NewSequential()
	resnetConvBN(body, r, in, out, 3, stride, 1, true)
	resnetConvBN(body, r, out, out, 3, 1, 1, false)
	return newResnetBlock("residual_function", body, resnetShortcut(r, in, out, stride))
}

// resnetBottleneck is ResNet-50's block: 1×1 (mid), 3×3 (mid, strided),
// 1×1 (4·mid).
func resnetBottleneck(r *tensor.RNG, in, mid, stride int) *resnetBlock {
	out := 4 * mid
	body := nn.NewSequential()
	resnetConvBN(body, r, in, mid, 1, 1, 1, true)
	resnetConvBN(body, r, mid, mid, 3, stride, 1, true)
	resnetConvBN(body, r, mid, out, 1, 1, 1, false)
	return newResnetBlock("residual_function", body, resnetShortcut(r, in, out, stride))
}

// resnetBlockFunc builds one block of a stage: in channels, stage index
// (0..3) and stride; it returns the block and its output channels.
type resnetBlockFunc func(r *tensor.RNG, in, stage, stride int) (nn.Module, int)

// resnetNet is the CIFAR ResNet/ResNeXt skeleton.
type resnetNet struct {
	nn.Base
	stem   *nn.Sequential
	stages [4]*nn.Sequential
	pool   nn.Module
	fc     *nn.Linear
}

// resnetNetNames are the registered names of a resnetNet's children.
type resnetNetNames struct {
	stem   string
	stages [4]string
	pool   string
	fc     string
}

var (
	resnetNames  = resnetNetNames{"conv1", [4]string{"conv2_x", "conv3_x", "conv4_x", "conv5_x"}, "avg_pool", "fc"}
	resnextNames = resnetNetNames{"conv1", [4]string{"conv2", "conv3", "conv4", "conv5"}, "avg", "fc"}
)

// newResnetNet builds the stem (3×3 conv with stem channels, BN, ReLU), four
// stages of depths[i] blocks (the first of stages 2–4 with stride 2), a
// global average pool and the classifier.
func newResnetNet(c Config, r *tensor.RNG, names resnetNetNames, stem int, depths [4]int, block resnetBlockFunc) *resnetNet {
	m := &resnetNet{}
	m.stem = nn.Add(&m.Base, names.stem, nn.NewSequential())
	resnetConvBN(m.stem, r, c.InChannels, stem, 3, 1, 1, true)
	in := stem
	for i, n := range depths {
		s := nn.NewSequential()
		for j := 0; j < n; j++ {
			stride := 1
			if i > 0 && j == 0 {
				stride = 2
			}
			b, out := block(r, in, i, stride)
			s.Append(b)
			in = out
		}
		m.stages[i] = nn.Add(&m.Base, names.stages[i], s)
	}
	m.pool = nn.Add(&m.Base, names.pool, nn.AdaptiveAvgPool2d(1, 1))
	m.fc = nn.Add(&m.Base, names.fc, nn.NewLinear(r, in, c.Classes, true))
	return m
}

// Forward implements nn.Module.
func (m *resnetNet) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(m.stem, x)
	for _, s := range m.stages {
		x = nn.Forward(s, x)
	}
	x = autograd.Flatten(nn.Forward(m.pool, x))
	return nn.Forward(m.fc, x)
}

// resnetBasic builds ResNet-18/34 (basic blocks) of the given stage depths.
func resnetBasic(c Config, r *tensor.RNG, depths [4]int) nn.Module {
	widths := resnetWidths(c.Width)
	return newResnetNet(c, r, resnetNames, widths[0], depths, func(r *tensor.RNG, in, stage, stride int) (nn.Module, int) {
		return resnetBasicBlock(r, in, widths[stage], stride), widths[stage]
	})
}

// resnetWidths are the stage widths 64, 128, 256, 512 under a width
// multiplier.
func resnetWidths(w float64) [4]int {
	return [4]int{Scaled(64, w), Scaled(128, w), Scaled(256, w), Scaled(512, w)}
}
