package zoo

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// DenseNet is DenseNet-BC for 32×32 inputs, as the Model Doctor code
// defines it (after weiaicunzai/pytorch-cifar100): a 3×3 stem convolution
// with 2k channels, dense blocks of BN-ReLU-Conv1×1(4k)-BN-ReLU-Conv3×3(k)
// bottlenecks whose outputs are concatenated to their inputs, transitions
// of BN-Conv1×1-AvgPool2 halving the channels (no ReLU), then BN-ReLU,
// global average pooling and a linear classifier.
//
// Width scales the growth rate k (Width 1: k = 32 for DenseNet-121).
type DenseNet struct {
	nn.Base
	Conv1    *nn.Conv2d
	Features *densenetNamedSeq
	Avgpool  *nn.Func
	Linear   *nn.Linear
}

// densenetNamedSeq is a Sequential whose children carry names
// (PyTorch's add_module): it runs them in registration order.
type densenetNamedSeq struct {
	nn.Base
	layers []nn.Module
}

func (s *densenetNamedSeq) add(name string, m nn.Module) {
	nn.Add(&s.Base, name, m)
	s.layers = append(s.layers, m)
}

// Forward implements nn.Module.
func (s *densenetNamedSeq) Forward(x *autograd.Value) *autograd.Value {
	for _, l := range s.layers {
		x = nn.Forward(l, x)
	}
	return x
}

// densenetBottleneck is one dense layer: it concatenates its input with
// the k new feature maps of its bottle_neck Sequential.
type densenetBottleneck struct {
	nn.Base
	neck *nn.Sequential
}

func newDensenetBottleneck(r *tensor.RNG, in, growth int) *densenetBottleneck {
	inner := 4 * growth
	b := &densenetBottleneck{}
	b.neck = nn.Add(&b.Base, "bottle_neck", nn.NewSequential(
		nn.NewBatchNorm2d(in, nn.BatchNormOptions{}),
		nn.ReLU(),
		nn.NewConv2d(r, in, inner, 1, nn.ConvOptions{NoBias: true}),
		nn.NewBatchNorm2d(inner, nn.BatchNormOptions{}),
		nn.ReLU(),
		nn.NewConv2d(r, inner, growth, 3, nn.ConvOptions{Padding: 1, NoBias: true}),
	))
	return b
}

// Forward implements nn.Module.
func (b *densenetBottleneck) Forward(x *autograd.Value) *autograd.Value {
	return autograd.Concat([]*autograd.Value{x, nn.Forward(b.neck, x)}, 1)
}

// densenetTransition is BN → 1×1 conv → 2×2 average pool.
type densenetTransition struct {
	nn.Base
	down *nn.Sequential
}

func newDensenetTransition(r *tensor.RNG, in, out int) *densenetTransition {
	t := &densenetTransition{}
	t.down = nn.Add(&t.Base, "down_sample", nn.NewSequential(
		nn.NewBatchNorm2d(in, nn.BatchNormOptions{}),
		nn.NewConv2d(r, in, out, 1, nn.ConvOptions{NoBias: true}),
		nn.AvgPool2d(2, 2, 0, false),
	))
	return t
}

// Forward implements nn.Module.
func (t *densenetTransition) Forward(x *autograd.Value) *autograd.Value {
	return nn.Forward(t.down, x)
}

// NewDenseNet builds DenseNet-BC with the given blocks and growth rate and
// compression 0.5.
func NewDenseNet(c Config, r *tensor.RNG, blocks []int, growth int) *DenseNet {
	const reduction = 0.5
	m := &DenseNet{}
	inner := 2 * growth
	m.Conv1 = nn.Add(&m.Base, "conv1", nn.NewConv2d(r, c.InChannels, inner, 3, nn.ConvOptions{Padding: 1, NoBias: true}))
	m.Features = nn.Add(&m.Base, "features", &densenetNamedSeq{})
	dense := func(n int) *densenetNamedSeq {
		s := &densenetNamedSeq{}
		for i := range n {
			s.add(fmt.Sprintf("bottle_neck_layer_%d", i), newDensenetBottleneck(r, inner, growth))
			inner += growth
		}
		return s
	}
	last := len(blocks) - 1
	for i, n := range blocks[:last] {
		m.Features.add(fmt.Sprintf("dense_block_layer_%d", i), dense(n))
		out := int(reduction * float64(inner))
		m.Features.add(fmt.Sprintf("transition_layer_%d", i), newDensenetTransition(r, inner, out))
		inner = out
	}
	m.Features.add(fmt.Sprintf("dense_block%d", last), dense(blocks[last]))
	m.Features.add("bn", nn.NewBatchNorm2d(inner, nn.BatchNormOptions{}))
	m.Features.add("relu", nn.ReLU())
	m.Avgpool = nn.Add(&m.Base, "avgpool", nn.AdaptiveAvgPool2d(1, 1))
	m.Linear = nn.Add(&m.Base, "linear", nn.NewLinear(r, inner, c.Classes, true))
	return m
}

// Forward implements nn.Module.
func (m *DenseNet) Forward(x *autograd.Value) *autograd.Value {
	x = nn.Forward(m.Conv1, x)
	x = nn.Forward(m.Features, x)
	x = nn.Forward(m.Avgpool, x)
	return nn.Forward(m.Linear, autograd.Flatten(x))
}

func init() {
	Register(Spec{
		Name:        "densenet121",
		DoctorLayer: "features.dense_block3.bottle_neck_layer_15.bottle_neck.5",
		HasWidth:    true,
		Build: func(c Config, r *tensor.RNG) nn.Module {
			return NewDenseNet(c, r, []int{6, 12, 24, 16}, Scaled(32, c.Width))
		},
		Paper: true,
	})
}
