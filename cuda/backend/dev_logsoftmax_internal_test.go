package backend

import (
	"math"
	"math/rand"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

func TestSimLogSoftmax(t *testing.T) {
	s := srSim(t)
	rng := rand.New(rand.NewSource(4))
	for _, c := range []struct {
		shape []int
		axis  int
	}{{[]int{6, 10}, 1}, {[]int{3, 4, 5}, 1}, {[]int{2, 1000}, 1}, {[]int{7, 3}, 0}, {[]int{4, 1}, 1}} {
		data := make([]float32, tensor.Numel(c.shape))
		for i := range data {
			data[i] = float32(rng.NormFloat64() * 5)
		}
		if len(data) > 12 { // a row with a NaN, one with +Inf, one with -Inf
			data[0], data[len(data)-1], data[len(data)/2] = float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))
		}
		host := tensor.New(data, c.shape...)
		want := tensor.LogSoftmax(host, c.axis).Data()
		live := s.Live()
		x, out := host.To(srDev), tensor.Zeros(c.shape...).To(srDev)
		s.mu.Lock()
		ok := s.logSoftmax(tensor.AxisArgs{Axis: c.axis}, x, out)
		s.mu.Unlock()
		if !ok {
			t.Fatalf("%v axis %d: refused", c.shape, c.axis)
		}
		got := out.To(tensor.Host).Data()
		for i, w := range want {
			g := got[i]
			if w != w || g != g || math.IsInf(float64(w), 0) {
				if !(w != w && g != g) && g != w {
					t.Fatalf("%v axis %d: element %d is %v, want %v", c.shape, c.axis, i, g, w)
				}
				continue
			}
			if d := math.Abs(float64(g) - float64(w)); !(d <= 1e-5*math.Abs(float64(w))+1e-5) {
				t.Fatalf("%v axis %d: element %d is %.9g, want %.9g", c.shape, c.axis, i, g, w)
			}
		}
		if s.Live() != live+2 {
			t.Fatalf("%v: %d buffers live, want %d", c.shape, s.Live(), live+2)
		}
	}
}
