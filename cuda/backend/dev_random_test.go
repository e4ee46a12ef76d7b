package backend_test

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// TestSimBernoulliMatchesHost: tensor.BernoulliOn on the device draws the
// host's splitmix64 stream bit for bit, for probabilities at and near the
// ends and states where s + (i+1)·γ carries across the u32 halves and wraps
// past 2⁶⁴, and leaves the RNG where tensor.Bernoulli leaves it; with host
// fallbacks off, nothing is copied and no buffer outlives its tensor.
func TestSimBernoulliMatchesHost(t *testing.T) {
	s := newSim(t)
	gamma := uint64(0x9E3779B97F4A7C15)
	seeds := []uint64{0, 1, 42, 0xFFFFFFFF, 1<<32 - gamma%(1<<32), // the low half carries at draw 0
		math.MaxUint64, -gamma, -(3 * gamma), -(40 * gamma), // wraps past 2⁶⁴ within a few draws
		0xFFFFFFFF_FFFFFF00, 0x7FFFFFFF_FFFFFFFF, 0xDEADBEEF_CAFEF00D}
	shapes := [][]int{{1}, {7}, {3, 50}, {2, 3, 4, 5}, {1000}, {}}
	probs := []float64{0, 1e-9, 0.3, 0.5, 0.999999, 1}
	live := s.Live()
	launches := s.Launches()
	was := tensor.AllowHostFallback(false)
	defer tensor.AllowHostFallback(was)
	tensor.ResetTransfers()
	var nLaunch int64
	for _, seed := range seeds {
		for _, p := range probs {
			for _, shape := range shapes {
				hr, dr := tensor.NewRNG(seed), tensor.NewRNG(seed)
				want := tensor.Bernoulli(hr, p, shape...)
				got := tensor.BernoulliOn("cuda:0", dr, p, shape...)
				nLaunch++
				if got.Device() != "cuda:0" {
					t.Fatalf("BernoulliOn made a tensor on %s", got.Device())
				}
				g, w := got.To(tensor.Host).Data(), want.Data()
				for i := range w {
					if math.Float32bits(g[i]) != math.Float32bits(w[i]) {
						t.Fatalf("seed %#x p %v shape %v: element %d is %v, want %v", seed, p, shape, i, g[i], w[i])
					}
				}
				if dr.State() != hr.State() {
					t.Fatalf("seed %#x p %v shape %v: RNG state %#x after, want %#x", seed, p, shape, dr.State(), hr.State())
				}
				tensor.Release(got)
			}
		}
	}
	// Empty tensors launch nothing and leave the stream where it was.
	r := tensor.NewRNG(9)
	e := tensor.BernoulliOn("cuda:0", r, 0.5, 0, 3)
	if r.State() != 9 || e.Len() != 0 {
		t.Errorf("empty draw moved the RNG to %#x", r.State())
	}
	tensor.Release(e)
	tr := tensor.Transfers()
	if tr.Uploads != 0 || tr.FallbackCopies != 0 || len(tr.Fallbacks) != 0 {
		t.Errorf("Bernoulli on the device copied or fell back: %+v", tr)
	}
	if n := s.Launches() - launches; n != nLaunch {
		t.Errorf("%d launches, want one per draw (%d)", n, nLaunch)
	}
	if s.Live() != live {
		t.Errorf("%d buffers live after releasing every draw, want %d", s.Live(), live)
	}
}

// TestSimBernoulliMean: a large draw is Bernoulli(p) in distribution too
// (a guard against a kernel that matches the host only by being wrong
// the same way in the tests above).
func TestSimBernoulliMean(t *testing.T) {
	newSim(t)
	tensor.AllowHostFallback(false)
	r := tensor.NewRNG(2024)
	const n = 1 << 14
	y := tensor.BernoulliOn("cuda:0", r, 0.3, n)
	sum := 0.0
	for _, v := range y.To(tensor.Host).Data() {
		if v != 0 && v != 1 {
			t.Fatalf("draw %v", v)
		}
		sum += float64(v)
	}
	if m := sum / n; math.Abs(m-0.3) > 4*math.Sqrt(0.3*0.7/n) {
		t.Errorf("mean %v, want 0.3", m)
	}
	tensor.Release(y)
}
