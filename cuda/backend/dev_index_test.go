package backend_test

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// onDeviceExact runs f on host operands and on device copies of them with
// host fallbacks refused, and checks that the device result is the host's
// bit for bit, that no op fell back, and that the op leaves no buffer
// behind once its result is released. inPlace says f returns its first
// operand (modified), not a new tensor. It returns the op's transfers.
func onDeviceExact(t *testing.T, s *backend.Device, name string, ops []*tensor.Tensor, inPlace bool, f func(v []*tensor.Tensor) *tensor.Tensor) tensor.TransferStats {
	t.Helper()
	hops := make([]*tensor.Tensor, len(ops))
	for i, o := range ops {
		hops[i] = o.Clone()
	}
	want := f(hops)
	dev := make([]*tensor.Tensor, len(ops))
	for i, o := range ops {
		dev[i] = up(o)
	}
	live := s.Live()
	launches := s.Launches()
	prev := tensor.AllowHostFallback(false)
	tensor.ResetTransfers()
	// In a scope, as a training step runs: its close frees what the op
	// made, and the device's per-step caches (uploaded indices).
	scope := tensor.OpenScope()
	got := f(dev)
	tr := tensor.Transfers()
	tensor.AllowHostFallback(prev)
	if len(tr.Fallbacks) != 0 || tr.FallbackCopies != 0 {
		t.Errorf("%s: fell back to the host: %+v", name, tr)
	}
	if s.Launches() == launches {
		t.Errorf("%s: no kernel launched", name)
	}
	h := got.To(tensor.Host)
	scope.Close()
	if s.Live() != live {
		t.Errorf("%s: %d device buffers live after the op, want %d", name, s.Live(), live)
	}
	for _, d := range dev {
		tensor.Release(d)
	}
	sameBits(t, name, h, want)
	return tr
}

func sameBits(t *testing.T, name string, got, want *tensor.Tensor) {
	t.Helper()
	if !tensor.SameShape(got.Shape(), want.Shape()) {
		t.Fatalf("%s: shape %v, want %v", name, got.Shape(), want.Shape())
	}
	g, w := got.Data(), want.Data()
	for i := range w {
		if math.Float32bits(g[i]) != math.Float32bits(w[i]) {
			t.Fatalf("%s [%d]: %v (%#08x), want %v (%#08x)", name, i, g[i], math.Float32bits(g[i]), w[i], math.Float32bits(w[i]))
		}
	}
}

// specials are values at the edges of relu's and relu6's bands.
func specials() []float32 {
	f := math.Float32frombits
	return []float32{
		f(0x7fc00000), f(0xffc00000), f(0x7f800001), f(0xff800001), // NaNs of both signs
		float32(math.Inf(1)), float32(math.Inf(-1)), 0, f(0x80000000),
		6, math.Nextafter32(6, 0), math.Nextafter32(6, 7), -6,
		f(1), f(0x80000001), 1, -1, math.MaxFloat32, -math.MaxFloat32,
	}
}

func withSpecials(r *tensor.RNG, shape ...int) *tensor.Tensor {
	x := tensor.Uniform(r, -8, 8, shape...)
	d := x.Data()
	for i, v := range specials() {
		d[(i*7)%len(d)] = v
	}
	return tensor.New(d, shape...)
}

func TestSimReluBackwardExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(11)
	for _, shape := range [][]int{{5, 7}, {2, 3, 4, 5}, {1}} {
		g, y := withSpecials(r, shape...), withSpecials(r, shape...)
		// every special against every special, too
		sp := specials()
		gs, ys := make([]float32, len(sp)*len(sp)), make([]float32, len(sp)*len(sp))
		for i := range sp {
			for j := range sp {
				gs[i*len(sp)+j], ys[i*len(sp)+j] = sp[i], sp[j]
			}
		}
		for _, ops := range [][]*tensor.Tensor{{g, y}, {tensor.New(gs, len(gs)), tensor.New(ys, len(ys))}} {
			onDeviceExact(t, s, "ReluBackward", ops, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.ReluBackward(v[0], v[1]) })
			onDeviceExact(t, s, "Relu6Backward", ops, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.Relu6Backward(v[0], v[1]) })
		}
	}
}

func TestSimAddBiasInPlaceExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(12)
	for _, c := range []struct {
		shape []int
		axis  int
	}{{[]int{2, 3, 4, 5}, 1}, {[]int{4, 7}, 1}, {[]int{3, 5}, 0}, {[]int{2, 3, 17}, 2}, {[]int{2, 3, 4, 5}, -1}, {[]int{6}, 0}} {
		a := c.axis
		if a < 0 {
			a += len(c.shape)
		}
		y, b := withSpecials(r, c.shape...), tensor.Uniform(r, -1, 1, c.shape[a])
		onDeviceExact(t, s, "AddBiasInPlace", []*tensor.Tensor{y, b}, true, func(v []*tensor.Tensor) *tensor.Tensor {
			tensor.AddBiasInPlace(v[0], v[1], c.axis)
			return v[0]
		})
	}
}

// TestSimPoolIndexExact: PoolGather and PoolScatter with indices from a
// device max pooling (overlapping windows and ties, so inputs are picked
// by several outputs) equal the host's with the host's indices.
func TestSimPoolIndexExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(13)
	for _, p := range []tensor.PoolParams{
		{KH: 2, KW: 2, StrideH: 2, StrideW: 2},
		{KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1},
		{KH: 3, KW: 2, StrideH: 2, StrideW: 1, PadH: 1},
	} {
		xh := tensor.Uniform(r, -3, 3, 2, 3, 7, 6)
		xd := xh.Data()
		for i := range xd {
			xd[i] = float32(math.Round(float64(xd[i]))) // ties
		}
		xh = tensor.New(xd, 2, 3, 7, 6)
		yh, pih := tensor.MaxPool2DWithIndices(xh, p)
		gh := tensor.Uniform(r, -1, 1, yh.Shape()...)
		zh := tensor.Uniform(r, -1, 1, xh.Shape()...)
		x := up(xh)
		y, pi := tensor.MaxPool2DWithIndices(x, p)
		g, z := up(gh), up(zh)
		live := s.Live()
		prev := tensor.AllowHostFallback(false)
		tensor.ResetTransfers()
		gathered := tensor.PoolGather(z, pi)
		scattered := tensor.PoolScatter(g, pi)
		tr := tensor.Transfers()
		tensor.AllowHostFallback(prev)
		if len(tr.Fallbacks) != 0 || tr.FallbackCopies != 0 {
			t.Errorf("pool index ops fell back to the host: %+v", tr)
		}
		hg, hs := gathered.To(tensor.Host), scattered.To(tensor.Host)
		tensor.Release(gathered)
		tensor.Release(scattered)
		if s.Live() != live {
			t.Errorf("%d device buffers live after the ops, want %d", s.Live(), live)
		}
		sameBits(t, "PoolGather", hg, tensor.PoolGather(zh, pih))
		sameBits(t, "PoolScatter", hs, tensor.PoolScatter(gh, pih))
		for _, d := range []*tensor.Tensor{x, y, g, z} {
			tensor.Release(d)
		}
		pi.Release()
	}
}

func TestSimGatherScatterAddExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(14)
	for _, c := range []struct {
		x    []int
		axis int
		n    int
	}{{[]int{3, 5, 4}, 1, 6}, {[]int{3, 5, 4}, 0, 7}, {[]int{3, 5, 4}, 2, 3}, {[]int{9}, 0, 20}, {[]int{2, 3}, 1, 1}} {
		is := append([]int(nil), c.x...)
		is[c.axis] = c.n
		data := make([]int, tensor.Numel(is))
		for i := range data {
			data[i] = r.Intn(c.x[c.axis]) // many repeats
		}
		idx := tensor.NewIndices(data, is...)
		x := tensor.Uniform(r, -1, 1, c.x...)
		src := tensor.Uniform(r, -1, 1, is...)
		tr := onDeviceExact(t, s, "Gather", []*tensor.Tensor{x}, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.Gather(v[0], c.axis, idx) })
		if tr.Uploads != 1 || tr.UploadElems != int64(len(data)) {
			t.Errorf("Gather's index upload: %d uploads of %d elements, want 1 of %d", tr.Uploads, tr.UploadElems, len(data))
		}
		tr = onDeviceExact(t, s, "ScatterAdd", []*tensor.Tensor{x, src}, false, func(v []*tensor.Tensor) *tensor.Tensor {
			return tensor.ScatterAdd(v[0], c.axis, idx, v[1])
		})
		if tr.Uploads != 1 || tr.UploadElems != int64(len(data)) {
			t.Errorf("ScatterAdd's index upload: %d uploads of %d elements, want 1 of %d", tr.Uploads, tr.UploadElems, len(data))
		}
	}
}

func TestSimBroadcastToExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(15)
	for _, c := range []struct{ x, out []int }{
		{[]int{1, 4, 1, 3}, []int{2, 4, 5, 3}}, // leading and middle axes
		{[]int{3}, []int{2, 3}},
		{[]int{4, 1}, []int{2, 4, 3}},
		{[]int{1}, []int{3, 2}},
		{[]int{2, 1, 3, 1, 2}, []int{3, 2, 4, 3, 5, 2}},
		{[]int{1, 2, 1, 2, 1, 2, 1}, []int{2, 2, 2, 2, 2, 2, 2}}, // seven axes fold to seven: past the kernel's rank
	} {
		x := tensor.Uniform(r, -1, 1, c.x...)
		want := tensor.BroadcastTo(x, c.out)
		if len(c.x) == 7 {
			// Folds to 7 axes, beyond the kernel: the host computes it.
			d := up(x)
			tensor.ResetTransfers()
			got := tensor.BroadcastTo(d, c.out)
			if tensor.Transfers().Fallbacks["BroadcastTo"] != 1 {
				t.Error("a broadcast folding to 7 axes did not fall back")
			}
			sameBits(t, "BroadcastTo (fallback)", got.To(tensor.Host), want)
			tensor.Release(got)
			tensor.Release(d)
			continue
		}
		onDeviceExact(t, s, "BroadcastTo", []*tensor.Tensor{x}, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.BroadcastTo(v[0], c.out) })
	}
}

// TestIndicesCrossOncePerScope: a list of host indices used by several ops
// in a scope is uploaded once; refilled in place, it is uploaded again (the
// cache compares values, not slices); the scope's close frees the copies.
func TestIndicesCrossOncePerScope(t *testing.T) {
	s := newSim(t)
	xh := tensor.Uniform(tensor.NewRNG(5), -1, 1, 4, 5)
	x := up(xh)
	labels := []int{1, 2, 3, 0}
	idx := tensor.NewIndices(labels, 4, 1)
	live := s.Live()
	tensor.AllowHostFallback(false)
	tensor.ResetTransfers()
	scope := tensor.OpenScope()
	tensor.Gather(x, 1, idx)
	tensor.ScatterAdd(x, 1, idx, tensor.Gather(x, 1, idx))
	if tr := tensor.Transfers(); tr.Uploads != 1 {
		t.Errorf("one list, three ops: %d uploads, want 1", tr.Uploads)
	}
	labels[0] = 4 // the caller refills its slice
	got := tensor.Gather(x, 1, idx).To(tensor.Host)
	if tr := tensor.Transfers(); tr.Uploads != 2 {
		t.Errorf("a refilled list was not uploaded again: %d uploads", tr.Uploads)
	}
	sameBits(t, "gather after the refill", got, tensor.Gather(xh, 1, idx))
	scope.Close()
	if s.Live() != live {
		t.Errorf("%d device buffers live after the scope, %d before", s.Live(), live)
	}
}
