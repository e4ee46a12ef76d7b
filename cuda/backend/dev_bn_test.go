package backend

import (
	"math"
	"math/rand"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

const bnDev tensor.Device = "cuda:sim-bn-test"

// bnSim registers a fresh simulated device under bnDev with host fallbacks off.
func bnSim(t *testing.T) *Device {
	t.Helper()
	s, err := NewSim(bnDev)
	if err != nil {
		t.Fatal(err)
	}
	tensor.RegisterDevice(s)
	prev := tensor.AllowHostFallback(false)
	t.Cleanup(func() {
		tensor.AllowHostFallback(prev)
		tensor.UnregisterDevice(bnDev)
	})
	return s
}

func bnRand(rng *rand.Rand, n int, mean, sd float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(mean + sd*rng.NormFloat64())
	}
	return v
}

// bnClose checks got against want within 1e-5 relative plus 1e-6 absolute.
func bnClose(t *testing.T, what string, got, want *tensor.Tensor) {
	t.Helper()
	g, w := got.To(tensor.Host).Data(), want.Data()
	if len(g) != len(w) {
		t.Fatalf("%s: %d elements, want %d", what, len(g), len(w))
	}
	for i := range w {
		if d := math.Abs(float64(g[i]) - float64(w[i])); !(d <= 1e-5*math.Abs(float64(w[i]))+1e-6) {
			t.Fatalf("%s: element %d is %.9g, want %.9g", what, i, g[i], w[i])
		}
	}
}

func bnRelease(ts ...*tensor.Tensor) {
	for _, t := range ts {
		tensor.Release(t)
	}
}

var bnShapes = [][]int{{8, 3}, {16, 4, 8, 8}, {1, 5}, {4, 3, 5, 6}, {2, 5, 1, 1}, {3, 2, 7, 9}, {1, 1, 4, 4}}

func TestSimBatchNormStats(t *testing.T) {
	s := bnSim(t)
	rng := rand.New(rand.NewSource(3))
	for _, shape := range bnShapes {
		for _, mean := range []float64{0, 50} { // an offset mean: the variance cancels
			host := tensor.New(bnRand(rng, tensor.Numel(shape), mean, 3), shape...)
			wm, wv := tensor.BatchNormStats(host)
			launches := s.Launches()
			x := host.To(bnDev)
			gm, gv := tensor.BatchNormStats(x)
			if s.Launches() != launches+1 {
				t.Fatalf("%v: %d launches, want 1", shape, s.Launches()-launches)
			}
			bnClose(t, "mean", gm, wm)
			bnClose(t, "variance", gv, wv)
			bnRelease(x, gm, gv)
			if s.Live() != 0 {
				t.Fatalf("%v: %d buffers live", shape, s.Live())
			}
		}
	}
}

func TestSimChannelAffine(t *testing.T) {
	s := bnSim(t)
	rng := rand.New(rand.NewSource(4))
	for _, shape := range bnShapes {
		c := shape[1]
		data := srData(rng, tensor.Numel(shape), true)
		host := tensor.New(data, shape...)
		scale := tensor.New(bnRand(rng, c, 1, 0.7), c)
		shift := tensor.New(bnRand(rng, c, 0, 2), c)
		want := tensor.ChannelAffine(host, scale, shift).Data()
		x, sc, sh := host.To(bnDev), scale.To(bnDev), shift.To(bnDev)
		y := tensor.ChannelAffine(x, sc, sh)
		got := y.To(tensor.Host).Data()
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
				t.Fatalf("%v: element %d is %v (%08x), want %v (%08x)", shape, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
		}
		bnRelease(x, sc, sh, y)
		if s.Live() != 0 {
			t.Fatalf("%v: %d buffers live", shape, s.Live())
		}
	}
}

func TestSimBatchNormBackward(t *testing.T) {
	s := bnSim(t)
	rng := rand.New(rand.NewSource(5))
	for _, shape := range bnShapes {
		for _, withGamma := range []bool{true, false} {
			c := shape[1]
			host := tensor.New(bnRand(rng, tensor.Numel(shape), 2, 3), shape...)
			g := tensor.New(bnRand(rng, tensor.Numel(shape), 0.1, 1), shape...)
			mean, variance := tensor.BatchNormStats(host)
			is := make([]float32, c)
			for i, v := range variance.Data() {
				is[i] = float32(1 / math.Sqrt(float64(v)+1e-5))
			}
			invstd := tensor.New(is, c)
			var gamma, dgamma *tensor.Tensor
			if withGamma {
				gamma = tensor.New(bnRand(rng, c, 1, 0.5), c)
			}
			wx, wg, wb := tensor.BatchNormBackward(host, g, mean, invstd, gamma)
			dx, dg, dm, di := host.To(bnDev), g.To(bnDev), mean.To(bnDev), invstd.To(bnDev)
			if withGamma {
				dgamma = gamma.To(bnDev)
			}
			gx, gg, gb := tensor.BatchNormBackward(dx, dg, dm, di, dgamma)
			bnClose(t, "gx", gx, wx)
			bnClose(t, "ggamma", gg, wg)
			bnClose(t, "gbeta", gb, wb)
			bnRelease(dx, dg, dm, di, dgamma, gx, gg, gb)
			if s.Live() != 0 {
				t.Fatalf("%v: %d buffers live", shape, s.Live())
			}
		}
	}
}

// TestSimBatchNormRefusesEmpty: empty inputs launch nothing.
func TestSimBatchNormRefusesEmpty(t *testing.T) {
	s := bnSim(t)
	x := tensor.Zeros(0, 3, 2, 2).To(bnDev)
	out := []*tensor.Tensor{tensor.ZerosOn(bnDev, 3), tensor.ZerosOn(bnDev, 3)}
	s.mu.Lock()
	ok := deviceOps["BatchNormStats"](s, tensor.Op{Name: "BatchNormStats"}, []*tensor.Tensor{x}, out)
	s.mu.Unlock()
	if ok {
		t.Fatal("empty BatchNormStats ran")
	}
	bnRelease(x, out[0], out[1])
}
