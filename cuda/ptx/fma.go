package ptx

import "math"

// fma32 is fma.rn.f32: x*y + z rounded once to float32. The product of two
// float32s is exact in float64; the sum is computed as s plus its exact
// error e (TwoSum), and s is rounded to odd when e is not zero, so that the
// final rounding to float32 is not a second, different rounding.
func fma32(x, y, z float32) float32 {
	p := float64(x) * float64(y)
	zf := float64(z)
	s := p + zf
	if math.IsInf(s, 0) || math.IsNaN(s) || math.IsInf(p, 0) {
		return float32(s)
	}
	bp := s - zf
	e := (p - bp) + (zf - (s - bp))
	if e != 0 {
		bits := math.Float64bits(s)
		if bits&1 == 0 {
			if (e > 0) == (s > 0) {
				bits++
			} else {
				bits--
			}
			s = math.Float64frombits(bits)
		}
	}
	return float32(s)
}

// add32, sub32 and mul32 round each result to float32 explicitly: the Go
// spec lets a compiler fuse x*y + z unless a conversion intervenes.
func add32(x, y float32) float32 { return float32(x + y) }
func sub32(x, y float32) float32 { return float32(x - y) }
func mul32(x, y float32) float32 { return float32(x * y) }

// max32 and min32 follow PTX: a NaN operand yields the other operand, and
// +0 is larger than -0.
func max32(x, y float32) float32 {
	switch {
	case x != x:
		return y
	case y != y:
		return x
	case x > y:
		return x
	case y > x:
		return y
	}
	return math.Float32frombits(math.Float32bits(x) & math.Float32bits(y))
}

func min32(x, y float32) float32 {
	switch {
	case x != x:
		return y
	case y != y:
		return x
	case x < y:
		return x
	case y < x:
		return y
	}
	return math.Float32frombits(math.Float32bits(x) | math.Float32bits(y))
}
