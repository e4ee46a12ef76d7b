package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Tests of the vector kernels (vec.go) against their pure-Go twins, with
// every implementation forced: all lengths up to 70 (every tail, with and
// without whole vectors), lengths across the assembly's chunks, unaligned
// starts, awkward values, and guard bands after every output.

// vecLens are the lengths the flat kernels are tried at.
var vecLens = func() []int {
	var ls []int
	for n := 0; n <= 70; n++ {
		ls = append(ls, n)
	}
	return append(ls, 255, 1000, vecChunk-1, vecChunk+37, 2*vecChunk+5)
}()

// vecValues returns n floats: mostly ordinary values of both signs around
// 0..8, with a share of signed zeros, infinities, NaNs of both signs,
// denormals and values at relu6's kinks when special is set.
func vecValues(r *rand.Rand, n int, special bool) []float32 {
	negNaN := math.Float32frombits(0xffc00001)
	pool := []float32{0, float32(math.Copysign(0, -1)), 6, math.Nextafter32(6, 7), math.Nextafter32(6, 0),
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), negNaN, math.Float32frombits(0x7f800001),
		1e-40, -1e-40, math.MaxFloat32, -math.MaxFloat32, 1, -1}
	v := make([]float32, n)
	for i := range v {
		if special && r.IntN(4) == 0 {
			v[i] = pool[r.IntN(len(pool))]
		} else {
			v[i] = float32(r.NormFloat64() * 4)
		}
	}
	return v
}

// offset returns a copy of v starting off elements into a fresh buffer.
func offset(v []float32, off int) []float32 {
	buf := make([]float32, off+len(v))
	copy(buf[off:], v)
	return buf[off:]
}

// sameFloat: equal bits, or both NaN when nanAny (arithmetic on two NaNs
// may return either's payload).
func sameFloat(a, b float32, nanAny bool) bool {
	return math.Float32bits(a) == math.Float32bits(b) || nanAny && a != a && b != b
}

