package tensor

import (
	"fmt"
	"math"
	"testing"
)

// Tests of the fused kernels (fused.go), the branch-free 2×2 max pooling
// and the pooling gather/scatter pair, each against the package's plain
// ops or loops written here.

// specials returns values of the awkward kinds: signed zeros, infinities,
// NaNs of both signs, denormals, and ordinary numbers of both signs.
func specials(r *RNG, n int) *Tensor {
	negNaN := math.Float32frombits(0xffc00000)
	pool := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), negNaN, 1e-40, -1e-40, 3, -3, 2, 2}
	t := Zeros(n)
	for i := range t.data {
		t.data[i] = pool[r.Intn(len(pool))]
	}
	return t
}

func TestReluBackwardMasksByOutput(t *testing.T) {
	r := NewRNG(1)
	for _, n := range []int{1, 7, 1000, 70000} {
		x := specials(r, n)
		if n > 16 {
			x = Uniform(r, -1, 1, n)
			copy(x.data, specials(r, 16).data)
		}
		y := Relu(x)
		g := Uniform(r, -2, 2, n)
		got := ReluBackward(g, y)
		for i, yv := range y.data {
			want := float32(0)
			if yv > 0 {
				want = g.data[i]
			}
			if got.data[i] != want {
				t.Fatalf("n=%d: element %d (y=%v): %v, want %v", n, i, yv, got.data[i], want)
			}
		}
	}
}

func TestRelu6AndItsBackward(t *testing.T) {
	r := NewRNG(9)
	x := specials(r, 300)
	for i := 0; i < 100; i++ {
		x.data[i] = float32(r.Float64()*16 - 5) // around both kinks
	}
	x.data[100], x.data[101], x.data[102] = 6, math.Nextafter32(6, 7), math.Nextafter32(6, 0)
	y := Relu6(x)
	g := Uniform(r, -2, 2, 300)
	gb := Relu6Backward(g, y)
	for i, v := range x.data {
		w, wantGrad := y.data[i], float32(0)
		switch {
		case v != v && math.Float32bits(v)>>31 == 0:
			if w == w {
				t.Errorf("relu6(%v) = %v, want NaN", v, w)
			}
		case !(v > 0):
			if math.Float32bits(w) != 0 {
				t.Errorf("relu6(%v) = %v (bits %#x), want +0", v, w, math.Float32bits(w))
			}
		case v >= 6:
			if w != 6 {
				t.Errorf("relu6(%v) = %v, want 6", v, w)
			}
		default:
			if w != v {
				t.Errorf("relu6(%v) = %v", v, w)
			}
			wantGrad = g.data[i]
		}
		if v != v {
			wantGrad = 0
		}
		if gb.data[i] != wantGrad {
			t.Errorf("relu6 backward at x=%v (y=%v): %v, want %v", v, w, gb.data[i], wantGrad)
		}
	}
}

func TestReluBits(t *testing.T) {
	x := specials(NewRNG(2), 200)
	y := Relu(x)
	for i, v := range x.data {
		w := y.data[i]
		switch {
		case v != v && math.Float32bits(v)>>31 == 0:
			if w == w {
				t.Errorf("relu(%v) = %v, want NaN (positive NaNs pass, as in torch.relu)", v, w)
			}
		case !(v > 0):
			if math.Float32bits(w) != 0 {
				t.Errorf("relu(%v) = %v (bits %#x), want +0", v, w, math.Float32bits(w))
			}
		case w != v:
			t.Errorf("relu(%v) = %v", v, w)
		}
	}
}

func TestAddBiasInPlaceMatchesAdd(t *testing.T) {
	r := NewRNG(3)
	for _, shape := range [][]int{{4, 3, 5, 6}, {2, 7}, {3, 130}, {1, 2, 1, 1}, {64, 10}} {
		y := randT(r, shape...)
		b := randT(r, shape[1])
		bs := make([]int, len(shape))
		for i := range bs {
			bs[i] = 1
		}
		bs[1] = shape[1]
		want := Add(y, b.Reshape(bs...))
		AddBiasInPlace(y, b, 1)
		assertExact(t, fmt.Sprint(shape), y.data, want.data)
	}
}

