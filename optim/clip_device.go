package optim

import (
	"math"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// clipGradNormOnDevice is ClipGradNorm for gradients on a device: the
// squares are summed there per gradient (in float32 outputs, so the norm
// may differ from the host's float64 sum in the last bits) and read back
// once; the scaling is the host's float32 product.
func clipGradNormOnDevice(params []*autograd.Value, maxNorm float64) float64 {
	var total *tensor.Tensor
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		sq := tensor.Square(p.Grad.BorrowTensor())
		s := tensor.Sum(sq, nil, false)
		release(sq)
		if total == nil {
			total = s
			continue
		}
		sum := tensor.Add(total, s)
		release(total, s)
		total = sum
	}
	if total == nil {
		return 0
	}
	norm := math.Sqrt(float64(total.Item()))
	release(total)
	if coef := maxNorm / (norm + 1e-6); coef < 1 {
		for _, p := range params {
			if p.Grad == nil {
				continue
			}
			g := p.Grad.BorrowTensor()
			scaled := tensor.MulScalar(g, float32(coef))
			g.CopyFrom(scaled)
			release(scaled)
		}
	}
	return norm
}
