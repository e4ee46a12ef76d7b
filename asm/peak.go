package asm

import (
	"runtime"
	"sync"
	"time"
)

// peakChunk is the iteration count of one call into a peak loop: about a
// millisecond or less, so each call stays short enough for preemption.
const peakChunk = 1 << 16

// MeasurePeakGFLOPS runs the register-only FMA loop of the current
// implementation on threads goroutines (<= 0 means GOMAXPROCS) for about d
// and returns the combined rate in GFLOP/s (one FMA lane = 2 flops): the
// ceiling Sgemm is measured against on this machine. Each goroutine warms
// up with one untimed chunk, then times its own loop; the result is the sum
// of their rates.
func MeasurePeakGFLOPS(threads int, d time.Duration) float64 {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	kern := active.Load()
	rates := make([]float64, threads)
	var wg sync.WaitGroup
	for t := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kern.peak(peakChunk) // warm up: clocks, page in code
			var flops float64
			start := time.Now()
			deadline := start.Add(d)
			for {
				flops += kern.peak(peakChunk)
				if now := time.Now(); !now.Before(deadline) {
					rates[t] = flops / now.Sub(start).Seconds()
					return
				}
			}
		}()
	}
	wg.Wait()
	var total float64
	for _, r := range rates {
		total += r
	}
	return total / 1e9
}