func TestLogSoftmaxMatchesComposition(t *testing.T) {
	r := NewRNG(4)
	for _, c := range []struct {
		shape []int
		axis  int
	}{{[]int{5, 7}, 1}, {[]int{5, 7}, 0}, {[]int{2, 3, 4}, 1}, {[]int{64, 10}, -1}} {
		x := MulScalar(randT(r, c.shape...), 5)
		m := Max(x, []int{c.axis}, true)
		y := Sub(x, m)
		want := Sub(y, Log(Sum(Exp(y), []int{c.axis}, true)))
		got := LogSoftmax(x, c.axis)
		w := make([]float64, len(want.data))
		for i, v := range want.data {
			w[i] = float64(v)
		}
		assertClose(t, fmt.Sprint(c.shape, c.axis), got.data, w, 1e-6, 1e-6)
	}
}

// bnReference computes batch norm's statistics and gradients in float64
// the long way.
func bnReference(x, g, gamma *Tensor) (mean, variance, gx, ggamma, gbeta []float64) {
	n, c, inner := channelGeom("ref", x)
	m := float64(n * inner)
	mean, variance = make([]float64, c), make([]float64, c)
	ggamma, gbeta = make([]float64, c), make([]float64, c)
	gx = make([]float64, len(x.data))
	at := func(i, ch, k int) int { return (i*c+ch)*inner + k }
	for ch := 0; ch < c; ch++ {
		for i := 0; i < n; i++ {
			for k := 0; k < inner; k++ {
				mean[ch] += float64(x.data[at(i, ch, k)])
			}
		}
		mean[ch] /= m
		for i := 0; i < n; i++ {
			for k := 0; k < inner; k++ {
				d := float64(x.data[at(i, ch, k)]) - mean[ch]
				variance[ch] += d * d
			}
		}
		variance[ch] /= m
		is := 1 / math.Sqrt(variance[ch]+1e-5)
		for i := 0; i < n; i++ {
			for k := 0; k < inner; k++ {
				xh := (float64(x.data[at(i, ch, k)]) - mean[ch]) * is
				gv := float64(g.data[at(i, ch, k)])
				gbeta[ch] += gv
				ggamma[ch] += gv * xh
			}
		}
		gm := float64(gamma.data[ch])
		for i := 0; i < n; i++ {
			for k := 0; k < inner; k++ {
				p := at(i, ch, k)
				xh := (float64(x.data[p]) - mean[ch]) * is
				gx[p] = gm * is * (float64(g.data[p]) - gbeta[ch]/m - xh*ggamma[ch]/m)
			}
		}
	}
	return
}

func TestBatchNormKernels(t *testing.T) {
	r := NewRNG(5)
	for _, shape := range [][]int{{4, 3, 5, 6}, {6, 5}, {2, 8, 7, 9}} {
		x := AddScalar(MulScalar(randT(r, shape...), 3), 2)
		g := randT(r, shape...)
		gamma := Uniform(r, 0.5, 1.5, shape[1])
		wm, wv, wgx, wgg, wgb := bnReference(x, g, gamma)
		mean, variance := BatchNormStats(x)
		assertClose(t, "mean", mean.data, wm, 1e-6, 1e-6)
		assertClose(t, "variance", variance.data, wv, 1e-6, 1e-6)
		invstd := Recip(Sqrt(AddScalar(variance, 1e-5)))
		gx, gg, gb := BatchNormBackward(x, g, mean, invstd, gamma)
		assertClose(t, "gx", gx.data, wgx, 1e-4, 1e-5)
		assertClose(t, "ggamma", gg.data, wgg, 1e-5, 1e-5)
		assertClose(t, "gbeta", gb.data, wgb, 1e-6, 1e-6)
		// ChannelAffine with the folded scale and shift normalises.
		scale := Mul(invstd, gamma)
		y := ChannelAffine(x, scale, Neg(Mul(mean, scale)))
		ym, yv := BatchNormStats(y)
		for ch := range ym.data {
			if math.Abs(float64(ym.data[ch])) > 1e-5 || math.Abs(float64(yv.data[ch])-float64(gamma.data[ch]*gamma.data[ch])) > 1e-3 {
				t.Errorf("%v channel %d: normalised mean %v, variance %v (want 0, γ² = %v)", shape, ch, ym.data[ch], yv.data[ch], gamma.data[ch]*gamma.data[ch])
			}
		}
	}
}

