package kernels

import (
	"math"
	"math/big"
)

// The plain Go references: the algorithm of each kernel with no GPU
// concepts, for tests to compare against and readers to learn from.

// AddRef is out[i] = a[i] + b[i].
func AddRef(a, b []float32) []float32 {
	out := make([]float32, len(a))
	for i := range a {
		out[i] = a[i] + b[i]
	}
	return out
}

// MulRef is out[i] = a[i] * b[i].
func MulRef(a, b []float32) []float32 {
	out := make([]float32, len(a))
	for i := range a {
		out[i] = a[i] * b[i]
	}
	return out
}

// ReluRef is out[i] = x[i] if x[i] > 0, else 0.
func ReluRef(x []float32) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		if v > 0 {
			out[i] = v
		}
	}
	return out
}

// ReluBackwardRef is dx[i] = dy[i] if x[i] > 0, else 0.
func ReluBackwardRef(x, dy []float32) []float32 {
	dx := make([]float32, len(x))
	for i, v := range x {
		if v > 0 {
			dx[i] = dy[i]
		}
	}
	return dx
}

// AxpyRef is alpha*x[i] + y[i], rounded once (as fma.rn.f32 does).
func AxpyRef(alpha float32, x, y []float32) []float32 {
	out := make([]float32, len(x))
	for i := range x {
		out[i] = FMA32(alpha, x[i], y[i])
	}
	return out
}

// FMA32 is x*y + z with a single rounding to float32, computed in
// math/big (independently of the interpreter's fast version): the float64
// product is exact, and Add rounds the exact sum once to 24 bits. Results
// in float32's subnormal range would round twice; tests keep clear of it.
func FMA32(x, y, z float32) float32 {
	if s := float64(x)*float64(y) + float64(z); math.IsInf(s, 0) || math.IsNaN(s) {
		return float32(s) // NaN and infinity need no rounding
	}
	p := new(big.Float).SetFloat64(float64(x) * float64(y))
	s := new(big.Float).SetPrec(24).SetMode(big.ToNearestEven)
	f, _ := s.Add(p, new(big.Float).SetFloat64(float64(z))).Float32()
	return f
}

// SumRef is the sum of x in float64: the tolerance reference.
func SumRef(x []float32) float64 {
	s := 0.0
	for _, v := range x {
		s += float64(v)
	}
	return s
}

// SumTreeRef is the exact order the Sum kernel adds in, in plain Go: per
// block, each of SumBlock threads adds its grid-stride elements in order,
// then the thread sums are added pairwise; the partials go through the same
// once more with one block.
func SumTreeRef(x []float32) float32 {
	partial := sumPass(x, SumBlocks(len(x)))
	return sumPass(partial, 1)[0]
}

func sumPass(x []float32, blocks int) []float32 {
	out := make([]float32, blocks)
	stride := blocks * SumBlock
	for blk := range blocks {
		var t [SumBlock]float32
		for tid := range SumBlock {
			for i := blk*SumBlock + tid; i < len(x); i += stride {
				t[tid] = float32(t[tid] + x[i])
			}
		}
		for s := SumBlock / 2; s >= 1; s /= 2 {
			for tid := range s {
				t[tid] = float32(t[tid] + t[tid+s])
			}
		}
		out[blk] = t[0]
	}
	return out
}

// SgemmRef is C = A·B (row-major, A M×K, B K×N) in float64: the tolerance
// reference. bound[i] is Σ|a||b| for C element i, the scale its rounding
// error is measured against.
func SgemmRef(a, b []float32, m, n, k int) (c, bound []float64) {
	c = make([]float64, m*n)
	bound = make([]float64, m*n)
	for i := range m {
		for j := range n {
			s, t := 0.0, 0.0
			for p := range k {
				x := float64(a[i*k+p]) * float64(b[p*n+j])
				s += x
				t += math.Abs(x)
			}
			c[i*n+j], bound[i*n+j] = s, t
		}
	}
	return c, bound
}
