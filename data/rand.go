package data

import (
	"math"
	"math/bits"
)

// Rand is a small deterministic generator (splitmix64). It is implemented
// here rather than taken from math/rand so that a seed gives the same stream
// on every machine and Go release: data order and augmentations are part of
// an experiment's record and must replay exactly on resume.
//
// Uint64, Float64, Float32, Intn, Perm and Shuffle use integer arithmetic
// only and are bit-exact everywhere. NormFloat64 goes through math.Log and
// math.Cos, which may differ in the last bit between architectures.
//
// A Rand is not safe for concurrent use; give each goroutine its own.
type Rand struct {
	state    uint64
	spare    float64 // second Box–Muller value, returned by the next NormFloat64
	hasSpare bool
}

const golden = 0x9e3779b97f4a7c15 // 2^64/φ, the splitmix64 increment

// NewRand returns a generator seeded with seed.
func NewRand(seed uint64) *Rand { return &Rand{state: seed} }

// mix64 is the splitmix64 finalizer: a bijection on uint64 with good
// avalanche, used both for the stream and for deriving seeds.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// DeriveSeed hashes a seed and a sequence of keys (epoch, sample index, ...)
// into a new seed. Different key sequences give unrelated streams, so the
// loader can seed each (seed, epoch, sample) independently of the others.
func DeriveSeed(seed uint64, keys ...uint64) uint64 {
	h := mix64(seed + golden)
	for _, k := range keys {
		h = mix64(h ^ mix64(k+golden))
	}
	return h
}

// Uint64 returns the next 64 random bits.
func (r *Rand) Uint64() uint64 {
	r.state += golden
	return mix64(r.state)
}

// Float64 returns a uniform number in [0, 1) with 53 random bits.
func (r *Rand) Float64() float64 { return float64(r.Uint64()>>11) * 0x1p-53 }

// Float32 returns a uniform number in [0, 1) with 24 random bits.
func (r *Rand) Float32() float32 { return float32(r.Uint64()>>40) * 0x1p-24 }

// Intn returns a uniform int in [0, n) without modulo bias (Lemire's
// multiply-and-reject method). It panics if n <= 0.
func (r *Rand) Intn(n int) int {
	if n <= 0 {
		panic("data: Rand.Intn: n must be positive")
	}
	bound := uint64(n)
	hi, lo := bits.Mul64(r.Uint64(), bound)
	if lo < bound {
		thresh := -bound % bound
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), bound)
		}
	}
	return int(hi)
}

// Shuffle permutes n elements with Fisher–Yates, calling swap(i, j).
func (r *Rand) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.Intn(i+1))
	}
}

// Perm returns a uniform random permutation of 0..n-1.
func (r *Rand) Perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// NormFloat64 returns a standard normal sample (Box–Muller; values come in
// pairs, the second is kept for the next call).
func (r *Rand) NormFloat64() float64 {
	if r.hasSpare {
		r.hasSpare = false
		return r.spare
	}
	u1 := 1 - r.Float64() // (0, 1]: keeps Log finite
	u2 := r.Float64()
	rad := math.Sqrt(-2 * math.Log(u1))
	s, c := math.Sincos(2 * math.Pi * u2)
	r.spare, r.hasSpare = rad*s, true
	return rad * c
}