func checkSame(t *testing.T, what string, got, want []float32, nanAny bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !sameFloat(got[i], want[i], nanAny) {
			t.Fatalf("%s: element %d is %v (%#x), want %v (%#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

func checkSame64(t *testing.T, what string, got, want []float64) {
	t.Helper()
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("%s: lane %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestVecFlat(t *testing.T) {
	type flat struct {
		name   string
		nanAny bool
		run    func(dst, a, b []float32)      // the exported kernel, into dst
		twin   func(dst, a, b []float32)      // its Go twin
		gen    func(r *rand.Rand, n int) bool // special values in the inputs
		inPl   bool                           // in place: dst starts as a copy of a
	}
	kernels := []flat{
		{name: "Relu", run: func(d, a, _ []float32) { Relu(d, a) }, twin: func(d, a, _ []float32) { reluGo(d, a) }},
		{name: "Relu6", run: func(d, a, _ []float32) { Relu6(d, a) }, twin: func(d, a, _ []float32) { relu6Go(d, a) }},
		{name: "BandMaskRelu", run: func(d, a, b []float32) { BandMask(d, b, a, inf32) }, twin: func(d, a, b []float32) { bandMaskGo(d, b, a, inf32) }},
		{name: "BandMaskRelu6", run: func(d, a, b []float32) { BandMask(d, b, a, six32-1) }, twin: func(d, a, b []float32) { bandMaskGo(d, b, a, six32-1) }},
		{name: "BandMaskAll", run: func(d, a, b []float32) { BandMask(d, b, a, 0xffffffff) }, twin: func(d, a, b []float32) { bandMaskGo(d, b, a, 0xffffffff) }},
		{name: "AddTo", nanAny: true, inPl: true, run: func(d, _, b []float32) { AddTo(d, b) }, twin: func(d, _, b []float32) { addToGo(d, b) }},
		{name: "SGD", nanAny: true, inPl: true, run: func(d, _, b []float32) { SGD(d, b, 0.01, 5e-4) }, twin: func(d, _, b []float32) { sgdGo(d, b, 0.01, 5e-4) }},
	}
	forEachImpl(t, func(t *testing.T, _ *kernel) {
		r := rand.New(rand.NewPCG(1, 2))
		for _, k := range kernels {
			for _, n := range vecLens {
				for _, off := range []int{0, 1, 3} {
					a := offset(vecValues(r, n, true), off)
					b := offset(vecValues(r, n, true), (off+1)%4)
					got, check := guarded(n)
					want := make([]float32, n)
					if k.inPl {
						copy(got, a)
						copy(want, a)
					}
					k.run(got, a, b)
					k.twin(want, a, b)
					check(t)
					checkSame(t, fmt.Sprintf("%s n=%d off=%d", k.name, n, off), got, want, k.nanAny)
				}
			}
		}
	})
}

func TestVecSGDMomentum(t *testing.T) {
	forEachImpl(t, func(t *testing.T, _ *kernel) {
		r := rand.New(rand.NewPCG(3, 4))
		for _, n := range vecLens {
			w, g, b := vecValues(r, n, n%5 == 0), vecValues(r, n, false), vecValues(r, n, false)
			w1, check := guarded(n)
			b1, checkB := guarded(n)
			copy(w1, w)
			copy(b1, b)
			w2, b2 := append([]float32(nil), w...), append([]float32(nil), b...)
			SGDMomentum(w1, offset(g, n%3), b1, 0.01, 5e-4, 0.9, 0.75)
			sgdMomentumGo(w2, g, b2, 0.01, 5e-4, 0.9, 0.75)
			check(t)
			checkB(t)
			checkSame(t, fmt.Sprintf("w n=%d", n), w1, w2, true)
			checkSame(t, fmt.Sprintf("b n=%d", n), b1, b2, true)
		}
	})
}

// TestVecTwinsMatchDefinitions pins the twins to their plain definitions
// on special values.
func TestVecTwinsMatchDefinitions(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x := vecValues(r, 4000, true)
	g := vecValues(r, len(x), false)
	y, y6, gb := make([]float32, len(x)), make([]float32, len(x)), make([]float32, len(x))
	reluGo(y, x)
	relu6Go(y6, x)
	for i, v := range x {
		b := math.Float32bits(v)
		want, want6 := v, v
		switch {
		case b>>31 == 1: // negative, −0, negative NaN
			want, want6 = 0, 0
		case v != v: // positive NaN: passes
		case v > 6:
			want6 = 6
		}
		if math.Float32bits(y[i]) != math.Float32bits(want) || math.Float32bits(y6[i]) != math.Float32bits(want6) {
			t.Fatalf("relu(%v) = %v, relu6 = %v; want %v, %v", v, y[i], y6[i], want, want6)
		}
	}
	bandMaskGo(gb, g, x, six32-1)
	for i, v := range x {
		want := float32(0)
		if v > 0 && v < 6 {
			want = g[i]
		}
		if math.Float32bits(gb[i]) != math.Float32bits(want) {
			t.Fatalf("relu6 mask at %v: %v, want %v", v, gb[i], want)
		}
	}
	bandMaskGo(gb, g, x, inf32)
	for i, v := range x {
		want := float32(0)
		if v > 0 {
			want = g[i]
		}
		if math.Float32bits(gb[i]) != math.Float32bits(want) {
			t.Fatalf("relu mask at %v: %v, want %v", v, gb[i], want)
		}
	}
}

// rowCases are (rows, inner) shapes for the row kernels: every tail, and
// shapes whose calls are cut in pieces (many rows, or rows longer than a
// chunk).
var rowCases = func() [][2]int {
	var cs [][2]int
	for inner := 1; inner <= 70; inner++ {
		cs = append(cs, [2]int{1 + inner%4, inner})
	}
	return append(cs, [2]int{0, 5}, [2]int{3, 0}, [2]int{7, 1156}, [2]int{700, 25}, [2]int{2000, 1}, [2]int{2, vecChunk + 9})
}()

func TestVecRows(t *testing.T) {
	forEachImpl(t, func(t *testing.T, _ *kernel) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, rc := range rowCases {
			rows, inner := rc[0], rc[1]
			n := rows * inner
			for _, c := range []int{1, 3, 5} {
				ch0 := r.IntN(c)
				x := offset(vecValues(r, n, true), r.IntN(4))
				g := offset(vecValues(r, n, true), r.IntN(4))
				scale, shift := vecValues(r, c, c == 5), vecValues(r, c, c == 5)
				name := fmt.Sprintf("%d×%d c=%d ch0=%d", rows, inner, c, ch0)

				got, check := guarded(n)
				want := make([]float32, n)
				AffineRows(got, x, rows, inner, scale, shift, ch0)
				affineRowsGo(want, x, rows, inner, scale, shift, ch0)
				check(t)
				checkSame(t, "AffineRows "+name, got, want, true)

				got, check = guarded(n)
				copy(got, x)
				copy(want, x)
				BiasRows(got, rows, inner, shift, ch0)
				biasRowsGo(want, rows, inner, shift, ch0)
				check(t)
				checkSame(t, "BiasRows "+name, got, want, true)

				params := make([]float32, BNGradParams*c)
				for i := range params {
					params[i] = float32(r.NormFloat64())
				}
				got, check = guarded(n)
				BNGradRows(got, x, g, rows, inner, params, ch0)
				bnGradRowsGo(want, x, g, rows, inner, params, ch0)
				check(t)
				checkSame(t, "BNGradRows "+name, got, want, true)
			}
		}
	})
}

// runCases are (runs, n, stride − n) for the lane sums.
var runCases = func() [][3]int {
	var cs [][3]int
	for n := 0; n <= 70; n++ {
		cs = append(cs, [3]int{1 + n%3, n, n % 4})
	}
	return append(cs, [3]int{0, 8, 0}, [3]int{32, 25, 2375}, [3]int{1000, 1, 95}, [3]int{3, 1156, 0},
		[3]int{800, 25, 0}, [3]int{2, vecChunk + 20, 3})
}()

func TestVecLanes(t *testing.T) {
	forEachImpl(t, func(t *testing.T, _ *kernel) {
		r := rand.New(rand.NewPCG(9, 10))
		for _, rc := range runCases {
			runs, n, stride := rc[0], rc[1], rc[1]+rc[2]
			l := 0
			if runs > 0 {
				l = (runs-1)*stride + n
			}
			special := n%7 == 3
			x := offset(vecValues(r, l, special), r.IntN(4))
			g := offset(vecValues(r, l, special), r.IntN(4))
			name := fmt.Sprintf("%d runs of %d stride %d", runs, n, stride)
			var a0 Lanes
			for i := range a0 {
				a0[i] = r.NormFloat64()
			}
			// Lanes a tail does not reach keep their bits, −0 included.
			a0[15], a0[9] = math.Copysign(0, -1), math.Copysign(0, -1)
			got, want := a0, a0
			SumLanes(&got, x, runs, n, stride)
			sumLanesGo(&want, x, runs, n, stride)
			checkSame64(t, "SumLanes "+name, got[:], want[:])

			mu := r.NormFloat64()
			got, want = a0, a0
			SqDevLanes(&got, x, runs, n, stride, mu)
			sqDevLanesGo(&want, x, runs, n, stride, mu)
			checkSame64(t, "SqDevLanes "+name, got[:], want[:])

			var b0 [32]float64
			for i := range b0 {
				b0[i] = r.NormFloat64()
			}
			b0[15], b0[31] = math.Copysign(0, -1), math.Copysign(0, -1)
			gotB, wantB := b0, b0
			BNGradLanes(&gotB, x, g, runs, n, stride, float32(mu))
			bnGradLanesGo(&wantB, x, g, runs, n, stride, float32(mu))
			checkSame64(t, "BNGradLanes "+name, gotB[:], wantB[:])
		}
	})
}

// TestVecLanesDefinition: the lanes of SumLanes, folded, are the plain
// sum up to rounding, and lane j holds positions ≡ j (mod 16).
func TestVecLanesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	x := vecValues(r, 5*40, false)
	var acc Lanes
	sumLanesGo(&acc, x, 5, 37, 40)
	var want Lanes
	var total float64
	for run := range 5 {
		for k := range 37 {
			want[k%16] += float64(x[run*40+k])
			total += float64(x[run*40+k])
		}
	}
	checkSame64(t, "lanes", acc[:], want[:])
	if got := FoldLanes(&acc); math.Abs(got-total) > 1e-9*math.Abs(total)+1e-9 {
		t.Fatalf("FoldLanes = %v, want %v", got, total)
	}
}

func TestVecColSums(t *testing.T) {
	forEachImpl(t, func(t *testing.T, _ *kernel) {
		r := rand.New(rand.NewPCG(13, 14))
		var cases [][2]int
		for cols := 0; cols <= 70; cols++ {
			cases = append(cases, [2]int{1 + cols%5, cols})
		}
		cases = append(cases, [2]int{64, 256}, [2]int{9, 1000}, [2]int{3, vecChunk + 17}, [2]int{2000, 10})
		for _, c := range cases {
			rows, cols := c[0], c[1]
			for _, pad := range []int{0, 5} {
				ldx := cols + pad
				x := offset(vecValues(r, max(0, (rows-1)*ldx+cols), cols%9 == 4), r.IntN(4))
				buf := make([]float64, cols+8)
				for i := range buf {
					buf[i] = r.NormFloat64()
				}
				guard := append([]float64(nil), buf[cols:]...)
				want := append([]float64(nil), buf[:cols]...)
				ColSums(buf[:cols], x, rows, ldx)
				colSumsGo(want, x, rows, ldx)
				name := fmt.Sprintf("ColSums %d×%d ldx %d", rows, cols, ldx)
				checkSame64(t, name, buf[:cols], want)
				for i, v := range guard {
					if math.Float64bits(buf[cols+i]) != math.Float64bits(v) {
						t.Fatalf("%s: guard %d overwritten", name, i)
					}
				}
			}
		}
	})
}

// scanPool2x2 is the reference loop the pooling twin must agree with.
func scanPool2x2(src []float32, w, ho, wo int) ([]float32, []int32) {
	out, idx := make([]float32, ho*wo), make([]int32, ho*wo)
	for oy := range ho {
		for ox := range wo {
			best, bi := float32(math.Inf(-1)), 2*oy*w+2*ox
			for _, k := range []int{2*oy*w + 2*ox, 2*oy*w + 2*ox + 1, (2*oy+1)*w + 2*ox, (2*oy+1)*w + 2*ox + 1} {
				if v := src[k]; v > best || v != v {
					best, bi = v, k
				}
			}
			out[oy*wo+ox], idx[oy*wo+ox] = best, int32(bi)
		}
	}
	return out, idx
}

func TestVecMaxPool2x2(t *testing.T) {
	gens := []func(r *rand.Rand, n int) []float32{
		func(r *rand.Rand, n int) []float32 { return vecValues(r, n, true) },
		func(r *rand.Rand, n int) []float32 { // after a ReLU, with ties
			v := vecValues(r, n, false)
			for i := range v {
				v[i] = max(0, float32(math.Round(float64(v[i]))))
			}
			return v
		},
		func(r *rand.Rand, n int) []float32 { // few distinct values, signed zeros
			pool := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 2, float32(math.Inf(-1))}
			v := make([]float32, n)
			for i := range v {
				v[i] = pool[r.IntN(len(pool))]
			}
			return v
		},
	}
	forEachImpl(t, func(t *testing.T, _ *kernel) {
		r := rand.New(rand.NewPCG(15, 16))
		for gi, gen := range gens {
			for wo := 1; wo <= 40; wo++ {
				for _, extra := range []int{0, 1, 3} {
					w := 2*wo + extra
					ho := 1 + (wo+extra)%4
					if wo == 14 && extra == 0 {
						ho = 600 // calls cut in pieces of rows
					}
					src := offset(gen(r, 2*ho*w), r.IntN(4))
					src = src[:(2*ho-1)*w+2*wo] // the last row is read only up to the windows
					got, check := guarded(ho * wo)
					idxBuf := make([]int32, ho*wo+16)
					for i := range idxBuf {
						idxBuf[i] = -7
					}
					MaxPool2x2(got, idxBuf[:ho*wo], src, w, ho, wo)
					check(t)
					for _, v := range idxBuf[ho*wo:] {
						if v != -7 {
							t.Fatalf("index guard overwritten")
						}
					}
					want, wantIdx := scanPool2x2(src, w, ho, wo)
					twin, twinIdx := make([]float32, ho*wo), make([]int32, ho*wo)
					maxPool2x2Go(twin, twinIdx, src, w, ho, wo)
					name := fmt.Sprintf("gen %d w %d ho %d wo %d", gi, w, ho, wo)
					checkSame(t, name+" twin", twin, want, false)
					checkSame(t, name, got, want, false)
					for i := range want {
						if idxBuf[i] != wantIdx[i] || twinIdx[i] != wantIdx[i] {
							t.Fatalf("%s: output %d from %d (twin %d), want %d", name, i, idxBuf[i], twinIdx[i], wantIdx[i])
						}
					}
				}
			}
		}
	})
}

func TestVecPanics(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Relu short dst", func() { Relu(make([]float32, 3), make([]float32, 4)) }},
		{"BandMask short g", func() { BandMask(make([]float32, 4), make([]float32, 3), make([]float32, 4), inf32) }},
		{"AffineRows short src", func() {
			AffineRows(make([]float32, 10), make([]float32, 9), 2, 5, make([]float32, 2), make([]float32, 2), 0)
		}},
		{"AffineRows bad channel", func() {
			AffineRows(make([]float32, 10), make([]float32, 10), 2, 5, make([]float32, 2), make([]float32, 2), 2)
		}},
		{"BiasRows short", func() { BiasRows(make([]float32, 9), 2, 5, make([]float32, 2), 0) }},
		{"SumLanes short", func() { var a Lanes; SumLanes(&a, make([]float32, 10), 2, 5, 6) }},
		{"SumLanes overlapping", func() { var a Lanes; SumLanes(&a, make([]float32, 10), 2, 5, 4) }},
		{"ColSums short", func() { ColSums(make([]float64, 4), make([]float32, 7), 2, 4) }},
		{"MaxPool2x2 wide", func() { MaxPool2x2(make([]float32, 4), make([]int32, 4), make([]float32, 16), 3, 2, 2) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
}
