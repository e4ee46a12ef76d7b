package tensor

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/modeldoctor/modeldoctor/asm"
	"golang.org/x/sys/unix"
)

// Convolution benchmarks on the default backend, at the shapes of
// `modeldoctor bench kernels` (batch 32). Run with
//
//	go test ./tensor/ -run '^$' -bench Conv -cpu 1,2
type convBenchShape struct {
	name                 string
	n, c, h, o, k, s, pd int
	groups               int
}

var convBenchShapes = []convBenchShape{
	{"3x3_64-64_32x32", 32, 64, 32, 64, 3, 1, 1, 1},
	{"3x3_128-128_16x16", 32, 128, 16, 128, 3, 1, 1, 1},
	{"dw3x3_256_16x16", 32, 256, 16, 256, 3, 1, 1, 256},
	{"1x1_256-64_16x16", 32, 256, 16, 64, 1, 1, 0, 1},
	{"3x3s2_64-128_32x32", 32, 64, 32, 128, 3, 2, 1, 1},
	{"1x1s2_64-128_32x32", 32, 64, 32, 128, 1, 2, 0, 1},
	{"lenet5_conv1_5x5_1-6_32x32", 64, 1, 32, 6, 5, 1, 0, 1},
	{"lenet5_conv2_5x5_6-16_14x14", 64, 6, 14, 16, 5, 1, 0, 1},
	{"refnet_conv1_5x5_1-32_28x28", 64, 1, 28, 32, 5, 1, 0, 1},
	{"refnet_conv2_5x5_32-64_12x12", 64, 32, 12, 64, 5, 1, 0, 1},
	{"effnet_1x1_160-960_2x2", 32, 160, 2, 960, 1, 1, 0, 1},
	{"mbv2_1x1_24-144_16x16", 32, 24, 16, 144, 1, 1, 0, 1},
	{"r18_3x3_256_8x8", 32, 256, 8, 256, 3, 1, 1, 1},
	{"effnet_1x1_1536-256_1x1", 32, 1536, 1, 256, 1, 1, 0, 1},
}

func BenchmarkConvShapes(b *testing.B) {
	for _, sh := range convBenchShapes {
		r := NewRNG(7)
		x := randT(r, sh.n, sh.c, sh.h, sh.h)
		w := randT(r, sh.o, sh.c/sh.groups, sh.k, sh.k)
		p := ConvParams{StrideH: sh.s, StrideW: sh.s, PadH: sh.pd, PadW: sh.pd, Groups: sh.groups}.Norm()
		y := Conv2D(x, w, p)
		gy := randT(r, y.Shape()...)
		flops := 2 * float64(y.Len()) * float64(sh.c/sh.groups*sh.k*sh.k)
		faces := []struct {
			name string
			run  func()
		}{
			{"fwd", func() { Release(Conv2D(x, w, p)) }},
			{"dx", func() { Release(Conv2DInputGrad(gy, w, p, x.Shape())) }},
			{"dw", func() { Release(Conv2DWeightGrad(x, gy, p, w.Shape())) }},
		}
		for _, f := range faces {
			b.Run(sh.name+"/"+f.name, func(b *testing.B) {
				cpu0 := processCPU()
				for b.Loop() {
					f.run()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				b.ReportMetric(ms(processCPU()-cpu0)/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// TestTuneConv times each face of the benchmark convolutions on one
// thread in thread CPU time (best of several runs), which on a shared
// machine measures the code rather than the neighbours. Skipped unless
// TENSOR_TUNE is set (to a substring of the shape names, or "all");
// TENSOR_TUNE_IMPL forces an asm implementation (avx2, say, to time the
// AVX2 kernels on an AVX-512 machine):
//
//	TENSOR_TUNE=all go test -run TuneConv -v ./tensor/
func TestTuneConv(t *testing.T) {
	sel := os.Getenv("TENSOR_TUNE")
	if sel == "" {
		t.Skip("set TENSOR_TUNE to run")
	}
	if impl := os.Getenv("TENSOR_TUNE_IMPL"); impl != "" {
		restore, err := asm.Use(impl)
		if err != nil {
			t.Fatal(err)
		}
		defer restore()
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	t.Logf("FMA peak (wall, 1 thread): %.1f GFLOP/s", asm.MeasurePeakGFLOPS(1, 200*time.Millisecond))
	for _, sh := range convBenchShapes {
		if sel != "all" && !strings.Contains(sh.name, sel) {
			continue
		}
		r := NewRNG(7)
		x := randT(r, sh.n, sh.c, sh.h, sh.h)
		w := randT(r, sh.o, sh.c/sh.groups, sh.k, sh.k)
		p := ConvParams{StrideH: sh.s, StrideW: sh.s, PadH: sh.pd, PadW: sh.pd, Groups: sh.groups}.Norm()
		y := Conv2D(x, w, p)
		gy := randT(r, y.Shape()...)
		flops := 2 * float64(y.Len()) * float64(sh.c/sh.groups*sh.k*sh.k)
		fwd := bestCPU(9, func() { Release(Conv2D(x, w, p)) })
		dx := bestCPU(9, func() { Release(Conv2DInputGrad(gy, w, p, x.Shape())) })
		dw := bestCPU(9, func() { Release(Conv2DWeightGrad(x, gy, p, w.Shape())) })
		g := func(d time.Duration) float64 { return flops / d.Seconds() / 1e9 }
		t.Logf("%-22s fwd %7.2f ms %6.1f GF/s | dx %7.2f ms %6.1f | dw %7.2f ms %6.1f | total %7.2f ms",
			sh.name, ms(fwd), g(fwd), ms(dx), g(dx), ms(dw), g(dw), ms(fwd+dx+dw))
	}
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func bestCPU(n int, f func()) time.Duration {
	f()
	best := time.Duration(1 << 62)
	for range n {
		start := threadCPU()
		f()
		best = min(best, threadCPU()-start)
	}
	return best
}

// processCPU is the process's user and system time so far.
func processCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return time.Duration(ts.Nano())
}

// BenchmarkThreadedSmallGemm is a product of LeNet-5's first linear layer
// (batch 64, 400 → 120) on two threads: its regions run on the team, as
// every threaded GEMM's do (asm.SetRunner in team.go).
func BenchmarkThreadedSmallGemm(b *testing.B) {
	m, n, k := 64, 120, 400
	a, w, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	for b.Loop() {
		asm.SgemmThreads(2, false, true, m, n, k, 1, a, k, w, k, 0, c, n)
	}
}
