package asm

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestTuneBlocking compares block sizes on SGEMM n³, one thread. It is how
// the formulas in blocking.go were checked, and is skipped unless asked for:
//
//	ASM_TUNE="336,384,1344 224,512,1344" [ASM_IMPL=avx2] [ASM_N=1024] \
//		go test -run TuneBlocking -v ./asm/
//
// Each entry is mc,kc,nc. Candidates run interleaved and each reports its
// best run, timed in thread CPU time: on a shared machine wall time mostly
// measures the neighbours.
func TestTuneBlocking(t *testing.T) {
	spec := os.Getenv("ASM_TUNE")
	if spec == "" {
		t.Skip("set ASM_TUNE to run")
	}
	if impl := os.Getenv("ASM_IMPL"); impl != "" {
		restore, err := Use(impl)
		if err != nil {
			t.Fatal(err)
		}
		defer restore()
	}
	var cands []*kernel
	for _, f := range strings.Fields(spec) {
		k := *active.Load()
		if _, err := fmt.Sscanf(f, "%d,%d,%d", &k.blocks.mc, &k.blocks.kc, &k.blocks.nc); err != nil {
			t.Fatalf("bad candidate %q: %v", f, err)
		}
		cands = append(cands, &k)
	}
	n := 1024
	fmt.Sscan(os.Getenv("ASM_N"), &n)
	x, y, z := squareOperands(n)

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	best := make([]time.Duration, len(cands))
	for round := range 8 {
		for i, k := range cands {
			restore := swap(k)
			for range 3 {
				start := threadCPU()
				SgemmThreads(1, false, false, n, n, n, 1, x, n, y, n, 0, z, n)
				if d := threadCPU() - start; round == 0 || d < best[i] {
					best[i] = d
				}
			}
			restore()
		}
	}
	var flops float64
	peak := bestOfCPU(func() { flops = active.Load().peak(1 << 20) })
	t.Logf("%s peak %.1f GFLOP/s (thread CPU time)", Current(), flops/peak.Seconds()/1e9)
	for i, k := range cands {
		g := 2 * float64(n) * float64(n) * float64(n) / best[i].Seconds() / 1e9
		t.Logf("%s %+v: %.1f GFLOP/s", k.name, k.blocks, g)
	}
}

func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return time.Duration(ts.Nano())
}

func bestOfCPU(f func()) time.Duration {
	best := time.Duration(1 << 62)
	for range 5 {
		start := threadCPU()
		f()
		best = min(best, threadCPU()-start)
	}
	return best
}
