package zoo

import (
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// ResNet-50 (CIFAR): bottleneck blocks (expansion 4), stages of 3, 4, 6, 3.
func init() {
	Register(Spec{
		Name:        "resnet50",
		DoctorLayer: "conv5_x.2.residual_function.6",
		HasWidth:    true,
		Paper:       true,
		Build: func(c Config, r *tensor.RNG) nn.Module {
			widths := resnetWidths(c.Width)
			return newResnetNet(c, r, resnetNames, widths[0], [4]int{3, 4, 6, 3}, func(r *tensor.RNG, in, stage, stride int) (nn.Module, int) {
				return resnetBottleneck(r, in, widths[stage], stride), 4 * widths[stage]
			})
		},
	})
}
