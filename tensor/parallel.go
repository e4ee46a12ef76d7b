package tensor

import (
	"runtime"
	"sync"
)

// grain is the smallest amount of work (in elements or inner-loop
// iterations) worth handing to a goroutine.
const grain = 1 << 14

// parallelFor calls body(lo, hi) over disjoint ranges covering [0, n).
// cost is the approximate work per index, so small jobs stay on one
// goroutine. Callers must make each index's result independent of which
// range it lands in; then results do not depend on the worker count.
func parallelFor(n, cost int, body func(lo, hi int)) {
	if n <= 0 {
		return
	}
	workers := runtime.GOMAXPROCS(0)
	if cost < 1 {
		cost = 1
	}
	if maxW := n * cost / grain; maxW < workers {
		workers = maxW
	}
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		body(0, n)
		return
	}
	// More chunks than workers balance uneven work.
	chunks := workers * 4
	if chunks > n {
		chunks = n
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				c := next
				next++
				mu.Unlock()
				if c >= chunks {
					return
				}
				body(c*n/chunks, (c+1)*n/chunks)
			}
		}()
	}
	wg.Wait()
}
