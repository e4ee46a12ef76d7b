package asm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSiLU compares every implementation with the float64 reference
// twins: within 4 float32 ulp (relative 5e-7; for the backward, of the
// terms it sums) or 1e-30 absolutely, on
// ordinary values, the saturated tails, and special values; with guard
// bands and every length up to 40 plus a multi-chunk one.
func TestSiLU(t *testing.T) {
	inf := float32(math.Inf(1))
	special := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 6, -6, 20, -20, 88, -88, 89, -89, 104, -104, 200, -200,
		1e-30, -1e-30, inf, -inf, float32(math.NaN()), 3e38, -3e38}
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(41, 42))
		for _, n := range append([]int{0, 1, 15, 16, 17, 31, 40, len(special)}, siluChunk+37) {
			x := make([]float32, n)
			g := make([]float32, n)
			for i := range x {
				if n == len(special) {
					x[i] = special[i]
				} else {
					x[i] = float32(r.NormFloat64() * 8)
				}
				g[i] = float32(r.NormFloat64())
			}
			want, wantB := make([]float32, n), make([]float32, n)
			siluGo(want, x)
			siluBackwardGo(wantB, g, x)
			got, check := guarded(n)
			SiLU(got, x)
			check(t)
			gotB, checkB := guarded(n)
			SiLUBackward(gotB, g, x)
			checkB(t)
			for i := range x {
				if !close32(got[i], want[i], 5e-7) {
					t.Fatalf("n %d: SiLU(%v) = %v, want %v", n, x[i], got[i], want[i])
				}
				// s + x·s·(1−s) cancels near x = −1.28, in the reference
				// as here: the bound is a few ulp of the terms, not of
				// their difference.
				if !closeBackward(gotB[i], wantB[i], g[i], x[i]) {
					t.Fatalf("n %d: SiLUBackward(g %v, x %v) = %v, want %v", n, g[i], x[i], gotB[i], wantB[i])
				}
			}
		}
	})
}

func close32(a, b float32, rel float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	if math.IsInf(float64(b), 0) {
		return a == b
	}
	d := math.Abs(float64(a) - float64(b))
	return d <= rel*math.Abs(float64(b)) || d <= 1e-30
}

func closeBackward(a, b, g, x float32) bool {
	if a != a || b != b || math.IsInf(float64(b), 0) {
		return close32(a, b, 0)
	}
	s := 1 / (1 + math.Exp(-float64(x)))
	scale := math.Abs(float64(g)) * (s + math.Abs(float64(x)*s*(1-s)))
	return math.Abs(float64(a)-float64(b)) <= 2e-6*scale+1e-30
}

// TestSiLURange checks every implementation on a dense sweep of
// [−120, 120] (across the clamp at ±104 and the ranges where 2^n is
// denormal or overflows), every power of two of both signs, denormal
// inputs and the largest floats, against the reference twins.
func TestSiLURange(t *testing.T) {
	var x []float32
	for v := -120.0; v <= 120; v += 0.0037 {
		x = append(x, float32(v))
	}
	for k := -149; k <= 127; k++ {
		p := float32(math.Ldexp(1, k))
		x = append(x, p, -p, p*1.7, -p*1.7)
	}
	g := make([]float32, len(x))
	for i := range g {
		g[i] = float32(i%9) - 4.25
	}
	want, wantB := make([]float32, len(x)), make([]float32, len(x))
	siluGo(want, x)
	siluBackwardGo(wantB, g, x)
	forEachImpl(t, func(t *testing.T, k *kernel) {
		got, gotB := make([]float32, len(x)), make([]float32, len(x))
		SiLU(got, x)
		SiLUBackward(gotB, g, x)
		for i := range x {
			if !close32(got[i], want[i], 5e-7) {
				t.Fatalf("SiLU(%v) = %v, want %v", x[i], got[i], want[i])
			}
			if !closeBackward(gotB[i], wantB[i], g[i], x[i]) {
				t.Fatalf("SiLUBackward(g %v, x %v) = %v, want %v", g[i], x[i], gotB[i], wantB[i])
			}
		}
	})
}