// TestMaxPool2x2Exact runs the branch-free 2×2 pooling on values with
// ties, signed zeros, infinities and NaNs, and on all-positive data (its
// shortest path), against the reference scan.
func TestMaxPool2x2Exact(t *testing.T) {
	r := NewRNG(6)
	p := PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
	for _, gen := range []func(n int) *Tensor{
		func(n int) *Tensor { return specials(r, n) },
		func(n int) *Tensor { return Uniform(r, 0, 1, n) },
		func(n int) *Tensor { return quantized(r, n) },
		func(n int) *Tensor { return Relu(quantized(r, n)) },
	} {
		for _, s := range [][4]int{{2, 3, 6, 8}, {1, 2, 7, 5}, {3, 4, 24, 24}} {
			x := gen(s[0] * s[1] * s[2] * s[3]).Reshape(s[:]...)
			got, idx := MaxPool2D(x, p)
			want, wantIdx := scan2x2(x)
			for i := range want {
				g, w := got.data[i], want[i]
				if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) || idx.Data[i] != wantIdx[i] {
					t.Fatalf("%v: output %d is %v at %d, want %v at %d", s, i, g, idx.Data[i], w, wantIdx[i])
				}
			}
		}
	}
}

// scan2x2 is the general loop's rule for 2×2 windows: the first maximum
// in scan order, except that a NaN always takes over (the last one wins).
func scan2x2(x *Tensor) ([]float32, []int) {
	n, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	ho, wo := h/2, w/2
	out, idx := make([]float32, n*c*ho*wo), make([]int, n*c*ho*wo)
	for pl := 0; pl < n*c; pl++ {
		for oy := 0; oy < ho; oy++ {
			for ox := 0; ox < wo; ox++ {
				best, bi := float32(math.Inf(-1)), 2*oy*w+2*ox
				for _, k := range []int{2*oy*w + 2*ox, 2*oy*w + 2*ox + 1, (2*oy+1)*w + 2*ox, (2*oy+1)*w + 2*ox + 1} {
					if v := x.data[pl*h*w+k]; v > best || v != v {
						best, bi = v, k
					}
				}
				o := (pl*ho+oy)*wo + ox
				out[o], idx[o] = best, bi
			}
		}
	}
	return out, idx
}

// TestPoolGatherScatterAdjoint: <gather(x), g> = <x, scatter(g)>, and the
// gather with the pooling's own input reproduces the pooling.
func TestPoolGatherScatterAdjoint(t *testing.T) {
	r := NewRNG(7)
	for _, c := range poolCases {
		x := randT(r, c.n, c.c, c.h, c.w)
		y, pi := MaxPool2DWithIndices(x, c.p)
		assertExact(t, c.String()+" gather", PoolGather(x, pi).data, y.data)
		u := randT(r, c.n, c.c, c.h, c.w)
		g := randT(r, y.shape...)
		gu := PoolGather(u, pi)
		sg := PoolScatter(g, pi)
		checkAdjoint(t, c.String(), dot64(gu, g), dot64(u, sg), sumAbs64(gu, g))
		pi.Release()
		mustPanic(t, "indices after Release", func() { PoolGather(x, pi) }, "Release")
	}
}

func TestSumRowsMatchesGeneralReduce(t *testing.T) {
	r := NewRNG(8)
	for _, shape := range [][]int{{64, 10}, {3, 700}, {5, 3, 4, 4}} {
		x := randT(r, shape...)
		got := SumTo(x, append([]int{1}, shape[1:]...))
		// The same sum, column by column, in row order in float64.
		cols := len(x.data) / shape[0]
		for c := 0; c < cols; c++ {
			var s float64
			for i := 0; i < shape[0]; i++ {
				s += float64(x.data[i*cols+c])
			}
			if got.data[c] != float32(s) {
				t.Fatalf("%v: column %d is %v, want %v", shape, c, got.data[c], float32(s))
			}
		}
	}
}

func TestSiLUMatchesComposition(t *testing.T) {
	r := NewRNG(10)
	x := MulScalar(randT(r, 3000), 8)
	// The AVX-512 SiLU computes exp itself (within a few ulp); elsewhere
	// it is the composition's float64 formula.
	comp := Mul(x, Sigmoid(x)).data
	cw := make([]float64, len(comp))
	for i, v := range comp {
		cw[i] = float64(v)
	}
	assertClose(t, "silu", SiLU(x).data, cw, 1e-6, 1e-30)
	g := randT(r, 3000)
	s := Sigmoid(x)
	want := Mul(g, Add(s, Mul(Mul(x, s), RsubScalar(s, 1))))
	got := SiLUBackward(g, x)
	w := make([]float64, len(want.data))
	for i, v := range want.data {
		w[i] = float64(v)
	}
	assertClose(t, "silu backward", got.data, w, 1e-5, 1e-6)
}
