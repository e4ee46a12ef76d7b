package backend_test

import (
	"math"
	"os"
	"sync"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/conformance"
)

// newSim registers the device the tests run on as "cuda:0": the
// simulated one, or with MODELDOCTOR_CUDA=1 (cuda/gpucheck.sh) GPU 0, so
// that every device test here runs on the hardware too.
func newSim(t *testing.T) *backend.Device {
	t.Helper()
	var s *backend.Device
	var err error
	if os.Getenv("MODELDOCTOR_CUDA") == "1" {
		s, err = sharedGPU() // one context for the whole run
	} else {
		s, err = backend.NewSim("cuda:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	tensor.RegisterDevice(s)
	tensor.ResetTransfers()
	t.Cleanup(func() {
		tensor.UnregisterDevice("cuda:0")
		tensor.AllowHostFallback(true)
	})
	return s
}

// viaDevice is a tensor.Backend that runs every op through tensor's
// device path on the simulated device: operands uploaded, the tensor op called on device
// tensors (kernels, or counted host fallbacks), the result downloaded. The
// conformance suite run on it checks the device-resident path end to end.
type viaDevice struct {
	tensor.CPU
	s *backend.Device
}

func up(x *tensor.Tensor) *tensor.Tensor { return x.To("cuda:0") }
func down(out, y *tensor.Tensor)         { copy(out.Borrow(), y.To(tensor.Host).Data()) }

func (v viaDevice) Unary(op tensor.UnaryOp, p float32, x, out *tensor.Tensor) {
	down(out, tensor.Unary(op, p, up(x)))
}
func (v viaDevice) Binary(op tensor.BinaryOp, a, b, out *tensor.Tensor) {
	down(out, tensor.Binary(op, up(a), up(b)))
}
func (v viaDevice) Reduce(op tensor.ReduceOp, x *tensor.Tensor, reduce []bool, out *tensor.Tensor) {
	var axes []int
	for i, r := range reduce {
		if r {
			axes = append(axes, i)
		}
	}
	if axes == nil {
		axes = []int{} // nil would mean every axis
	}
	f := map[tensor.ReduceOp]func(*tensor.Tensor, []int, bool) *tensor.Tensor{tensor.OpSum: tensor.Sum, tensor.OpMax: tensor.Max, tensor.OpMin: tensor.Min}[op]
	down(out, f(up(x), axes, true))
}
func (v viaDevice) Gemm(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	da, db, dc := up(tensor.New(a, len(a))), up(tensor.New(b, len(b))), up(tensor.New(c, len(c)))
	if !v.s.Gemm(ta, tb, m, n, k, alpha, da, lda, db, ldb, beta, dc, ldc) {
		v.CPU.Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	copy(c, dc.To(tensor.Host).Data())
}
func (v viaDevice) Conv2D(x, w *tensor.Tensor, p tensor.ConvParams, out *tensor.Tensor) {
	down(out, tensor.Conv2D(up(x), up(w), p))
}
func (v viaDevice) Conv2DInputGrad(gy, w *tensor.Tensor, p tensor.ConvParams, gx *tensor.Tensor) {
	down(gx, tensor.Conv2DInputGrad(up(gy), up(w), p, gx.Shape()))
}
func (v viaDevice) Conv2DWeightGrad(x, gy *tensor.Tensor, p tensor.ConvParams, gw *tensor.Tensor) {
	down(gw, tensor.Conv2DWeightGrad(up(x), up(gy), p, gw.Shape()))
}
func (v viaDevice) MaxPool2D(x *tensor.Tensor, p tensor.PoolParams, out *tensor.Tensor, idx []int32) {
	y, pi := tensor.MaxPool2DWithIndices(up(x), p)
	down(out, y)
	for i, f := range pi.Tensor().To(tensor.Host).Data() {
		idx[i] = int32(f)
	}
}
func (v viaDevice) AvgPool2D(x *tensor.Tensor, p tensor.PoolParams, out *tensor.Tensor) {
	down(out, tensor.AvgPool2D(up(x), p))
}

// AvgPool2DTranspose and its adaptive twin add into gx (the suite may
// hand in a non-zero one), so the device result is added on the host.
func (v viaDevice) AvgPool2DTranspose(gy *tensor.Tensor, p tensor.PoolParams, gx *tensor.Tensor) {
	addDown(gx, tensor.AvgPool2DTranspose(up(gy), p, gx.Shape()))
}
func (v viaDevice) AdaptiveAvgPool2D(x, out *tensor.Tensor) {
	down(out, tensor.AdaptiveAvgPool2D(up(x), out.Dim(2), out.Dim(3)))
}
func (v viaDevice) AdaptiveAvgPool2DTranspose(gy, gx *tensor.Tensor) {
	addDown(gx, tensor.AdaptiveAvgPool2DTranspose(up(gy), gx.Shape()))
}

func addDown(gx, y *tensor.Tensor) {
	g := gx.Borrow()
	for i, v := range y.To(tensor.Host).Data() {
		g[i] += v
	}
}

// TestSimConformance runs the backend suite through the device path.
func TestSimConformance(t *testing.T) {
	s := newSim(t)
	conformance.Run(t, viaDevice{s: s})
	if s.Launches() == 0 {
		t.Error("no kernel ran on the device")
	}
}

// TestSimKeepsAStepOnTheDevice: a forward and backward chain of ops that
// all have kernels runs with host fallbacks refused, copies only the
// explicit upload and read-back, and frees what it releases.
func TestSimKeepsAStepOnTheDevice(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(3)
	xh, wh := tensor.Uniform(r, -1, 1, 2, 3, 8, 8), tensor.Uniform(r, -1, 1, 4, 3, 3, 3)
	fc := tensor.Uniform(r, -1, 1, 5, 4*4*4)
	cp := tensor.ConvParams{StrideH: 1, StrideW: 1, PadH: 1, PadW: 1}
	pp := tensor.PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	step := func(x, w, fc *tensor.Tensor) (float32, []*tensor.Tensor) {
		// Device memory has no finalizers: every intermediate is released.
		var tmp []*tensor.Tensor
		keep := func(t *tensor.Tensor) *tensor.Tensor { tmp = append(tmp, t); return t }
		y := keep(tensor.Relu(keep(tensor.Conv2D(x, w, cp))))
		p, pi := tensor.MaxPool2DWithIndices(y, pp)
		keep(p)
		flat := p.Reshape(2, -1)
		logits := keep(tensor.MatMulT(flat, fc, false, true))
		loss := keep(tensor.Sum(keep(tensor.Square(logits)), nil, false)).Item()
		gl := keep(tensor.MulScalar(logits, 2))
		gfc := tensor.MatMulT(gl, flat, true, false)
		gp := keep(tensor.MatMul(gl, fc)).Reshape(p.Shape()...)
		gy := keep(tensor.Mul(keep(tensor.AvgPool2DTranspose(gp, pp, y.Shape())), y))
		gw := tensor.Conv2DWeightGrad(x, gy, cp, w.Shape())
		gx := tensor.Conv2DInputGrad(gy, w, cp, x.Shape())
		pi.Release()
		for _, t := range tmp {
			tensor.Release(t)
		}
		return loss, []*tensor.Tensor{gfc, gw, gx}
	}
	wantLoss, want := step(xh, wh, fc)
	x, w, f := up(xh), up(wh), up(fc)
	live := s.Live()
	tensor.AllowHostFallback(false)
	tensor.ResetTransfers()
	loss, got := step(x, w, f)
	tr := tensor.Transfers()
	if tr.Uploads != 0 || tr.Downloads != 1 || tr.FallbackCopies != 0 {
		t.Errorf("a step on the device copied more than its loss: %+v", tr)
	}
	if s.Live() != live+len(got) {
		t.Errorf("%d buffers live after the step, want the %d before and its %d results (temporaries leak)", s.Live(), live, len(got))
	}
	if math.Abs(float64(loss-wantLoss)) > 1e-4*math.Abs(float64(wantLoss)) {
		t.Errorf("loss %v, want %v", loss, wantLoss)
	}
	for i := range want {
		g, w := got[i].To(tensor.Host).Data(), want[i].Data()
		for j := range w {
			if d := math.Abs(float64(g[j] - w[j])); d > 1e-4*(1+math.Abs(float64(w[j]))) {
				t.Fatalf("result %d [%d]: %v, want %v", i, j, g[j], w[j])
			}
		}
	}
}

// TestSimPowScalar: the powers the host computes without math.Pow run on
// kernels, bit for bit; others fall back.
func TestSimPowScalar(t *testing.T) {
	newSim(t)
	x := tensor.New([]float32{-3, -0.5, 0, 0.25, 2, 1e30, float32(math.Inf(1)), 7e-39}, 8)
	d := up(x)
	tensor.AllowHostFallback(false)
	for _, p := range []float32{2, 1, 0.5} {
		want, got := tensor.PowScalar(x, p).Data(), tensor.PowScalar(d, p).To(tensor.Host).Data()
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
				t.Errorf("x^%v at %v: %v, host %v", p, x.Data()[i], got[i], want[i])
			}
		}
	}
	tensor.AllowHostFallback(true)
	tensor.PowScalar(d, 3)
	if tensor.Transfers().Fallbacks["Unary"] != 1 {
		t.Errorf("x^3 did not fall back: %v", tensor.Transfers().Fallbacks)
	}
}

// sharedGPU opens GPU 0 once per test process: a CUDA context costs
// memory and time, and the tests only need fresh registrations.
var sharedGPU = sync.OnceValues(func() (*backend.Device, error) { return backend.NewGPU("cuda:0", 0) })
