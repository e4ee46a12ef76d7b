package backend

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// recorder is an interpreter machine that notes each launched kernel's
// name, so a test can tell which path a core took.
type recorder struct {
	interp
	names []string
}

func (r *recorder) Launch(k *ptx.Kernel, grid, block ptx.Dim3, args ...any) error {
	r.names = append(r.names, k.Name())
	return r.interp.Launch(k, grid, block, args...)
}

// dwCase is a convolution geometry for the depthwise tests.
type dwCase struct {
	x, w []int
	p    tensor.ConvParams
}

func (c dwCase) shapes() (p tensor.ConvParams, ys []int) {
	p = c.p.Norm()
	return p, []int{c.x[0], c.w[0],
		tensor.ConvOutSize(c.x[2], c.w[2], p.StrideH, p.PadH, p.DilationH),
		tensor.ConvOutSize(c.x[3], c.w[3], p.StrideW, p.PadW, p.DilationW)}
}

// dwCases are depthwise geometries (cg == 1, groups == channels): the
// conformance suite's, stride 2 with padding, dilation 2 and a dilation
// that is no multiple of the stride, several images, channel multipliers,
// and a kernel wider than the input.
var dwCases = []dwCase{
	{[]int{2, 4, 7, 5}, []int{4, 1, 3, 3}, tensor.ConvParams{Groups: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1}},
	{[]int{3, 5, 8, 8}, []int{5, 1, 3, 3}, tensor.ConvParams{Groups: 5, PadH: 1, PadW: 1}},
	{[]int{2, 3, 9, 8}, []int{3, 1, 3, 3}, tensor.ConvParams{Groups: 3, StrideH: 2, StrideW: 2, PadH: 2, PadW: 2, DilationH: 2, DilationW: 2}},
	{[]int{3, 3, 9, 8}, []int{6, 1, 3, 3}, tensor.ConvParams{Groups: 3, StrideH: 2, StrideW: 1, PadH: 2, PadW: 1, DilationH: 2, DilationW: 2}},
	{[]int{2, 2, 11, 10}, []int{6, 1, 5, 3}, tensor.ConvParams{Groups: 2, StrideH: 3, StrideW: 2, PadH: 3, DilationH: 2, DilationW: 3}},
	{[]int{2, 4, 9, 7}, []int{4, 1, 3, 2}, tensor.ConvParams{Groups: 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 2, DilationH: 3, DilationW: 3}},
	{[]int{2, 2, 3, 3}, []int{4, 1, 5, 5}, tensor.ConvParams{Groups: 2, PadH: 2, PadW: 2}},
}

// dwFace runs one face's core on a recorder and returns its output and
// the kernels it launched; ref is the host reference's output on the same
// operands and bound its counterpart on their absolute values.
type dwFace struct {
	name       string
	got        []float32
	ref, bound []float32
	names      []string
}

func runDwFaces(t *testing.T, be *Backend, c dwCase, r *tensor.RNG) []dwFace {
	t.Helper()
	p, ys := c.shapes()
	x, w, gy := tensor.Uniform(r, -1, 1, c.x...), tensor.Uniform(r, -1, 1, c.w...), tensor.Uniform(r, -1, 1, ys...)
	abs := func(a *tensor.Tensor) *tensor.Tensor {
		b := a.Clone()
		for i, v := range b.Borrow() {
			b.Borrow()[i] = float32(math.Abs(float64(v)))
		}
		return b
	}
	host := tensor.CPU{}
	var faces []dwFace
	for _, f := range []struct {
		name  string
		shape []int
		host  func(a, b *tensor.Tensor, out *tensor.Tensor)
		a, b  *tensor.Tensor
		core  func(m machine, out, a, b ptx.Ptr) bool
	}{
		{"Conv2D", ys, func(a, b, o *tensor.Tensor) { host.Conv2D(a, b, p, o) }, x, w,
			func(m machine, out, a, b ptx.Ptr) bool { return be.conv2DAt(m, out, a, b, c.x, c.w, ys, p) }},
		{"Conv2DInputGrad", c.x, func(a, b, o *tensor.Tensor) { host.Conv2DInputGrad(a, b, p, o) }, gy, w,
			func(m machine, out, a, b ptx.Ptr) bool { return be.conv2DInputGradAt(m, out, a, b, c.x, c.w, ys, p) }},
		{"Conv2DWeightGrad", c.w, func(a, b, o *tensor.Tensor) { host.Conv2DWeightGrad(a, b, p, o) }, x, gy,
			func(m machine, out, a, b ptx.Ptr) bool { return be.conv2DWeightGradAt(m, out, a, b, c.x, c.w, ys, p) }},
	} {
		rec := &recorder{interp: interp{new(ptx.Memory)}}
		pa, pb := rec.AllocF32(f.a.Borrow()), rec.AllocF32(f.b.Borrow())
		n := 1
		for _, d := range f.shape {
			n *= d
		}
		out := rec.AllocF32(slices.Repeat([]float32{float32(math.NaN())}, n))
		live := rec.Live()
		if !f.core(rec, out, pa, pb) {
			t.Fatalf("%s %v: the core declined", f.name, c)
		}
		if rec.Live() != live {
			t.Fatalf("%s %v: %d buffers live after the core, want %d", f.name, c, rec.Live(), live)
		}
		ref, bound := tensor.Zeros(f.shape...), tensor.Zeros(f.shape...)
		f.host(f.a, f.b, ref)
		f.host(abs(f.a), abs(f.b), bound)
		faces = append(faces, dwFace{f.name, rec.ReadF32(out), ref.Borrow(), bound.Borrow(), rec.names})
	}
	return faces
}

