package backend

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// device is a Memory as the device-resident path will hold one: buffers
// of other tensors already live in it (so the cores' operands are not its
// first buffers, and a stray write or free would show).
type device struct {
	t     *testing.T
	m     ptx.Memory
	other []ptx.Ptr
}

func newDevice(t *testing.T) *device {
	d := &device{t: t}
	d.other = []ptx.Ptr{d.m.AllocF32([]float32{1, 2, 3}), d.m.Alloc(5)}
	return d
}

func (d *device) up(v []float32) ptx.Ptr { return d.m.AllocF32(v) }

// run calls a core and checks that it ran, that it launched something,
// and that it left exactly the caller's buffers live.
func (d *device) run(be *Backend, name string, core func(m *ptx.Memory) bool) {
	d.t.Helper()
	live, launches := d.m.Live(), be.Launches()
	if !core(&d.m) {
		d.t.Fatalf("%s: the core declined", name)
	}
	if be.Launches() == launches {
		d.t.Fatalf("%s: the core launched nothing", name)
	}
	if got := d.m.Live(); got != live {
		d.t.Fatalf("%s: %d buffers live after the core, want the caller's %d", name, got, live)
	}
	if v := d.m.ReadF32(d.other[0]); v[0] != 1 || v[1] != 2 || v[2] != 3 {
		d.t.Fatalf("%s: another tensor's buffer changed: %v", name, v)
	}
}

// sameBits fails unless got and want are the same length and bits.
func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d elements, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: element %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

func newBackend(t *testing.T) *Backend {
	t.Helper()
	be, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return be
}

// TestCoresElementwiseAndReduce: unaryAt, binaryAt (dense and
// broadcast) and reduceAt (rows and everything) give the host wrappers'
// bits and leak no buffer.
func TestCoresElementwiseAndReduce(t *testing.T) {
	be, d := newBackend(t), newDevice(t)
	r := tensor.NewRNG(3)
	x := tensor.Normal(r, 0, 1, 2, 3, 4)
	x.Borrow()[5] = float32(math.NaN())
	v := tensor.Normal(r, 0, 1, 3, 1)
	px, pv := d.up(x.Borrow()), d.up(v.Borrow())

	po := d.m.Alloc(x.Len())
	d.run(be, "unaryAt", func(m *ptx.Memory) bool { return be.unaryAt(interp{m}, tensor.OpRelu, 0, po, px, x.Len()) })
	want := tensor.ZerosLike(x)
	be.Unary(tensor.OpRelu, 0, x, want)
	sameBits(t, "unaryAt", d.m.ReadF32(po), want.Borrow())

	for _, c := range []struct {
		name string
		b    *tensor.Tensor
		pb   ptx.Ptr
	}{{"dense", x, px}, {"broadcast", v, pv}} {
		d.run(be, "binaryAt "+c.name, func(m *ptx.Memory) bool {
			return be.binaryAt(interp{m}, tensor.OpSub, po, px, c.pb, x.Shape(), x.Shape(), c.b.Shape())
		})
		be.Binary(tensor.OpSub, x, c.b, want)
		sameBits(t, "binaryAt "+c.name, d.m.ReadF32(po), want.Borrow())
	}

	for _, c := range []struct {
		name   string
		reduce []bool
		out    []int
	}{{"rows", []bool{false, true, true}, []int{2, 1, 1}}, {"all", []bool{true, true, true}, []int{1, 1, 1}}} {
		want := tensor.Zeros(c.out...)
		po := d.m.Alloc(want.Len())
		d.run(be, "reduceAt "+c.name, func(m *ptx.Memory) bool {
			return be.reduceAt(interp{m}, tensor.OpSum, po, px, x.Shape(), c.reduce)
		})
		be.Reduce(tensor.OpSum, x, c.reduce, want)
		sameBits(t, "reduceAt "+c.name, d.m.ReadF32(po), want.Borrow())
	}
}

