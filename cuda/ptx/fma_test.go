package ptx

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// bigFMA rounds the exact x*y+z once to 24 bits.
func bigFMA(x, y, z float32) float32 {
	p := new(big.Float).SetFloat64(float64(x) * float64(y))
	s := new(big.Float).SetPrec(24).SetMode(big.ToNearestEven)
	f, _ := s.Add(p, new(big.Float).SetFloat64(float64(z))).Float32()
	return f
}

func TestFMA32MatchesExactRounding(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200000 {
		x := float32(r.NormFloat64())
		y := float32(r.NormFloat64())
		z := float32(r.NormFloat64())
		if i%3 == 0 { // cancellation: z close to -x*y
			z = -float32(float64(x) * float64(y))
		}
		if got, want := fma32(x, y, z), bigFMA(x, y, z); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("fma32(%g, %g, %g) = %g, want %g", x, y, z, got, want)
		}
	}
}

// TestFMA32DoubleRoundingCase is a case where rounding x*y+z to float64
// and then to float32 differs from one rounding: x*y+z lies just above a
// float32 midpoint by less than a float64 ulp.
func TestFMA32DoubleRoundingCase(t *testing.T) {
	x := float32(1 + 1.0/(1<<12)) // 1 + 2^-12
	y := float32(1 + 1.0/(1<<12)) // product 1 + 2^-11 + 2^-24
	z := float32(math.Ldexp(1, -60))
	naive := float32(math.FMA(float64(x), float64(y), float64(z)))
	want := bigFMA(x, y, z)
	if naive == want {
		t.Fatal("the case no longer separates one rounding from two")
	}
	if got := fma32(x, y, z); got != want {
		t.Fatalf("fma32 = %v, want %v (float64 route gives %v)", got, want, naive)
	}
}

func TestMaxMinPTXSemantics(t *testing.T) {
	nan := float32(math.NaN())
	negz := float32(math.Copysign(0, -1))
	if max32(nan, 2) != 2 || max32(2, nan) != 2 || min32(nan, -1) != -1 {
		t.Fatal("a NaN operand must yield the other operand")
	}
	if math.Signbit(float64(max32(negz, 0))) || !math.Signbit(float64(min32(0, negz))) {
		t.Fatal("max(-0, +0) must be +0 and min(+0, -0) must be -0")
	}
}