// TestDepthwiseDirect: depthwise geometries run the direct kernels, one
// launch per face, and agree with the host reference within the
// conformance suite's sum tolerance. On amd64, where Go does not fuse the
// reference's multiply-adds, they are its values exactly (the kernels add
// in its order with rounded multiplies and adds).
func TestDepthwiseDirect(t *testing.T) {
	be := newBackend(t)
	r := tensor.NewRNG(41)
	want := map[string]string{
		"Conv2D": be.dw.fwd.Name(), "Conv2DInputGrad": be.dw.inGrad.Name(), "Conv2DWeightGrad": be.dw.wGrad.Name(),
	}
	for _, c := range dwCases {
		for _, f := range runDwFaces(t, be, c, r) {
			if len(f.names) != 1 || f.names[0] != want[f.name] {
				t.Fatalf("%s %v: launched %v, want the one kernel %s", f.name, c, f.names, want[f.name])
			}
			for i, v := range f.ref {
				g := f.got[i]
				if d := math.Abs(float64(g) - float64(v)); !(d <= 1e-5*math.Abs(float64(f.bound[i]))+1e-6) {
					t.Fatalf("%s %v: element %d is %.9g, want %.9g", f.name, c, i, g, v)
				}
				if runtime.GOARCH == "amd64" && g != v {
					t.Errorf("%s %v: element %d is %.9g, not the reference's %.9g", f.name, c, i, g, v)
				}
			}
		}
	}
}

// TestDepthwiseNotForOthers: grouped and dense convolutions with several
// channels per group, and a single-channel input (groups 1), keep the
// im2col path.
func TestDepthwiseNotForOthers(t *testing.T) {
	be := newBackend(t)
	r := tensor.NewRNG(43)
	for _, c := range []dwCase{
		{[]int{2, 4, 6, 6}, []int{6, 2, 3, 3}, tensor.ConvParams{Groups: 2, PadH: 1, PadW: 1}},
		{[]int{2, 3, 5, 5}, []int{3, 3, 3, 3}, tensor.ConvParams{StrideH: 2, StrideW: 2}},
		{[]int{1, 8, 5, 5}, []int{16, 2, 1, 1}, tensor.ConvParams{Groups: 4, StrideH: 2, StrideW: 2}},
		{[]int{2, 1, 6, 5}, []int{3, 1, 3, 2}, tensor.ConvParams{StrideH: 2, PadW: 1}},
	} {
		for _, f := range runDwFaces(t, be, c, r) {
			joined := strings.Join(f.names, " ")
			if strings.Contains(joined, "depthwise") || !strings.Contains(joined, "im2col") && !strings.Contains(joined, "col2im") {
				t.Fatalf("%s %v: launched %v, want the im2col path", f.name, c, f.names)
			}
			for i, v := range f.ref {
				if d := math.Abs(float64(f.got[i]) - float64(v)); !(d <= 1e-5*math.Abs(float64(f.bound[i]))+1e-6) {
					t.Fatalf("%s %v: element %d is %.9g, want %.9g", f.name, c, i, f.got[i], v)
				}
			}
		}
	}
}

// TestDepthwiseThroughWrappers: the Backend's host face (what the
// conformance suite calls) and the device's path reach the direct
// kernels: one launch per face for the conformance suite's depthwise case.
func TestDepthwiseThroughWrappers(t *testing.T) {
	be := newBackend(t)
	r := tensor.NewRNG(47)
	c := dwCases[0]
	p, ys := c.shapes()
	x, w, gy := tensor.Uniform(r, -1, 1, c.x...), tensor.Uniform(r, -1, 1, c.w...), tensor.Uniform(r, -1, 1, ys...)
	for _, f := range []func(){
		func() { be.Conv2D(x, w, p, tensor.Zeros(ys...)) },
		func() { be.Conv2DInputGrad(gy, w, p, tensor.Zeros(c.x...)) },
		func() { be.Conv2DWeightGrad(x, gy, p, tensor.Zeros(c.w...)) },
	} {
		before := be.Launches()
		f()
		if n := be.Launches() - before; n != 1 {
			t.Fatalf("%d launches, want the one depthwise kernel", n)
		}
	}
}
