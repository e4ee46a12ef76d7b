package tensor

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// fakeDevice keeps its "device memory" in Go slices of its own, so every
// value crosses Upload and Download as on a real device. With unary set it
// has one kernel (Unary); every other op falls back to the host.
type fakeDevice struct {
	name  Device
	bufs  map[DeviceBuffer][]float32
	next  DeviceBuffer
	unary bool
	frees int
}

func newFakeDevice(name Device) *fakeDevice {
	return &fakeDevice{name: name, bufs: map[DeviceBuffer][]float32{}}
}

func (f *fakeDevice) Device() Device { return f.name }
func (f *fakeDevice) Alloc(n int) DeviceBuffer {
	f.next++
	f.bufs[f.next] = make([]float32, n)
	return f.next
}
func (f *fakeDevice) Free(b DeviceBuffer) { delete(f.bufs, b); f.frees++ }
func (f *fakeDevice) Live() int           { return len(f.bufs) }
func (f *fakeDevice) Upload(dst DeviceBuffer, src []float32) {
	copy(f.mem(dst), src)
}
func (f *fakeDevice) Download(dst []float32, src DeviceBuffer) { copy(dst, f.mem(src)) }
func (f *fakeDevice) mem(b DeviceBuffer) []float32 {
	m, ok := f.bufs[b]
	if !ok {
		panic(fmt.Sprintf("fake device: no buffer %d", b))
	}
	return m
}
func (f *fakeDevice) Run(op Op, in, out []*Tensor) bool {
	if op.Name != "Unary" || !f.unary {
		return false
	}
	a := op.Args.(UnaryArgs)
	x, y := in[0], out[0]
	CPU{}.Unary(a.Op, a.P, New(f.mem(x.Buffer()), x.Shape()...), New(f.mem(y.Buffer()), y.Shape()...))
	return true
}

func withFakeDevice(t *testing.T) *fakeDevice {
	t.Helper()
	f := newFakeDevice("fake:0")
	RegisterDevice(f)
	ResetTransfers()
	t.Cleanup(func() {
		devices.Lock()
		delete(devices.m, f.name)
		devices.Unlock()
		AllowHostFallback(true)
	})
	return f
}

func TestToRoundTripAndCounts(t *testing.T) {
	withFakeDevice(t)
	x := New([]float32{1, -2, 3, 4.5, 5, 6}, 2, 3)
	d := x.To("fake:0")
	if d.Device() != "fake:0" || !d.OnDevice() || x.Device() != Host {
		t.Fatalf("devices: %s and %s", d.Device(), x.Device())
	}
	if d.To("fake:0") != d || x.To(Host) != x {
		t.Error("To the tensor's own device copies")
	}
	back := d.To(Host)
	for i, v := range x.Data() {
		if back.Data()[i] != v {
			t.Fatalf("round trip: %v, want %v", back.Data(), x.Data())
		}
	}
	if got := Sum(d, nil, false).Item(); got != 17.5 {
		t.Errorf("Sum on the device: %v", got)
	}
	s := Transfers()
	// x up; back down; Sum falls back (x down, result up); Item down.
	if s.Uploads != 1 || s.Downloads != 2 || s.FallbackCopies != 2 || s.Fallbacks["Reduce"] != 1 {
		t.Errorf("counts %+v", s)
	}
	if s.UploadElems != 6 || s.DownloadElems != 7 {
		t.Errorf("elements %+v", s)
	}
}

func TestDeviceTensorRefusesHostAccess(t *testing.T) {
	withFakeDevice(t)
	d := Ones(2, 2).To("fake:0")
	for name, f := range map[string]func(){
		"Data":     func() { d.Data() },
		"Borrow":   func() { d.Borrow() },
		"At":       func() { d.At(0, 0) },
		"Set":      func() { d.Set(1, 0, 0) },
		"Float64s": func() { d.Float64s() },
	} {
		mustPanic(t, name, f, "tensor."+name+": tensor [2 2] is on fake:0; copy it to the host with To(tensor.Host) first")
	}
	if s := d.String(); s != "Tensor[2 2][on fake:0]" {
		t.Errorf("String: %q", s)
	}
}

