package devicetest

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

func TestFakeKernelAndFallback(t *testing.T) {
	f := New("fake:9")
	defer tensor.UnregisterDevice("fake:9")
	f.Kernels["Unary"] = func(f *Fake, op tensor.Op, in, out []*tensor.Tensor) {
		a := op.Args.(tensor.UnaryArgs)
		tensor.CPU{}.Unary(a.Op, a.P, f.Host(in[0]), f.Host(out[0]))
	}
	tensor.ResetTransfers()
	x := tensor.New([]float32{-1, 2, -3}, 3).To("fake:9")
	y := tensor.Add(tensor.Relu(x), x) // Relu has a kernel, Add falls back
	if got := y.To(tensor.Host).Data(); got[0] != -1 || got[1] != 4 || got[2] != -3 {
		t.Fatalf("values %v", got)
	}
	s := tensor.Transfers()
	if s.Fallbacks["Binary"] != 1 || s.Fallbacks["Unary"] != 0 || s.Uploads != 1 || s.Downloads != 1 {
		t.Errorf("counts %+v", s)
	}
	live := f.Live()
	tensor.Release(y)
	if f.Live() != live-1 || f.Frees() != 1 {
		t.Errorf("Release: live %d → %d, frees %d", live, f.Live(), f.Frees())
	}
}
