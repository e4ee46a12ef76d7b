package backend_test

import (
	"math"
	"math/rand"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// onDeviceRun runs f on host operands and on device copies of them with
// host fallbacks refused, checks that a kernel ran, that nothing fell
// back and that no buffer stays behind, and returns the device result
// (downloaded) and the host's.
func onDeviceRun(t *testing.T, s *backend.Device, name string, ops []*tensor.Tensor, f func(v []*tensor.Tensor) *tensor.Tensor) (got, want *tensor.Tensor) {
	t.Helper()
	hops := make([]*tensor.Tensor, len(ops))
	for i, o := range ops {
		hops[i] = o.Clone()
	}
	want = f(hops)
	dev := make([]*tensor.Tensor, len(ops))
	for i, o := range ops {
		dev[i] = up(o)
	}
	live, launches := s.Live(), s.Launches()
	prev := tensor.AllowHostFallback(false)
	tensor.ResetTransfers()
	d := f(dev)
	tr := tensor.Transfers()
	tensor.AllowHostFallback(prev)
	if len(tr.Fallbacks) != 0 || tr.FallbackCopies != 0 {
		t.Errorf("%s: fell back to the host: %+v", name, tr)
	}
	if s.Launches() == launches {
		t.Errorf("%s: no kernel launched", name)
	}
	got = d.To(tensor.Host)
	tensor.Release(d)
	if s.Live() != live {
		t.Errorf("%s: %d device buffers live after the op, want %d", name, s.Live(), live)
	}
	for _, x := range dev {
		tensor.Release(x)
	}
	if !tensor.SameShape(got.Shape(), want.Shape()) {
		t.Fatalf("%s: shape %v, want %v", name, got.Shape(), want.Shape())
	}
	return got, want
}

// actData: the specials, values around 6 and around sigmoid's underflow
// (−87…−105), magnitudes from subnormal to huge of both signs, and random
// bit patterns (NaN payloads of both signs among them).
func actData(rng *rand.Rand, n int) []float32 {
	f := math.Float32frombits
	v := append([]float32{}, specials()...)
	v = append(v, f(0x007fffff), f(0x807fffff), f(0x00800000), f(0x80800000), f(0x7fffffff), f(0xffffffff),
		f(0x7fbfffff), f(0x7f800000-1), f(0xff800000-1), 5.9999995, 6.0000005, 1e-7, -1e-7,
		-1.2785, -1.2784, 17, 17.5, 20, -20, 88.7, -87.3, -88.8, -100, -103.9, -103.97, -103.98, -104, -104.5, -150, 150)
	for b := uint32(six32 - 8); b <= six32+8; b++ {
		v = append(v, f(b), f(b|0x80000000))
	}
	for len(v) < n {
		switch rng.Intn(3) {
		case 0:
			v = append(v, float32(rng.NormFloat64()*8))
		case 1:
			x := float32(math.Exp(rng.Float64()*180 - 90))
			if rng.Intn(2) == 0 {
				x = -x
			}
			v = append(v, x)
		default:
			v = append(v, f(rng.Uint32()))
		}
	}
	return v
}

const six32 = 0x40c00000

func TestSimRelu6Exact(t *testing.T) {
	s := newSim(t)
	rng := rand.New(rand.NewSource(21))
	d := actData(rng, 4000)
	onDeviceExact(t, s, "Relu6", []*tensor.Tensor{tensor.New(d, len(d))}, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.Relu6(v[0]) })
	r := tensor.NewRNG(22)
	for _, shape := range [][]int{{5, 7}, {2, 3, 4, 5}, {1}} {
		onDeviceExact(t, s, "Relu6", []*tensor.Tensor{withSpecials(r, shape...)}, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.Relu6(v[0]) })
	}
	// bit for bit as the documented rule, too (whatever the host path)
	x := tensor.New(d, len(d))
	y := tensor.Relu6(up(x)).To(tensor.Host).Data()
	for i, v := range d {
		b := math.Float32bits(v)
		want := b
		switch {
		case b>>31 == 1:
			want = 0
		case b >= six32 && b <= 0x7f800000:
			want = six32
		}
		if got := math.Float32bits(y[i]); got != want {
			t.Fatalf("Relu6(%#08x) = %#08x, want %#08x", b, got, want)
		}
	}
}

