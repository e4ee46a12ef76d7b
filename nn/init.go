package nn

import (
	"math"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// fanIn is the number of inputs feeding one output of a weight
// [out, in, ...] (in × receptive field), as torch.nn.init computes it.
func fanIn(shape []int) int { return tensor.Numel(shape) / shape[0] }

func fanOut(shape []int) int {
	rf := 1
	for _, d := range shape[2:] {
		rf *= d
	}
	return shape[0] * rf
}

// KaimingUniform fills a weight as PyTorch's default for Conv2d and Linear
// (kaiming_uniform_ with a = √5): U(−b, b), b = gain·√(3/fan_in),
// gain = √(2/(1+a²)), which gives b = 1/√fan_in.
func KaimingUniform(r *tensor.RNG, a float64, shape ...int) *tensor.Tensor {
	gain := math.Sqrt(2 / (1 + a*a))
	b := float32(gain * math.Sqrt(3/float64(fanIn(shape))))
	return tensor.Uniform(r, -b, b, shape...)
}

// KaimingNormal fills N(0, std²), std = √2/√fan (mode "fan_out" if fanOut
// is set, as torchvision's ResNets use; "fan_in" otherwise), for ReLU.
func KaimingNormal(r *tensor.RNG, useFanOut bool, shape ...int) *tensor.Tensor {
	fan := fanIn(shape)
	if useFanOut {
		fan = fanOut(shape)
	}
	return tensor.Normal(r, 0, float32(math.Sqrt(2/float64(fan))), shape...)
}

// XavierUniform fills U(−b, b), b = √(6/(fan_in+fan_out)).
func XavierUniform(r *tensor.RNG, shape ...int) *tensor.Tensor {
	b := float32(math.Sqrt(6 / float64(fanIn(shape)+fanOut(shape))))
	return tensor.Uniform(r, -b, b, shape...)
}

// biasUniform is PyTorch's default bias: U(−1/√fan_in, 1/√fan_in).
func biasUniform(r *tensor.RNG, fan, n int) *tensor.Tensor {
	b := float32(1 / math.Sqrt(float64(fan)))
	return tensor.Uniform(r, -b, b, n)
}
