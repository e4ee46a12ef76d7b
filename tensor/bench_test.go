package tensor

import "testing"

// Benchmarks of the CPU reference backend. Run with
//
//	go test ./tensor/ -run '^$' -bench . -benchmem
//
// Elementwise and reduction benchmarks report MB/s (bytes read + written,
// via SetBytes) and Melem/s; MatMul and Conv2D report GFLOP/s.

const benchN, benchC, benchH, benchW = 16, 64, 32, 32 // 1M elements

func reportElems(b *testing.B, n int) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melem/s")
}

func benchBinary(b *testing.B, op BinaryOp, bshape []int) {
	r := NewRNG(1)
	x := randT(r, benchN, benchC, benchH, benchW)
	y := randT(r, bshape...)
	n := x.Len()
	b.SetBytes(int64(4 * (2*n + y.Len())))
	b.ReportAllocs()
	for b.Loop() {
		Binary(op, x, y)
	}
	reportElems(b, n)
}

func BenchmarkAddSameShape(b *testing.B) {
	benchBinary(b, OpAdd, []int{benchN, benchC, benchH, benchW})
}
func BenchmarkMulSameShape(b *testing.B) {
	benchBinary(b, OpMul, []int{benchN, benchC, benchH, benchW})
}
func BenchmarkAddBroadcastChannel(b *testing.B) { benchBinary(b, OpAdd, []int{1, benchC, 1, 1}) }
func BenchmarkMulBroadcastChannel(b *testing.B) { benchBinary(b, OpMul, []int{1, benchC, 1, 1}) }

func benchUnary(b *testing.B, op UnaryOp) {
	x := randT(NewRNG(2), benchN, benchC, benchH, benchW)
	n := x.Len()
	b.SetBytes(int64(8 * n))
	b.ReportAllocs()
	for b.Loop() {
		Unary(op, 0, x)
	}
	reportElems(b, n)
}

func BenchmarkExp(b *testing.B)  { benchUnary(b, OpExp) }
func BenchmarkRelu(b *testing.B) { benchUnary(b, OpRelu) }

func benchSum(b *testing.B, axes []int) {
	x := randT(NewRNG(3), benchN, benchC, benchH, benchW)
	n := x.Len()
	b.SetBytes(int64(4 * n))
	b.ReportAllocs()
	for b.Loop() {
		Sum(x, axes, false)
	}
	reportElems(b, n)
}

func BenchmarkSumAll(b *testing.B)     { benchSum(b, nil) }
func BenchmarkSumAxis0(b *testing.B)   { benchSum(b, []int{0}) }
func BenchmarkSumAxes023(b *testing.B) { benchSum(b, []int{0, 2, 3}) }

func BenchmarkMatMul256(b *testing.B) {
	r := NewRNG(4)
	const n = 256
	x, y := randT(r, n, n), randT(r, n, n)
	b.ReportAllocs()
	for b.Loop() {
		MatMul(x, y)
	}
	b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkConv2D64x64k3s32b8(b *testing.B) {
	r := NewRNG(5)
	x := randT(r, 8, 64, 32, 32)
	w := randT(r, 64, 64, 3, 3)
	p := ConvParams{PadH: 1, PadW: 1}
	b.ReportAllocs()
	for b.Loop() {
		Conv2D(x, w, p)
	}
	flops := 2.0 * 8 * 64 * 64 * 9 * 32 * 32
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