// closeTo checks got against want: NaN where want is NaN, the same
// infinity, else within rel of scale plus floor (and, with sign, zeros
// of want's sign).
func closeTo(t *testing.T, what string, x, got, want float32, rel, scale, floor float64, sign bool) {
	t.Helper()
	g, w := float64(got), float64(want)
	switch {
	case math.IsNaN(w):
		if !math.IsNaN(g) {
			t.Errorf("%s(x=%v): %v, want NaN", what, x, got)
		}
	case math.IsInf(w, 0) || math.IsNaN(g):
		if g != w {
			t.Errorf("%s(x=%v): %v, want %v", what, x, got, want)
		}
	case math.Abs(g-w) > rel*scale+floor:
		t.Errorf("%s(x=%v): %v (%#08x), want %v (%#08x): off by %g, allowed %g", what, x, got, math.Float32bits(got), want, math.Float32bits(want), math.Abs(g-w), rel*scale+floor)
	case sign && w == 0 && g == 0 && math.Signbit(g) != math.Signbit(w):
		t.Errorf("%s(x=%v): %v, want %v", what, x, got, want)
	}
}

// The host's SiLU is asm.SiLU: on AVX-512 and AVX2 a vectorised exp
// within about 2 ulp of its float64 twin, except that it flushes s =
// sigmoid(x) to 0 where s is subnormal (x below about −87.3), and it
// factors the gradient so that zeros may take the other sign. The device
// is checked against the twin (siluTwin, siluBackwardTwin: asm's purego
// code) to 1e-6 with zero signs, and against the host to 1e-5 with the
// flush's slack: |x|·2⁻¹²⁶ (times |g|).

func sigmoidTwin(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

func siluTwin(x float32) float32 { return x * sigmoidTwin(x) }

func siluBackwardTwin(g, x float32) float32 {
	s := sigmoidTwin(x)
	return g * (s + x*s*(1-s))
}

// subFloor is the slack where s is subnormal: the twin's s is rounded to
// a multiple of 2⁻¹⁴⁹ and the device's within a few of them, each
// multiplied by x, plus the final rounding.
func subFloor(x float32) float64 { return 8*(math.Abs(float64(x))+1)*0x1p-149 + 0x1p-149 }

// flushFloor is the slack for the host's flush of subnormal s.
func flushFloor(x float32) float64 { return (math.Abs(float64(x)) + 1) * 0x1p-126 }

func TestSimSiLU(t *testing.T) {
	s := newSim(t)
	rng := rand.New(rand.NewSource(23))
	r := tensor.NewRNG(24)
	for _, x := range []*tensor.Tensor{tensor.New(actData(rng, 6000), 6000), withSpecials(r, 2, 3, 4, 5)} {
		got, want := onDeviceRun(t, s, "SiLU", []*tensor.Tensor{x}, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.SiLU(v[0]) })
		gd, wd := got.Data(), want.Data()
		for i, v := range x.Data() {
			tw := siluTwin(v)
			closeTo(t, "SiLU vs twin", v, gd[i], tw, 1e-6, math.Abs(float64(tw)), subFloor(v), true)
			closeTo(t, "SiLU vs host", v, gd[i], wd[i], 1e-5, math.Abs(float64(wd[i])), subFloor(v)+flushFloor(v), false)
		}
	}
}

func TestSimSiLUBackward(t *testing.T) {
	s := newSim(t)
	rng := rand.New(rand.NewSource(25))
	xd := actData(rng, 6000)
	gd := make([]float32, len(xd))
	for i := range gd {
		gd[i] = float32(rng.NormFloat64())
	}
	// the specials as gradients too, against ordinary and special x
	sp := specials()
	for i, v := range sp {
		gd[(i*13+5)%len(gd)] = v
		gd[len(sp)+i] = v
	}
	r := tensor.NewRNG(26)
	for _, ops := range [][]*tensor.Tensor{{tensor.New(gd, len(gd)), tensor.New(xd, len(xd))}, {tensor.Uniform(r, -2, 2, 3, 4, 5), withSpecials(r, 3, 4, 5)}} {
		got, want := onDeviceRun(t, s, "SiLUBackward", ops, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.SiLUBackward(v[0], v[1]) })
		for i, x := range ops[1].Data() {
			gv := ops[0].Data()[i]
			g, x64 := math.Abs(float64(gv)), float64(x)
			sg := 1 / (1 + math.Exp(-x64))
			scale := g * (sg + math.Abs(x64*sg*(1-sg)))
			closeTo(t, "SiLUBackward vs twin", x, got.Data()[i], siluBackwardTwin(gv, x), 1e-6, scale, g*subFloor(x), true)
			closeTo(t, "SiLUBackward vs host", x, got.Data()[i], want.Data()[i], 1e-5, scale, g*(subFloor(x)+flushFloor(x)), false)
		}
	}
}
