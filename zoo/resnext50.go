package zoo

import (
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// ResNeXt-50 (32×4d, CIFAR): bottleneck C blocks whose first two
// convolutions are grouped by the cardinality (the reference groups the
// first 1×1 convolution too), stages of 3, 4, 6, 3.
//
// Under a width multiplier the cardinality scales (C = Scaled(32, w)) and
// every channel count is a multiple of it, so the groups always divide:
// stem 2C, stage i bottleneck output 8C·2^i, grouped width C·4·2^i.
func init() {
	Register(Spec{
		Name:        "resnext50",
		DoctorLayer: "conv5.2.split_transforms.6",
		HasWidth:    true,
		Paper:       true,
		Build: func(c Config, r *tensor.RNG) nn.Module {
			card := Scaled(32, c.Width)
			return newResnetNet(c, r, resnextNames, 2*card, [4]int{3, 4, 6, 3}, func(r *tensor.RNG, in, stage, stride int) (nn.Module, int) {
				return resnextBlock(r, in, card, 4<<stage, 8*card<<stage, stride), 8 * card << stage
			})
		},
	})
}

// resnextBlock: grouped 1×1 (in → card·d), grouped 3×3 (strided), 1×1 to
// out, each with batch norm, plus the projection shortcut.
func resnextBlock(r *tensor.RNG, in, card, d, out, stride int) *resnetBlock {
	mid := card * d
	body := nn.NewSequential()
	resnetConvBN(body, r, in, mid, 1, 1, card, true)
	resnetConvBN(body, r, mid, mid, 3, stride, card, true)
	resnetConvBN(body, r, mid, out, 1, 1, 1, false)
	return newResnetBlock("split_transforms", body, resnetShortcut(r, in, out, stride))
}
