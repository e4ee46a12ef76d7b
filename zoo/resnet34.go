package zoo

import (
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// ResNet-34 (CIFAR): basic blocks, stages of 3, 4, 6, 3.
func init() {
	Register(Spec{
		Name:        "resnet34",
		DoctorLayer: "conv5_x.2.residual_function.3",
		HasWidth:    true,
		Build: func(c Config, r *tensor.RNG) nn.Module {
			return resnetBasic(c, r, [4]int{3, 4, 6, 3})
		},
	})
}