func TestMixedDevicesPanicNamingOpAndDevices(t *testing.T) {
	withFakeDevice(t)
	g := newFakeDevice("fake:1")
	RegisterDevice(g)
	defer func() { devices.Lock(); delete(devices.m, "fake:1"); devices.Unlock() }()
	h, d, e := Ones(2), Ones(2).To("fake:0"), Ones(2).To("fake:1")
	mustPanic(t, "host+device", func() { Add(h, d) }, "tensor.Add: operands on different devices (cpu, fake:0)")
	mustPanic(t, "device+device", func() { Mul(d, e) }, "tensor.Mul: operands on different devices (fake:0, fake:1)")
	mustPanic(t, "conv", func() { Conv2D(Ones(1, 1, 3, 3).To("fake:0"), Ones(1, 1, 2, 2), ConvParams{}) }, "tensor.Conv2D: operands on different devices (fake:0, cpu)")
	mustPanic(t, "unknown device", func() { h.To("cuda:7") }, `tensor.To: no device "cuda:7"`)
}

func TestKernelRunsWithoutFallbackAndFallbacksCanBeRefused(t *testing.T) {
	f := withFakeDevice(t)
	f.unary = true
	AllowHostFallback(false)
	d := New([]float32{-1, 2}, 2).To("fake:0")
	r := Relu(d)
	if s := Transfers(); s.FallbackCopies != 0 || len(s.Fallbacks) != 0 {
		t.Errorf("a kernel op fell back: %+v", s)
	}
	if got := r.To(Host).Data(); got[0] != 0 || got[1] != 2 {
		t.Errorf("Relu on the device: %v", got)
	}
	mustPanic(t, "fallback refused", func() { Exp(Add(d, d)) }, "tensor.Binary: fake:0 has no kernel for it (operands [2], [2]), and host fallbacks are off")
}

func TestReleaseFreesDeviceStorageOnce(t *testing.T) {
	f := withFakeDevice(t)
	d := Ones(3, 4).To("fake:0")
	v := d.Reshape(12)
	if d.StorageID() != v.StorageID() || !v.Recyclable() {
		t.Error("a view does not share its device storage")
	}
	if !Release(d) || Release(v) || f.frees != 1 || !v.Released() {
		t.Errorf("frees %d, released %v", f.frees, v.Released())
	}
	mustPanic(t, "use after release", func() { v.Buffer() }, "used after Release")

	mark := AllocMark()
	p := Ones(2).To("fake:0")
	if !p.AllocatedSince(mark) || d.AllocatedSince(mark) {
		t.Error("device storage has no allocation stamp")
	}
	p.Pin()
	if p.Recyclable() || Release(p) || f.frees != 1 {
		t.Error("a pinned device tensor was released")
	}
}