// TestCoreGemmOffsets runs gemmAt on operands inside larger buffers, at
// nonzero offsets and with padded leading dimensions, as a batched MatMul
// will, against Gemm on the matching host slices: C's rows match to the
// bit and everything around them (padding, other batches) is untouched.
func TestCoreGemmOffsets(t *testing.T) {
	be := newBackend(t)
	r := tensor.NewRNG(5)
	const m, n, k = 5, 6, 7
	for _, c := range []struct {
		transA, transB bool
		lda, ldb, ldc  int
		beta           float32
	}{
		{false, false, k, n, n, 0},              // dense operands: no packing
		{true, false, m + 2, n + 1, n + 3, 0.5}, // A packed, B strided, C padded
		{false, true, k + 1, k, n, -1},          // B packed
		{true, true, m, k + 2, n + 1, 0},
	} {
		aOff, bOff, cOff := 3, 11, 9
		a := tensor.Uniform(r, -1, 1, aOff+opSpan(c.transA, m, k, c.lda)+4).Borrow()
		b := tensor.Uniform(r, -1, 1, bOff+opSpan(c.transB, k, n, c.ldb)+2).Borrow()
		cv := tensor.Uniform(r, -1, 1, cOff+(m-1)*c.ldc+n+5).Borrow()
		want := append([]float32(nil), cv...)
		be.Gemm(c.transA, c.transB, m, n, k, 1.5, a[aOff:], c.lda, b[bOff:], c.ldb, c.beta, want[cOff:], c.ldc)

		d := newDevice(t)
		pa, pb, pc := d.up(a), d.up(b), d.up(cv)
		d.run(be, "gemmAt", func(mem *ptx.Memory) bool {
			return be.gemmAt(interp{mem}, c.transA, c.transB, m, n, k, 1.5, pa, aOff, c.lda, pb, bOff, c.ldb, c.beta, pc, cOff, c.ldc)
		})
		sameBits(t, "gemmAt", d.m.ReadF32(pc), want)
	}
}

// TestCoresConv: the three convolution cores, one image and several with
// groups (so the permutations' temporaries run), give the wrappers' bits
// and leak nothing.
func TestCoresConv(t *testing.T) {
	be := newBackend(t)
	r := tensor.NewRNG(9)
	for _, c := range []struct {
		x, w []int
		p    tensor.ConvParams
	}{
		{[]int{1, 2, 5, 4}, []int{3, 2, 2, 3}, tensor.ConvParams{PadH: 1, PadW: 1}},
		{[]int{2, 4, 6, 5}, []int{4, 2, 3, 2}, tensor.ConvParams{StrideH: 2, DilationW: 2, PadH: 1, Groups: 2}},
	} {
		p := c.p.Norm()
		ys := []int{c.x[0], c.w[0],
			tensor.ConvOutSize(c.x[2], c.w[2], p.StrideH, p.PadH, p.DilationH),
			tensor.ConvOutSize(c.x[3], c.w[3], p.StrideW, p.PadW, p.DilationW)}
		x, w, gy := tensor.Uniform(r, -1, 1, c.x...), tensor.Uniform(r, -1, 1, c.w...), tensor.Uniform(r, -1, 1, ys...)
		d := newDevice(t)
		px, pw, pgy := d.up(x.Borrow()), d.up(w.Borrow()), d.up(gy.Borrow())

		want := tensor.Zeros(ys...)
		be.Conv2D(x, w, p, want)
		py := d.m.Alloc(want.Len())
		d.run(be, "conv2DAt", func(m *ptx.Memory) bool { return be.conv2DAt(interp{m}, py, px, pw, c.x, c.w, ys, p) })
		sameBits(t, "conv2DAt", d.m.ReadF32(py), want.Borrow())

		want = tensor.Zeros(c.x...)
		be.Conv2DInputGrad(gy, w, p, want)
		pgx := d.m.Alloc(want.Len())
		d.run(be, "conv2DInputGradAt", func(m *ptx.Memory) bool {
			return be.conv2DInputGradAt(interp{m}, pgx, pgy, pw, c.x, c.w, ys, p)
		})
		sameBits(t, "conv2DInputGradAt", d.m.ReadF32(pgx), want.Borrow())

		want = tensor.Zeros(c.w...)
		be.Conv2DWeightGrad(x, gy, p, want)
		pgw := d.m.Alloc(want.Len())
		d.run(be, "conv2DWeightGradAt", func(m *ptx.Memory) bool {
			return be.conv2DWeightGradAt(interp{m}, pgw, px, pgy, c.x, c.w, ys, p)
		})
		sameBits(t, "conv2DWeightGradAt", d.m.ReadF32(pgw), want.Borrow())
	}
}

