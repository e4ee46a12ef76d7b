package backend

import (
	"math"
	"math/rand"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

const srDev tensor.Device = "cuda:sim-reduce-test"

// srSim registers a fresh simulated device under srDev for the test.
func srSim(t *testing.T) *Device {
	t.Helper()
	s, err := NewSim(srDev)
	if err != nil {
		t.Fatal(err)
	}
	tensor.RegisterDevice(s)
	t.Cleanup(func() { tensor.UnregisterDevice(srDev) })
	return s
}

// srData is random data with a few specials sprinkled in (where special).
func srData(rng *rand.Rand, n int, special bool) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64() * 3)
		if special && rng.Intn(17) == 0 {
			v[i] = []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)), 2.5, -2.5}[rng.Intn(7)]
		}
	}
	return v
}

func srAxes(reduce []bool) []int {
	axes := []int{}
	for i, r := range reduce {
		if r {
			axes = append(axes, i)
		}
	}
	return axes
}

func TestSimReduceAny(t *testing.T) {
	s := srSim(t)
	rng := rand.New(rand.NewSource(1))
	cases := []struct {
		shape  []int
		reduce []bool
	}{
		{[]int{4, 3, 5, 6}, []bool{true, false, true, true}}, // bias gradient of NCHW
		{[]int{37, 5}, []bool{true, false}},                  // bias gradient of [N,F]
		{[]int{4, 3, 5, 6}, []bool{false, true, false, true}},
		{[]int{4, 1, 5, 6}, []bool{true, true, false, false}},
		{[]int{2, 3, 4}, []bool{false, false, true}}, // trailing: Max/Min land here
		{[]int{2, 3, 4}, []bool{true, true, true}},
		{[]int{2, 1, 4}, []bool{false, true, false}},
		{[]int{7}, []bool{true}},
	}
	for _, special := range []bool{false, true} {
		for _, c := range cases {
			for _, op := range []tensor.ReduceOp{tensor.OpSum, tensor.OpMax, tensor.OpMin} {
				host := tensor.New(srData(rng, tensor.Numel(c.shape), special), c.shape...)
				f := map[tensor.ReduceOp]func(*tensor.Tensor, []int, bool) *tensor.Tensor{tensor.OpSum: tensor.Sum, tensor.OpMax: tensor.Max, tensor.OpMin: tensor.Min}[op]
				want := f(host, srAxes(c.reduce), true)
				abs := tensor.Sum(tensor.Abs(host), srAxes(c.reduce), true)
				live := s.Live()
				func() {
					x := host.To(srDev)
					out := tensor.Zeros(want.Shape()...).To(srDev)
					s.mu.Lock()
					ok := s.reduceAny(tensor.ReduceArgs{Op: op, Reduce: c.reduce}, x, out)
					s.mu.Unlock()
					if !ok {
						t.Fatalf("%v %v op %d: refused", c.shape, c.reduce, op)
					}
					got := out.To(tensor.Host).Data()
					w, bound := want.Data(), abs.Data()
					for i := range w {
						g := got[i]
						if op != tensor.OpSum {
							if math.Float32bits(g) != math.Float32bits(w[i]) && !(g != g && w[i] != w[i]) {
								t.Fatalf("%v %v op %d special %v: element %d is %v, want %v", c.shape, c.reduce, op, special, i, g, w[i])
							}
							continue
						}
						if g != g || w[i] != w[i] || math.IsInf(float64(w[i]), 0) {
							if !(g != g && w[i] != w[i]) && g != w[i] {
								t.Fatalf("%v %v sum: element %d is %v, want %v", c.shape, c.reduce, i, g, w[i])
							}
							continue
						}
						if d := math.Abs(float64(g) - float64(w[i])); !(d <= 1e-5*float64(bound[i])+1e-6) {
							t.Fatalf("%v %v sum: element %d is %.9g, want %.9g", c.shape, c.reduce, i, g, w[i])
						}
					}
				}()
				if s.Live() != live+2 { // x and out: reduceAny's table is freed
					t.Fatalf("%v %v op %d: %d buffers live, want %d", c.shape, c.reduce, op, s.Live(), live+2)
				}
			}
		}
	}
}

// TestSimReduceAnyMaxNaNBits: Max and Min keep the host's NaN (the last
// one met) and its choice among ±0, bit for bit.
func TestSimReduceAnyMaxNaNBits(t *testing.T) {
	s := srSim(t)
	nan1, nan2 := math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc00002)
	nz := float32(math.Copysign(0, -1))
	for _, data := range [][]float32{
		{1, nan1, 3, nan2, 2, 0, nz},
		{nz, 0, nz, 0, nz, 0, nz},
		{0, nz, 0, nz, 0, nz, 0},
		{float32(math.Inf(-1)), float32(math.Inf(1)), 1, 1, 1, 1, 1},
	} {
		host := tensor.New(data, 7, 1)
		for _, op := range []tensor.ReduceOp{tensor.OpMax, tensor.OpMin} {
			f := map[tensor.ReduceOp]func(*tensor.Tensor, []int, bool) *tensor.Tensor{tensor.OpMax: tensor.Max, tensor.OpMin: tensor.Min}[op]
			want := f(host, []int{0}, true).Data()
			x, out := host.To(srDev), tensor.Zeros(1, 1).To(srDev)
			s.mu.Lock()
			s.reduceAny(tensor.ReduceArgs{Op: op, Reduce: []bool{true, false}}, x, out)
			s.mu.Unlock()
			got := out.To(tensor.Host).Data()
			if math.Float32bits(got[0]) != math.Float32bits(want[0]) {
				t.Fatalf("%v op %d: %08x, want %08x", data, op, math.Float32bits(got[0]), math.Float32bits(want[0]))
			}
		}
	}
}

func TestSimArgMax(t *testing.T) {
	s := srSim(t)
	rng := rand.New(rand.NewSource(2))
	for _, shape := range [][]int{{5, 7, 3}, {9}, {2, 1, 4}, {3, 4, 1}} {
		for axis := range shape {
			data := srData(rng, tensor.Numel(shape), true)
			for i := range data { // ties: the first maximum wins
				if rng.Intn(5) == 0 {
					data[i] = 4
				}
			}
			host := tensor.New(data, shape...)
			want := tensor.ArgMax(host, axis, true)
			live := s.Live()
			x, out := host.To(srDev), tensor.Zeros(want.Shape()...).To(srDev)
			s.mu.Lock()
			ok := s.argMax(tensor.AxisArgs{Axis: axis}, x, out)
			s.mu.Unlock()
			if !ok {
				t.Fatalf("%v axis %d: refused", shape, axis)
			}
			got, w := out.To(tensor.Host).Data(), want.Data()
			for i := range w {
				if got[i] != w[i] {
					t.Fatalf("%v axis %d: element %d is %v, want %v", shape, axis, i, got[i], w[i])
				}
			}
			if s.Live() != live+2 { // x and out
				t.Fatalf("%v axis %d: %d buffers live, want %d", shape, axis, s.Live(), live+2)
			}
		}
	}
}