// TestEveryOpOnADevice runs each op on device operands (through the host
// fallback, the path every op has) and compares it with the host result
// bit for bit; results must stay on the device.
func TestEveryOpOnADevice(t *testing.T) {
	withFakeDevice(t)
	r := NewRNG(7)
	x4 := Uniform(r, -1, 1, 2, 3, 4, 5)
	w := Uniform(r, -1, 1, 4, 3, 3, 3)
	cp := ConvParams{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}
	y4 := Conv2D(x4, w, cp)
	pp := PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	m2 := Uniform(r, -1, 1, 3, 4)
	b3 := Uniform(r, -1, 1, 2, 4, 5)
	idx := NewIndices([]int{1, 0, 3, 2, 2, 1}, 3, 2)
	scale, shift := Uniform(r, 0.5, 1.5, 3), Uniform(r, -1, 1, 3)
	mean, variance := BatchNormStats(x4)
	invstd := Recip(Sqrt(AddScalar(variance, 1e-5)))
	cases := []struct {
		name string
		in   []*Tensor
		f    func(in []*Tensor) []*Tensor
	}{
		{"Exp", []*Tensor{m2}, func(v []*Tensor) []*Tensor { return one(Exp(v[0])) }},
		{"Add broadcast", []*Tensor{m2, Uniform(r, -1, 1, 4)}, func(v []*Tensor) []*Tensor { return one(Add(v[0], v[1])) }},
		{"Where", []*Tensor{GtScalar(m2, 0), m2, Neg(m2)}, func(v []*Tensor) []*Tensor { return one(Where(v[0], v[1], v[2])) }},
		{"Sum", []*Tensor{x4}, func(v []*Tensor) []*Tensor { return one(Sum(v[0], []int{0, 2}, false)) }},
		{"Max", []*Tensor{x4}, func(v []*Tensor) []*Tensor { return one(Max(v[0], []int{1}, true)) }},
		{"Mean", []*Tensor{x4}, func(v []*Tensor) []*Tensor { return one(Mean(v[0], nil, false)) }},
		{"ArgMax", []*Tensor{m2}, func(v []*Tensor) []*Tensor { return one(ArgMax(v[0], 1, false)) }},
		{"SumTo", []*Tensor{x4}, func(v []*Tensor) []*Tensor { return one(SumTo(v[0], []int{3, 1, 5})) }},
		{"BroadcastTo", []*Tensor{Uniform(r, -1, 1, 4, 1)}, func(v []*Tensor) []*Tensor { return one(BroadcastTo(v[0], []int{2, 4, 3})) }},
		{"MatMul", []*Tensor{b3, Uniform(r, -1, 1, 3, 5)}, func(v []*Tensor) []*Tensor { return one(MatMulT(v[0], v[1], false, true)) }},
		{"Conv2D", []*Tensor{x4, w}, func(v []*Tensor) []*Tensor { return one(Conv2D(v[0], v[1], cp)) }},
		{"Conv2DInputGrad", []*Tensor{y4, w}, func(v []*Tensor) []*Tensor { return one(Conv2DInputGrad(v[0], v[1], cp, x4.Shape())) }},
		{"Conv2DWeightGrad", []*Tensor{x4, y4}, func(v []*Tensor) []*Tensor { return one(Conv2DWeightGrad(v[0], v[1], cp, w.Shape())) }},
		{"MaxPool gather scatter", []*Tensor{y4}, func(v []*Tensor) []*Tensor {
			p, pi := MaxPool2DWithIndices(v[0], pp)
			return []*Tensor{p, PoolGather(Neg(v[0]), pi), PoolScatter(p, pi)}
		}},
		{"AvgPool", []*Tensor{y4}, func(v []*Tensor) []*Tensor {
			p := AvgPool2D(v[0], pp)
			return []*Tensor{p, AvgPool2DTranspose(p, pp, y4.Shape())}
		}},
		{"AdaptiveAvgPool", []*Tensor{y4}, func(v []*Tensor) []*Tensor {
			p := AdaptiveAvgPool2D(v[0], 2, 3)
			return []*Tensor{p, AdaptiveAvgPool2DTranspose(p, y4.Shape())}
		}},
		{"Relu family", []*Tensor{y4, Uniform(r, -1, 1, y4.Shape()...)}, func(v []*Tensor) []*Tensor {
			return []*Tensor{ReluBackward(v[1], Relu(v[0])), Relu6(MulScalar(v[0], 4)), Relu6Backward(v[1], v[0]), SiLU(v[0]), SiLUBackward(v[1], v[0])}
		}},
		{"AddBiasInPlace", []*Tensor{y4, Uniform(r, -1, 1, 4)}, func(v []*Tensor) []*Tensor {
			y := v[0].Clone()
			AddBiasInPlace(y, v[1], 1)
			return one(y)
		}},
		{"LogSoftmax", []*Tensor{m2}, func(v []*Tensor) []*Tensor { return one(LogSoftmax(v[0], 1)) }},
		{"BatchNorm", []*Tensor{x4, scale, shift, mean, invstd, y4}, func(v []*Tensor) []*Tensor {
			m, va := BatchNormStats(v[0])
			gx, gg, gb := BatchNormBackward(v[0], v[0], v[3], v[4], v[1])
			return []*Tensor{m, va, ChannelAffine(v[0], v[1], v[2]), gx, gg, gb}
		}},
		{"Gather ScatterAdd", []*Tensor{m2, Uniform(r, -1, 1, 3, 2)}, func(v []*Tensor) []*Tensor {
			return []*Tensor{Gather(v[0], 1, idx), ScatterAdd(v[0], 1, idx, v[1])}
		}},
		{"IndexSelect IndexAdd", []*Tensor{m2, Uniform(r, -1, 1, 3, 2)}, func(v []*Tensor) []*Tensor {
			return []*Tensor{IndexSelect(v[0], 1, []int{3, 1}), IndexAdd(v[0], 1, []int{0, 0}, v[1])}
		}},
		{"layout", []*Tensor{x4, m2}, func(v []*Tensor) []*Tensor {
			return []*Tensor{Permute(v[0], 2, 0, 3, 1), Transpose(v[1], 0, 1), Narrow(v[0], 3, 1, 3), Concat([]*Tensor{v[1], v[1]}, 0),
				Stack([]*Tensor{v[1], v[1]}, 1), Pad(v[1], [][2]int{{1, 0}, {2, 3}}, 0.5), Crop(v[1], [][2]int{{1, 1}}), v[0].Reshape(6, 20), v[1].Clone()}
		}},
		{"Resize", []*Tensor{x4}, func(v []*Tensor) []*Tensor {
			y := ResizeBilinear(v[0], 6, 7, false)
			return []*Tensor{y, ResizeBilinearTranspose(y, x4.Shape(), false)}
		}},
		{"CopyFrom ZerosLike", []*Tensor{m2}, func(v []*Tensor) []*Tensor {
			z := ZerosLike(v[0])
			z.CopyFrom(v[0])
			return []*Tensor{z, ZerosLike(v[0])}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := c.f(c.in)
			dev := make([]*Tensor, len(c.in))
			for i, x := range c.in {
				dev[i] = x.To("fake:0")
			}
			got := c.f(dev)
			for i := range want {
				if got[i].Device() != "fake:0" {
					t.Fatalf("result %d is on %s", i, got[i].Device())
				}
				h := got[i].To(Host)
				if !SameShape(h.Shape(), want[i].Shape()) {
					t.Fatalf("result %d: shape %v, want %v", i, h.Shape(), want[i].Shape())
				}
				for j, v := range want[i].Data() {
					if g := h.Data()[j]; math.Float32bits(g) != math.Float32bits(v) {
						t.Fatalf("result %d [%d]: %v, want %v", i, j, g, v)
					}
				}
			}
		})
	}
	if s := Transfers(); len(s.Fallbacks) < 30 {
		t.Errorf("only %d ops fell back: %v", len(s.Fallbacks), s.Fallbacks)
	}
	_ = strings.Contains
}

