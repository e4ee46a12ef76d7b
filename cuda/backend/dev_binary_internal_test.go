package backend

import (
	"math"
	"math/rand"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

const sbDev tensor.Device = "cuda:sim-binary-test"

func sbSim(t *testing.T) *Device {
	t.Helper()
	s, err := NewSim(sbDev)
	if err != nil {
		t.Fatal(err)
	}
	tensor.RegisterDevice(s)
	t.Cleanup(func() { tensor.UnregisterDevice(sbDev) })
	return s
}

// sbSpecials are the edge values every pair of which the ops meet.
var sbSpecials = []float32{
	float32(math.NaN()), math.Float32frombits(0xffc00001), float32(math.Inf(1)), float32(math.Inf(-1)),
	0, float32(math.Copysign(0, -1)), 1, -1, 2.5, -3, math.Float32frombits(1), math.MaxFloat32, 1e-38,
}

// sbRun runs op on the host and through binaryMore and compares bit for
// bit. Maximum and Minimum return an operand, NaN included, so their NaN
// bits must match too; an arithmetic NaN's payload is not specified (the
// host's own paths differ, a GPU returns its canonical NaN), so there any
// NaN matches any NaN.
func sbRun(t *testing.T, s *Device, op tensor.BinaryOp, a, b *tensor.Tensor) {
	t.Helper()
	want := tensor.Binary(op, a, b)
	live := s.Live()
	da, db := a.To(sbDev), b.To(sbDev)
	out := tensor.ZerosOn(sbDev, want.Shape()...)
	s.mu.Lock()
	ok := s.binaryMore(tensor.BinaryArgs{Op: op}, da, db, out)
	s.mu.Unlock()
	if !ok {
		t.Fatalf("%v %v %v: refused", op, a.Shape(), b.Shape())
	}
	got, w := out.To(tensor.Host).Data(), want.Data()
	for i := range w {
		arith := op == tensor.OpAdd || op == tensor.OpSub || op == tensor.OpMul || op == tensor.OpDiv
		if math.Float32bits(got[i]) != math.Float32bits(w[i]) && !(arith && got[i] != got[i] && w[i] != w[i]) {
			t.Fatalf("%v %v %v: element %d is %v (%08x), want %v (%08x)", op, a.Shape(), b.Shape(), i, got[i], math.Float32bits(got[i]), w[i], math.Float32bits(w[i]))
		}
	}
	for _, x := range []*tensor.Tensor{da, db, out} {
		tensor.Release(x)
	}
	if s.Live() != live {
		t.Fatalf("%v: %d buffers live, want %d", op, s.Live(), live)
	}
}

var sbOps = []tensor.BinaryOp{
	tensor.OpAdd, tensor.OpSub, tensor.OpMul, tensor.OpDiv,
	tensor.OpMaximum, tensor.OpMinimum, tensor.OpGt, tensor.OpGe, tensor.OpEq,
}

// TestSimBinaryMoreSpecials: every pair of edge values, same shape and
// each side broadcast, bitwise as the host.
func TestSimBinaryMoreSpecials(t *testing.T) {
	s := sbSim(t)
	n := len(sbSpecials)
	var as, bs []float32
	for _, x := range sbSpecials {
		for _, y := range sbSpecials {
			as, bs = append(as, x), append(bs, y)
		}
	}
	col := tensor.New(append([]float32(nil), sbSpecials...), n, 1)
	row := tensor.New(append([]float32(nil), sbSpecials...), 1, n)
	for _, op := range sbOps {
		sbRun(t, s, op, tensor.New(as, n, n), tensor.New(bs, n, n))
		sbRun(t, s, op, col, row)
		sbRun(t, s, op, row, col)
		sbRun(t, s, op, tensor.New(as, n, n), row)
		sbRun(t, s, op, col, tensor.New(bs, n, n))
	}
}

// TestSimBinaryMoreBroadcasts: broadcasts of every rank, including ones
// that do not fold into three axes, and scalars.
func TestSimBinaryMoreBroadcasts(t *testing.T) {
	s := sbSim(t)
	rng := rand.New(rand.NewSource(6))
	cases := [][2][]int{
		{{2, 1, 3, 1, 4}, {1, 5, 1, 2, 1}},       // five alternating axes
		{{2, 1, 3, 1, 2, 1}, {1, 4, 1, 2, 1, 3}}, // six
		{{4, 3, 5}, {5}},
		{{4, 3, 5}, {3, 1}},
		{{1}, {2, 3}},
		{{2, 3}, {}},
		{{}, {}},
		{{1, 1}, {1}},
		{{3, 1, 4}, {3, 1, 4}},
		{{6, 7}, {6, 7}},
	}
	for _, c := range cases {
		for _, op := range sbOps {
			a := tensor.New(srData(rng, tensor.Numel(c[0]), true), c[0]...)
			b := tensor.New(srData(rng, tensor.Numel(c[1]), true), c[1]...)
			for i, v := range b.Data() { // equal pairs for Eq and Ge
				if rng.Intn(4) == 0 && i < a.Len() {
					a.Data()[i] = v
				}
			}
			sbRun(t, s, op, a, b)
		}
	}
}

// TestSimBinaryMoreRefuses: Pow and empty tensors launch nothing.
func TestSimBinaryMoreRefuses(t *testing.T) {
	s := sbSim(t)
	launches := s.Launches()
	for _, c := range []struct {
		op   tensor.BinaryOp
		a, b []int
	}{
		{tensor.OpPow, []int{2, 3}, []int{2, 3}},
		{tensor.OpDiv, []int{0, 3}, []int{3}},
	} {
		a, b := tensor.Zeros(c.a...).To(sbDev), tensor.Zeros(c.b...).To(sbDev)
		out := tensor.ZerosOn(sbDev, tensor.Binary(c.op, tensor.Zeros(c.a...), tensor.Zeros(c.b...)).Shape()...)
		s.mu.Lock()
		ok := s.binaryMore(tensor.BinaryArgs{Op: c.op}, a, b, out)
		s.mu.Unlock()
		if ok {
			t.Fatalf("%v %v %v ran", c.op, c.a, c.b)
		}
		for _, x := range []*tensor.Tensor{a, b, out} {
			tensor.Release(x)
		}
	}
	if s.Launches() != launches || s.Live() != 0 {
		t.Fatalf("%d launches, %d buffers live", s.Launches()-launches, s.Live())
	}
}
