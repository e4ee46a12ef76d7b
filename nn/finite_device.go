package nn

import (
	"math"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// firstNonFiniteGradOnDevice is FirstNonFiniteGrad for gradients on a
// device: they stay there, and one scalar comes back, Σ over the
// gradients of Σ g·0, which is 0 when every element is finite and NaN
// otherwise (NaN·0 and ±Inf·0 are NaN; a plain sum could overflow). Only
// when it is NaN are the gradients read back, in order, to name the first
// bad one.
func firstNonFiniteGradOnDevice(params []NamedParam) (NonFiniteTensor, bool) {
	var flag *tensor.Tensor
	for _, p := range params {
		if p.Value.Grad == nil {
			continue
		}
		z := tensor.MulScalar(p.Value.Grad.BorrowTensor(), 0)
		s := tensor.Sum(z, nil, false)
		tensor.Release(z)
		if flag == nil {
			flag = s
			continue
		}
		sum := tensor.Add(flag, s)
		tensor.Release(flag)
		tensor.Release(s)
		flag = sum
	}
	if flag == nil {
		return NonFiniteTensor{}, false
	}
	v := flag.Item()
	tensor.Release(flag)
	if !math.IsNaN(float64(v)) {
		return NonFiniteTensor{}, false
	}
	for _, p := range params {
		if p.Value.Grad == nil {
			continue
		}
		if bad, ok := nonFinite(p.Name, p.Value.Grad.BorrowTensor().To(tensor.Host).Data()); ok {
			bad.Grad = true
			return bad, true
		}
	}
	return NonFiniteTensor{}, false
}