func one(t *Tensor) []*Tensor { return []*Tensor{t} }

func TestScopeReleasesWhatItDidNotKeep(t *testing.T) {
	f := withFakeDevice(t)
	w := Ones(3).To("fake:0") // before the scope: never collected
	outer := OpenScope()
	s := OpenScope()
	a := Exp(w)
	b := Add(a, w)
	c := Mul(b, b).Reshape(3, 1) // a view: kept by its storage
	pinned := Neg(w)
	pinned.Pin()
	host := Exp(Ones(2)) // host tensors are the collector's
	live := f.Live()
	if n := s.Close(c); n != 2 || f.Live() != live-2 || !a.Released() || !b.Released() || c.Released() || pinned.Released() || w.Released() {
		t.Fatalf("Close freed %d: a %v b %v c %v pinned %v w %v", n, a.Released(), b.Released(), c.Released(), pinned.Released(), w.Released())
	}
	mustPanic(t, "closed twice", func() { s.Close() }, "not the innermost open scope")
	if n := outer.Close(); n != 1 || !c.Released() { // c passed to the outer scope
		t.Errorf("outer Close freed %d, c released %v", n, c.Released())
	}
	_ = host.Data()
}

func TestBernoulliOnMatchesTheHostStream(t *testing.T) {
	withFakeDevice(t)
	for _, p := range []float64{0, 0.3, 0.5, 0.999, 1} {
		hr, dr := NewRNG(42), NewRNG(42)
		want := Bernoulli(hr, p, 3, 50)
		got := BernoulliOn("fake:0", dr, p, 3, 50).To(Host)
		for i, v := range want.Data() {
			if got.Data()[i] != v {
				t.Fatalf("p %v: element %d is %v, host %v", p, i, got.Data()[i], v)
			}
		}
		if hr.State() != dr.State() {
			t.Errorf("p %v: the stream is at %x, host at %x", p, dr.State(), hr.State())
		}
	}
	// The threshold form of the test agrees with Float64() < p at the edges.
	for _, p := range []float64{0.25, 1e-17, 0.5 + 1e-16} {
		tr := bernoulliThreshold(p)
		for _, u := range []uint64{tr - 1, tr, tr + 1} {
			if (float64(u)*(1.0/(1<<53)) < p) != (u < tr) {
				t.Errorf("p %v: u = %d disagrees with the threshold %d", p, u, tr)
			}
		}
	}
}