// TestSiLUTails runs every length up to 40 (all tails of 8 and 16 lanes)
// at unaligned offsets, with guard bands around the outputs, and checks
// that each output is the one the same implementation gives for its
// input alone at the start of a full vector.
func TestSiLUTails(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		r := rand.New(rand.NewPCG(43, 44))
		for n := 1; n <= 40; n++ {
			for off := range 3 {
				buf := make([]float32, off+n+16)
				gb := make([]float32, off+n+16)
				for i := range buf {
					buf[i] = float32(r.NormFloat64() * 30)
					gb[i] = float32(r.NormFloat64())
				}
				x, g := buf[off:off+n], gb[off:off+n]
				got, check := guarded(n)
				SiLU(got, x)
				check(t)
				gotB, checkB := guarded(n)
				SiLUBackward(gotB, g, x)
				checkB(t)
				for i := range x {
					one, oneB := make([]float32, 16), make([]float32, 16)
					in, ing := make([]float32, 16), make([]float32, 16)
					in[0], ing[0] = x[i], g[i]
					SiLU(one, in)
					SiLUBackward(oneB, ing, in)
					if math.Float32bits(got[i]) != math.Float32bits(one[0]) || math.Float32bits(gotB[i]) != math.Float32bits(oneB[0]) {
						t.Fatalf("n %d off %d: lane %d gives %v, %v; alone %v, %v", n, off, i, got[i], gotB[i], one[0], oneB[0])
					}
				}
			}
		}
	})
}

// TestSiLUAVX2MatchesAVX512: the AVX2 exp scales by two exponent-field
// powers what the AVX-512 one scales by VSCALEFPS, rounding once, so
// both give the same bits, denormal and infinite results included.
func TestSiLUAVX2MatchesAVX512(t *testing.T) {
	impls := Implementations()
	if !slices.Contains(impls, "avx512") || !slices.Contains(impls, "avx2") {
		t.Skip("needs both avx512 and avx2")
	}
	var x []float32
	for v := -120.0; v <= 120; v += 0.0011 {
		x = append(x, float32(v))
	}
	for k := -149; k <= 127; k++ {
		p := float32(math.Ldexp(1, k))
		x = append(x, p, -p)
	}
	inf := float32(math.Inf(1))
	x = append(x, inf, -inf, float32(math.NaN()), math.MaxFloat32, -math.MaxFloat32)
	g := make([]float32, len(x))
	for i := range g {
		g[i] = float32(i%7) - 3.5
	}
	var res [2][2][]float32
	for j, name := range []string{"avx512", "avx2"} {
		restore, err := Use(name)
		if err != nil {
			t.Fatal(err)
		}
		res[j] = [2][]float32{make([]float32, len(x)), make([]float32, len(x))}
		SiLU(res[j][0], x)
		SiLUBackward(res[j][1], g, x)
		restore()
	}
	for i := range x {
		for f := range 2 {
			if a, b := res[0][f][i], res[1][f][i]; math.Float32bits(a) != math.Float32bits(b) {
				t.Fatalf("x %v (backward %v): avx512 %v, avx2 %v", x[i], f == 1, a, b)
			}
		}
	}
}

// BenchmarkSiLU runs 64Ki values, forward and backward, with every
// implementation.
func BenchmarkSiLU(b *testing.B) {
	const n = 1 << 16
	x, g, dst := make([]float32, n), make([]float32, n), make([]float32, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i], g[i] = float32(r.NormFloat64()*4), float32(r.NormFloat64())
	}
	for _, name := range Implementations() {
		restore, _ := Use(name)
		b.Run("forward/"+name, func(b *testing.B) {
			b.SetBytes(4 * n)
			for b.Loop() {
				SiLU(dst, x)
			}
		})
		b.Run("backward/"+name, func(b *testing.B) {
			b.SetBytes(4 * n)
			for b.Loop() {
				SiLUBackward(dst, g, x)
			}
		})
		restore()
	}
}
