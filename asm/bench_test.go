package asm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// benchThreads are the worker counts benchmarked: one, and all.
func benchThreads() []int {
	if p := runtime.GOMAXPROCS(0); p > 1 {
		return []int{1, p}
	}
	return []int{1}
}

func squareOperands(n int) (a, b, c []float32) {
	r := rand.New(rand.NewPCG(uint64(n), 1))
	return randMatrix(r, n, n, n), randMatrix(r, n, n, n), make([]float32, n*n)
}

func reportGFLOPS(b *testing.B, n int) {
	b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkSgemm: square products per implementation and thread count.
func BenchmarkSgemm(b *testing.B) {
	for _, impl := range Implementations() {
		for _, n := range []int{256, 512, 1024} {
			for _, threads := range benchThreads() {
				b.Run(fmt.Sprintf("%s/n=%d/threads=%d", impl, n, threads), func(b *testing.B) {
					defer mustUse(b, impl)()
					x, y, z := squareOperands(n)
					for b.Loop() {
						SgemmThreads(threads, false, false, n, n, n, 1, x, n, y, n, 0, z, n)
					}
					reportGFLOPS(b, n)
				})
			}
		}
	}
}

// BenchmarkSgemmTrans shows the cost of each transpose combination with the
// best implementation at 1024³ on one thread (only untransposed A and B
// have fast packing paths).
func BenchmarkSgemmTrans(b *testing.B) {
	const n = 1024
	x, y, z := squareOperands(n)
	for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
		b.Run(fmt.Sprintf("%s/transA=%v/transB=%v", Current(), tr[0], tr[1]), func(b *testing.B) {
			for b.Loop() {
				SgemmThreads(1, tr[0], tr[1], n, n, n, 1, x, n, y, n, 0, z, n)
			}
			reportGFLOPS(b, n)
		})
	}
}

// BenchmarkGonumSgemm is the comparison point: gonum's pure-Go blas32
// (which uses all GOMAXPROCS threads).
func BenchmarkGonumSgemm(b *testing.B) {
	const n = 1024
	x, y, z := squareOperands(n)
	ga := blas32.General{Rows: n, Cols: n, Stride: n, Data: x}
	gb := blas32.General{Rows: n, Cols: n, Stride: n, Data: y}
	gc := blas32.General{Rows: n, Cols: n, Stride: n, Data: z}
	b.Run(fmt.Sprintf("n=%d/threads=%d", n, runtime.GOMAXPROCS(0)), func(b *testing.B) {
		for b.Loop() {
			blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, ga, gb, 0, gc)
		}
		reportGFLOPS(b, n)
	})
}

// BenchmarkPeak reports the register-only FMA rate of each implementation.
func BenchmarkPeak(b *testing.B) {
	for _, impl := range Implementations() {
		for _, threads := range benchThreads() {
			b.Run(fmt.Sprintf("%s/threads=%d", impl, threads), func(b *testing.B) {
				defer mustUse(b, impl)()
				var g float64
				for b.Loop() {
					g = MeasurePeakGFLOPS(threads, 50*time.Millisecond)
				}
				b.ReportMetric(g, "GFLOP/s")
			})
		}
	}
}

// BenchmarkEfficiency measures SGEMM 1024³ on one thread as a percentage
// of the one-thread FMA peak, per implementation: the number the package is
// tuned for. Each iteration measures the peak for 10ms and then times one
// SGEMM, and the best of each is reported, so that on a shared, noisy
// machine both numbers come from the least disturbed moments and are
// compared like for like (ns/op covers both and means nothing here).
func BenchmarkEfficiency(b *testing.B) {
	const n = 1024
	for _, impl := range Implementations() {
		b.Run(impl, func(b *testing.B) {
			defer mustUse(b, impl)()
			x, y, z := squareOperands(n)
			var peak float64
			best := time.Duration(1 << 62)
			for b.Loop() {
				peak = max(peak, MeasurePeakGFLOPS(1, 10*time.Millisecond))
				start := time.Now()
				SgemmThreads(1, false, false, n, n, n, 1, x, n, y, n, 0, z, n)
				best = min(best, time.Since(start))
			}
			gflops := 2 * float64(n*n*n) / best.Seconds() / 1e9
			b.ReportMetric(gflops, "GFLOP/s")
			b.ReportMetric(peak, "peak-GFLOP/s")
			b.ReportMetric(100*gflops/peak, "%peak")
		})
	}
}

func mustUse(b *testing.B, impl string) (restore func()) {
	restore, err := Use(impl)
	if err != nil {
		b.Fatal(err)
	}
	return restore
}
