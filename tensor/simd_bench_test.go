package tensor

import (
	"fmt"
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
		b.Run(fmt.Sprintf("%s/fwd", sh.name), func(b *testing.B) {
			for b.Loop() {
				Conv2D(x, w, p)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("%s/dx", sh.name), func(b *testing.B) {
			for b.Loop() {
				Conv2DInputGrad(gy, w, p, x.Shape())
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("%s/dw", sh.name), func(b *testing.B) {
			for b.Loop() {
				Conv2DWeightGrad(x, gy, p, w.Shape())
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestTuneConv times each face of the benchmark convolutions on one
// thread in thread CPU time (best of several runs), which on a shared
// machine measures the code rather than the neighbours. Skipped unless
// TENSOR_TUNE is set (to a substring of the shape names, or "all"):
//
//	TENSOR_TUNE=all go test -run TuneConv -v ./tensor/
func TestTuneConv(t *testing.T) {
	sel := os.Getenv("TENSOR_TUNE")
	if sel == "" {
		t.Skip("set TENSOR_TUNE to run")
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
		fwd := bestCPU(5, func() { Conv2D(x, w, p) })
		dx := bestCPU(5, func() { Conv2DInputGrad(gy, w, p, x.Shape()) })
		dw := bestCPU(5, func() { Conv2DWeightGrad(x, gy, p, w.Shape()) })
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

func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return time.Duration(ts.Nano())
}
