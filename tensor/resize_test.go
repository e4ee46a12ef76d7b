package tensor

import (
	"math"
	"testing"
)

// resizeNaive is the textbook formula in float64, written independently of
// the taps: the plain reference the kernel is compared with.
func resizeNaive(x *Tensor, oh, ow int, alignCorners bool) []float64 {
	n, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	coord := func(o, in, out int) (int, int, float64) {
		var src float64
		switch {
		case alignCorners && out > 1:
			src = float64(o) * float64(in-1) / float64(out-1)
		case alignCorners:
			src = 0
		default:
			src = math.Max((float64(o)+0.5)*float64(in)/float64(out)-0.5, 0)
		}
		i0 := min(int(math.Floor(src)), in-1)
		return i0, min(i0+1, in-1), src - float64(i0)
	}
	out := make([]float64, 0, n*c*oh*ow)
	for p := 0; p < n*c; p++ {
		at := func(y, x0 int) float64 { return float64(x.data[p*h*w+y*w+x0]) }
		for oy := 0; oy < oh; oy++ {
			y0, y1, ly := coord(oy, h, oh)
			for ox := 0; ox < ow; ox++ {
				x0, x1, lx := coord(ox, w, ow)
				v := (1-ly)*((1-lx)*at(y0, x0)+lx*at(y0, x1)) + ly*((1-lx)*at(y1, x0)+lx*at(y1, x1))
				out = append(out, v)
			}
		}
	}
	return out
}

func TestResizeBilinearKnownValues(t *testing.T) {
	x := New([]float32{1, 2, 3, 4}, 1, 1, 2, 2)
	// torch.nn.functional.interpolate(x, size=(4, 4), mode="bilinear", align_corners=...)
	cases := []struct {
		align bool
		want  []float64
	}{
		{false, []float64{1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4}},
		{true, []float64{1, 4.0 / 3, 5.0 / 3, 2, 5.0 / 3, 2, 7.0 / 3, 8.0 / 3, 7.0 / 3, 8.0 / 3, 3, 10.0 / 3, 3, 10.0 / 3, 11.0 / 3, 4}},
	}
	for _, c := range cases {
		got := ResizeBilinear(x, 4, 4, c.align)
		for i, v := range got.data {
			if math.Abs(float64(v)-c.want[i]) > 1e-6 {
				t.Fatalf("align=%v: got %v, want %v", c.align, got.data, c.want)
			}
		}
	}
	// Halving with align_corners=False averages 2×2 blocks.
	y := ResizeBilinear(Arange(16).Reshape(1, 1, 4, 4), 2, 2, false)
	want := []float32{2.5, 4.5, 10.5, 12.5}
	for i, v := range y.data {
		if v != want[i] {
			t.Fatalf("downsample: got %v, want %v", y.data, want)
		}
	}
}

var resizeShapes = []struct{ h, w, oh, ow int }{
	{2, 2, 4, 4}, {3, 5, 7, 2}, {5, 4, 5, 9}, {1, 3, 4, 1}, {4, 4, 1, 1}, {6, 7, 3, 3}, {3, 3, 3, 3}, {1, 1, 5, 5},
}

func TestResizeBilinearMatchesNaive(t *testing.T) {
	r := NewRNG(1)
	for _, s := range resizeShapes {
		for _, align := range []bool{false, true} {
			x := Uniform(r, -1, 1, 2, 3, s.h, s.w)
			got := ResizeBilinear(x, s.oh, s.ow, align)
			if !SameShape(got.shape, []int{2, 3, s.oh, s.ow}) {
				t.Fatalf("shape %v", got.shape)
			}
			want := resizeNaive(x, s.oh, s.ow, align)
			for i, v := range got.data {
				if math.Abs(float64(v)-want[i]) > 1e-5 {
					t.Fatalf("%+v align=%v: element %d = %v, want %v", s, align, i, v, want[i])
				}
			}
		}
	}
}

// TestResizeBilinearTransposeIsAdjoint checks <R x, y> = <x, Rᵀ y>.
func TestResizeBilinearTransposeIsAdjoint(t *testing.T) {
	r := NewRNG(2)
	dot := func(a, b []float32) float64 {
		s := 0.0
		for i := range a {
			s += float64(a[i]) * float64(b[i])
		}
		return s
	}
	for _, s := range resizeShapes {
		for _, align := range []bool{false, true} {
			xs := []int{2, 3, s.h, s.w}
			x := Uniform(r, -1, 1, xs...)
			y := Uniform(r, -1, 1, 2, 3, s.oh, s.ow)
			lhs := dot(ResizeBilinear(x, s.oh, s.ow, align).data, y.data)
			gx := ResizeBilinearTranspose(y, xs, align)
			if !SameShape(gx.shape, xs) {
				t.Fatalf("transpose shape %v, want %v", gx.shape, xs)
			}
			rhs := dot(x.data, gx.data)
			if math.Abs(lhs-rhs) > 1e-4*(1+math.Abs(lhs)) {
				t.Fatalf("%+v align=%v: <Rx,y> = %v but <x,Rᵀy> = %v", s, align, lhs, rhs)
			}
		}
	}
}

func TestResizeBilinearPanicsOnBadShapes(t *testing.T) {
	for name, f := range map[string]func(){
		"3-d input":      func() { ResizeBilinear(Zeros(1, 2, 3), 2, 2, false) },
		"zero size":      func() { ResizeBilinear(Zeros(1, 1, 2, 2), 0, 2, false) },
		"batch mismatch": func() { ResizeBilinearTranspose(Zeros(1, 1, 2, 2), []int{2, 1, 3, 3}, false) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
