package kernels

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// All lists every kernel this package makes, for tests that must cover
// each one (ptxas, the GPU check).
func All() ([]*ptx.Kernel, error) {
	ks := []*ptx.Kernel{Add(), Mul(), Relu(), ReluBackward(), Axpy(), Sum()}
	for _, c := range []SgemmConfig{DefaultSgemm, SmallSgemm, DefaultSgemmVec4, SmallSgemmVec4} {
		g, err := Sgemm(c)
		if err != nil {
			return nil, err
		}
		ks = append(ks, g)
	}
	return ks, nil
}
