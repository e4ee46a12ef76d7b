package zoo

import (
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// ResNet-18 (CIFAR): basic blocks, stages of 2, 2, 2, 2.
func init() {
	Register(Spec{
		Name:        "resnet18",
		DoctorLayer: "conv5_x.1.residual_function.3",
		HasWidth:    true,
		Build: func(c Config, r *tensor.RNG) nn.Module {
			return resnetBasic(c, r, [4]int{2, 2, 2, 2})
		},
	})
}
