package backend

import (
	"math"
	"math/rand"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// suData mixes normal values, a wide range of magnitudes (subnormals to
// near the float32 maximum) and the special values.
func suData(rng *rand.Rand, n int) []float32 {
	v := make([]float32, 0, n+32)
	v = append(v, 0, float32(math.Copysign(0, -1)), float32(math.NaN()), math.Float32frombits(0xffc00001),
		float32(math.Inf(1)), float32(math.Inf(-1)), 1, -1, 2, 0.5, 3, 1e-45, -1e-45, 1.2e-38, 3.4e38, -3.4e38,
		88.7, 88.8, -87.3, -103.9, -104.5, 0.29999, 0.3, 0.30001, -0.3, 1e-7, -1e-7, 0.7071, 1.4142, 1.0000001, 0.99999994, 2.5)
	for len(v) < cap(v) {
		switch rng.Intn(3) {
		case 0:
			v = append(v, float32(rng.NormFloat64()*4))
		case 1:
			x := float32(math.Exp(rng.Float64()*170 - 85))
			if rng.Intn(2) == 0 {
				x = -x
			}
			v = append(v, x)
		default:
			v = append(v, math.Float32frombits(rng.Uint32()))
		}
	}
	return v
}

func TestSimUnaryMore(t *testing.T) {
	s := srSim(t)
	rng := rand.New(rand.NewSource(3))
	data := suData(rng, 3000)
	host := tensor.New(data, len(data))
	exact := map[tensor.UnaryOp]bool{tensor.OpAbs: true, tensor.OpSign: true, tensor.OpGtScalar: true, tensor.OpLtScalar: true,
		tensor.OpClampMin: true, tensor.OpClampMax: true, tensor.OpRecip: true, tensor.OpSqrt: true}
	ops := []tensor.UnaryOp{tensor.OpAbs, tensor.OpSign, tensor.OpGtScalar, tensor.OpLtScalar, tensor.OpClampMin, tensor.OpClampMax,
		tensor.OpRecip, tensor.OpExp, tensor.OpLog, tensor.OpSqrt, tensor.OpSigmoid, tensor.OpTanh}
	for _, op := range ops {
		for _, p := range []float32{0, 0.5, -2, float32(math.NaN())} {
			if !exact[op] && p != 0 {
				continue
			}
			want := tensor.Unary(op, p, host).Data()
			live := s.Live()
			x, out := host.To(srDev), tensor.Zeros(len(data)).To(srDev)
			s.mu.Lock()
			ok := s.unaryMore(tensor.UnaryArgs{Op: op, P: p}, x, out)
			s.mu.Unlock()
			if !ok {
				t.Fatalf("op %d: refused", op)
			}
			got := out.To(tensor.Host).Data()
			for i, w := range want {
				g := got[i]
				if exact[op] {
					// √x<0's NaN bits are the host CPU's default NaN: NaN-ness only.
					sqrtNaN := op == tensor.OpSqrt && g != g && w != w
					if math.Float32bits(g) != math.Float32bits(w) && !sqrtNaN {
						t.Fatalf("op %d p %v x %v (%08x): got %v (%08x), want %v (%08x)", op, p, data[i], math.Float32bits(data[i]),
							g, math.Float32bits(g), w, math.Float32bits(w))
					}
					continue
				}
				if w != w || g != g || math.IsInf(float64(w), 0) {
					if !(w != w && g != g) && g != w {
						t.Fatalf("op %d x %v: got %v, want %v", op, data[i], g, w)
					}
					continue
				}
				if d := math.Abs(float64(g) - float64(w)); !(d <= 1e-5*math.Abs(float64(w))+1e-37) {
					t.Fatalf("op %d x %v (%08x): got %.9g, want %.9g (rel %.3g)", op, data[i], math.Float32bits(data[i]), g, w, d/math.Abs(float64(w)))
				}
			}
			if s.Live() != live+2 {
				t.Fatalf("op %d: %d buffers live, want %d", op, s.Live(), live+2)
			}
		}
	}
	x := host.To(srDev)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unaryMore(tensor.UnaryArgs{Op: tensor.OpPowScalar, P: 3}, x, x) {
		t.Fatal("PowScalar: accepted, has no kernel here")
	}
}