// TestCoresPool: each pooling core against its wrapper; the transposes add
// into what gx holds.
func TestCoresPool(t *testing.T) {
	be, d := newBackend(t), newDevice(t)
	r := tensor.NewRNG(13)
	p := tensor.PoolParams{KH: 3, KW: 2, StrideH: 2, StrideW: 1, PadH: 1, CeilMode: true}
	xs := []int{2, 2, 7, 5}
	ys := []int{2, 2, tensor.PoolOutSize(7, 3, 2, 1, true), tensor.PoolOutSize(5, 2, 1, 0, true)}
	as := []int{2, 2, 3, 4} // adaptive output
	x := tensor.Uniform(r, -2, 2, xs...)
	for i := range x.Borrow() {
		x.Borrow()[i] = float32(math.Round(float64(x.Borrow()[i]))) // ties for max pooling
	}
	gx0 := tensor.Uniform(r, -1, 1, xs...)
	gy, ga := tensor.Uniform(r, -1, 1, ys...), tensor.Uniform(r, -1, 1, as...)
	px, pgy, pga := d.up(x.Borrow()), d.up(gy.Borrow()), d.up(ga.Borrow())

	want, wantIdx := tensor.Zeros(ys...), make([]int32, tensor.Numel(ys))
	be.MaxPool2D(x, p, want, wantIdx)
	po, pi := d.m.Alloc(want.Len()), d.m.Alloc(want.Len())
	d.run(be, "maxPool2DAt", func(m *ptx.Memory) bool { return be.maxPool2DAt(interp{m}, po, pi, px, xs, ys, p) })
	sameBits(t, "maxPool2DAt", d.m.ReadF32(po), want.Borrow())
	for i, v := range d.m.ReadF32(pi) {
		if int32(v) != wantIdx[i] || float32(int32(v)) != v {
			t.Fatalf("maxPool2DAt: index %d is %v, want %d", i, v, wantIdx[i])
		}
	}

	be.AvgPool2D(x, p, want)
	d.run(be, "avgPool2DAt", func(m *ptx.Memory) bool { return be.avgPool2DAt(interp{m}, po, px, xs, ys, p) })
	sameBits(t, "avgPool2DAt", d.m.ReadF32(po), want.Borrow())

	want = tensor.New(append([]float32(nil), gx0.Borrow()...), xs...)
	be.AvgPool2DTranspose(gy, p, want)
	pgx := d.up(gx0.Borrow())
	d.run(be, "avgPool2DTransposeAt", func(m *ptx.Memory) bool { return be.avgPool2DTransposeAt(interp{m}, pgx, pgy, xs, ys, p) })
	sameBits(t, "avgPool2DTransposeAt", d.m.ReadF32(pgx), want.Borrow())

	want = tensor.Zeros(as...)
	be.AdaptiveAvgPool2D(x, want)
	pa := d.m.Alloc(want.Len())
	d.run(be, "adaptiveAvgPool2DAt", func(m *ptx.Memory) bool { return be.adaptiveAvgPool2DAt(interp{m}, pa, px, xs, as) })
	sameBits(t, "adaptiveAvgPool2DAt", d.m.ReadF32(pa), want.Borrow())

	want = tensor.New(append([]float32(nil), gx0.Borrow()...), xs...)
	be.AdaptiveAvgPool2DTranspose(ga, want)
	d.m.WriteF32(pgx, gx0.Borrow())
	d.run(be, "adaptiveAvgPool2DTransposeAt", func(m *ptx.Memory) bool {
		return be.adaptiveAvgPool2DTransposeAt(interp{m}, pgx, pga, xs, as)
	})
	sameBits(t, "adaptiveAvgPool2DTransposeAt", d.m.ReadF32(pgx), want.Borrow())
}

