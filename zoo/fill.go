package zoo

import (
	"hash/crc32"
	"math"
	"strings"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// FixtureUniform is the parity fixtures' generator: n numbers in [-1, 1)
// from splitmix64 over (crc32(key) << 32) + i.
func FixtureUniform(key string, n int) []float64 {
	out := make([]float64, n)
	base := uint64(crc32.ChecksumIEEE([]byte(key))) << 32
	for i := range out {
		x := base + uint64(i)
		x += 0x9E3779B97F4A7C15
		z := (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		z ^= z >> 31
		u := float64(z>>11) * math.Exp2(-53)
		out[i] = 2*u - 1
	}
	return out
}

// FillForParity sets every parameter and buffer of m by the parity
// fixtures' rule (zoo/testdata/README.md), so logits can be compared with
// the reference implementation without shipping weights.
func FillForParity(m nn.Module) {
	for _, e := range nn.StateDict(m) {
		if e.Int {
			continue
		}
		shape := e.Tensor.Shape()
		n := e.Tensor.Len()
		s := FixtureUniform(e.Name, n)
		d := e.Tensor.Data()
		for i, v := range s {
			switch {
			case strings.HasSuffix(e.Name, "running_mean"):
				v = 0.1 * v
			case strings.HasSuffix(e.Name, "running_var"):
				v = 1 + 0.25*(1+v)
			case len(shape) >= 2:
				v = math.Sqrt(6/float64(n/shape[0])) * v
			case strings.HasSuffix(e.Name, "weight"):
				v = 1 + 0.1*v
			default:
				v = 0.05 * v
			}
			d[i] = float32(v)
		}
	}
}

// ParityInput is the fixtures' input: uniform("input", 6144) as [2,3,32,32].
func ParityInput() *tensor.Tensor {
	return tensor.FromFloat64(FixtureUniform("input", 6144), 2, 3, 32, 32)
}
