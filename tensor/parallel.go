package tensor

import "runtime"

// grain is the smallest amount of work (in elements or inner-loop
// iterations) worth handing to a goroutine.
const grain = 1 << 14

// parallelFor calls body(lo, hi) over disjoint ranges covering [0, n).
// cost is the approximate work per index, so small jobs stay on the
// calling goroutine. Callers must make each index's result independent of
// which range it lands in; then results do not depend on the worker count.
//
// The caller works too, with up to w−1 helper goroutines of the team
// (team.go), and the ranges are claimed with an atomic counter.
func parallelFor(n, cost int, body func(lo, hi int)) {
	if n <= 0 {
		return
	}
	workers := parallelWorkers(n, cost)
	if workers <= 1 {
		body(0, n)
		return
	}
	// More chunks than workers balance uneven work (and a worker that the
	// scheduler parks).
	chunks := workers * 4
	if chunks > n {
		chunks = n
	}
	runTeam(newTeamJob(body, n, chunks, workers-1))
}

// parallelWorkers is the number of goroutines parallelFor uses for n
// indices of the given cost.
func parallelWorkers(n, cost int) int {
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
	return workers
}
