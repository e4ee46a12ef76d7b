package tensor

import (
	"math"
	"math/bits"
)

// RNG is a small deterministic generator (splitmix64): the same seed gives
// the same numbers on every machine and Go version, unlike math/rand's
// unspecified streams. Give every random stream its own RNG.
type RNG struct{ state uint64 }

// NewRNG returns a generator seeded with seed.
func NewRNG(seed uint64) *RNG { return &RNG{state: seed} }

// Uint64 returns the next 64 random bits.
func (r *RNG) Uint64() uint64 {
	r.state += 0x9E3779B97F4A7C15
	z := r.state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// State returns the generator state, for checkpoints.
func (r *RNG) State() uint64 { return r.state }

// SetState restores a state from State.
func (r *RNG) SetState(s uint64) { r.state = s }

// Float64 returns a uniform number in [0, 1).
func (r *RNG) Float64() float64 { return float64(r.Uint64()>>11) * (1.0 / (1 << 53)) }

// Intn returns a uniform integer in [0, n).
func (r *RNG) Intn(n int) int {
	if n <= 0 {
		panic("tensor.RNG.Intn: n must be positive")
	}
	// Multiply-shift; the bias is below 2^-32 for the n we use.
	hi, _ := bits.Mul64(r.Uint64(), uint64(n))
	return int(hi)
}

// Normal returns a standard normal number (Box–Muller, one value per call
// so that the stream position is simple to reason about).
func (r *RNG) Normal() float64 {
	u1 := r.Float64()
	for u1 == 0 {
		u1 = r.Float64()
	}
	u2 := r.Float64()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// Perm returns a random permutation of [0, n) (Fisher–Yates).
func (r *RNG) Perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.Intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// Uniform fills a new tensor with numbers uniform in [lo, hi).
func Uniform(r *RNG, lo, hi float32, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i := range t.data {
		v := lo + (hi-lo)*float32(r.Float64())
		// Rounding to float32 (of the draw, or of lo + (hi−lo)·u) can
		// reach hi itself; keep the interval half-open.
		if v >= hi && hi > lo {
			v = math.Nextafter32(hi, lo)
		}
		t.data[i] = v
	}
	return t
}

// Normal fills a new tensor with normal numbers of the given mean and std.
func Normal(r *RNG, mean, std float32, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i := range t.data {
		t.data[i] = mean + std*float32(r.Normal())
	}
	return t
}

// Bernoulli fills a new tensor with 1 with probability p and 0 otherwise.
func Bernoulli(r *RNG, p float64, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i := range t.data {
		if r.Float64() < p {
			t.data[i] = 1
		}
	}
	return t
}

// BernoulliOn is Bernoulli with the tensor made on device d: the same
// numbers, drawn there, so a dropout mask costs no upload. splitmix64 is a
// counter: draw i of a stream at state s is a function of s + (i+1)·γ
// alone, so a device computes every element independently and the stream
// advances by n draws, exactly as Bernoulli's loop leaves it.
func BernoulliOn(d Device, r *RNG, p float64, shape ...int) *Tensor {
	if d == Host {
		return Bernoulli(r, p, shape...)
	}
	out := EmptyOn(mustBackend("BernoulliOn", d), shape...)
	n := out.Len()
	if n == 0 {
		return out
	}
	args := BernoulliArgs{State: r.state, Threshold: bernoulliThreshold(p), P: p}
	start := *r
	onDevice(out.dev.be, Op{Name: "Bernoulli", Args: args}, nil, []*Tensor{out}, func(_, out []*Tensor) {
		out[0].CopyFrom(Bernoulli(&start, p, shape...))
	})
	r.state += uint64(n) * splitmixGamma
	return out
}

const splitmixGamma = 0x9E3779B97F4A7C15

// bernoulliThreshold is the count T of 53-bit draws u with u·2⁻⁵³ < p:
// Bernoulli's test r.Float64() < p is then (z >> 11) < T on the integers,
// which a kernel can evaluate exactly.
func bernoulliThreshold(p float64) uint64 {
	if !(p > 0) {
		return 0
	}
	if p >= 1 {
		return 1 << 53
	}
	t := uint64(math.Ceil(p * (1 << 53))) // p·2⁵³ is exact: a power-of-two scaling
	return t
}