// TestCoresDecline: where a core has no kernel it returns false without
// launching or allocating, and its shape-only predicate says so first.
func TestCoresDecline(t *testing.T) {
	be, d := newBackend(t), newDevice(t)
	p := d.m.Alloc(24)
	live, launches := d.m.Live(), be.Launches()
	s3, s4 := []int{2, 3, 4}, []int{2, 3, 2, 2}
	pool := tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	cases := []struct {
		name     string
		ok, core bool
	}{
		{"unary exp", be.unaryOK(tensor.OpExp, 24), be.unaryAt(interp{&d.m}, tensor.OpExp, 0, p, p, 24)},
		{"unary empty", be.unaryOK(tensor.OpRelu, 0), be.unaryAt(interp{&d.m}, tensor.OpRelu, 0, p, p, 0)},
		{"binary div", be.binaryOK(tensor.OpDiv, s3, s3, s3), be.binaryAt(interp{&d.m}, tensor.OpDiv, p, p, p, s3, s3, s3)},
		{"binary four axes", be.binaryOK(tensor.OpAdd, []int{2, 3, 2, 2}, s4, []int{2, 1, 2, 1}),
			be.binaryAt(interp{&d.m}, tensor.OpAdd, p, p, p, s4, s4, []int{2, 1, 2, 1})},
		{"reduce max", reduceOK(tensor.OpMax, s3, []bool{false, false, true}),
			be.reduceAt(interp{&d.m}, tensor.OpMax, p, p, s3, []bool{false, false, true})},
		{"reduce leading axis", reduceOK(tensor.OpSum, s3, []bool{true, false, false}),
			be.reduceAt(interp{&d.m}, tensor.OpSum, p, p, s3, []bool{true, false, false})},
		{"gemm k=0", gemmOK(2, 3, 0, 3), be.gemmAt(interp{&d.m}, false, false, 2, 3, 0, 1, p, 0, 1, p, 0, 3, 0, p, 0, 3)},
		{"conv empty", convOK([]int{0, 1, 3, 3}, []int{1, 1, 2, 2}, []int{0, 1, 2, 2}, tensor.ConvParams{}.Norm()),
			be.conv2DAt(interp{&d.m}, p, p, p, []int{0, 1, 3, 3}, []int{1, 1, 2, 2}, []int{0, 1, 2, 2}, tensor.ConvParams{}.Norm())},
		{"max pool huge plane", maxPoolOK([]int{1, 1, 1 << 13, 1<<11 + 1}, []int{1, 1, 1 << 12, 1 << 10}, pool),
			be.maxPool2DAt(interp{&d.m}, p, p, p, []int{1, 1, 1 << 13, 1<<11 + 1}, []int{1, 1, 1 << 12, 1 << 10}, pool)},
		{"avg pool empty", poolOK([]int{0, 3, 2, 2}, []int{0, 3, 1, 1}, pool),
			be.avgPool2DAt(interp{&d.m}, p, p, []int{0, 3, 2, 2}, []int{0, 3, 1, 1}, pool)},
		{"adaptive empty", adaptiveOK([]int{2, 0, 2, 2}, []int{2, 0, 1, 1}),
			be.adaptiveAvgPool2DAt(interp{&d.m}, p, p, []int{2, 0, 2, 2}, []int{2, 0, 1, 1})},
	}
	for _, c := range cases {
		if c.ok || c.core {
			t.Errorf("%s: predicate %v, core %v, want both false", c.name, c.ok, c.core)
		}
	}
	if d.m.Live() != live || be.Launches() != launches {
		t.Fatalf("declining cores changed the device: %d live (want %d), %d launches (want %d)",
			d.m.Live(), live, be.Launches(), launches)
	}
}
