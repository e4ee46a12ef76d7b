package optim

import (
	"math"

	"github.com/modeldoctor/modeldoctor/autograd"
)

// ClipGradNorm scales all gradients so that their global L2 norm is at
// most maxNorm (torch.nn.utils.clip_grad_norm_) and returns the norm
// before clipping. Gradients on a device are clipped there, with one
// read-back (clip_device.go).
func ClipGradNorm(params []*autograd.Value, maxNorm float64) float64 {
	if len(params) > 0 && onDevice(params[0]) {
		return clipGradNormOnDevice(params, maxNorm)
	}
	var sq float64
	for _, p := range params {
		for _, v := range grad(p) {
			sq += float64(v) * float64(v)
		}
	}
	norm := math.Sqrt(sq)
	coef := maxNorm / (norm + 1e-6)
	if coef < 1 {
		c := float32(coef)
		for _, p := range params {
			g := grad(p)
			for i := range g {
				g[i] *= c
			}
		}
	}
	return norm
}
