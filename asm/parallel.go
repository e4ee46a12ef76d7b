package asm

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallelism: C is cut into a tm×tn grid of disjoint regions, one per
// worker, along tile boundaries. K is never split, so no two workers touch
// the same element of C and each element is reduced in the same order as in
// a single-threaded run: results are bitwise identical for any thread count.
//
// Each worker packs its own A and B blocks. Splitting N duplicates the
// packing of A across workers, splitting M duplicates B; the grid is chosen
// by a small cost model that weighs the largest region's multiply work
// against that duplicated packing and the cost of starting goroutines.

// run executes the product described by g on up to threads workers.
func (g *gemmArgs) run(threads int) {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	kern := active.Load()
	kc := splitK(g.k, kern.blocks.kc)
	regions := partition(threads, g.m, g.n, g.k, kern.mr, kern.nr)
	if len(regions) == 1 {
		g.computeRegion(kern, kc, regions[0])
		return
	}
	(*runner.Load())(len(regions), func(i int) { g.computeRegion(kern, kc, regions[i]) })
}

// A Runner calls f(i) for every i < n, concurrently, the caller taking
// i = 0, and returns when all calls have.
type Runner func(n int, f func(i int))

// runner runs a threaded product's regions: goroutines started per call,
// unless a program installs a pool of its own with SetRunner.
var runner atomic.Pointer[Runner]

func init() {
	var r Runner = goRunner
	runner.Store(&r)
}

// SetRunner makes threaded products run their regions with r (package
// tensor installs its long-lived workers, which a product reaches without
// starting and waking a goroutine per region).
func SetRunner(r Runner) { runner.Store(&r) }

func goRunner(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	f(0)
	wg.Wait()
}

func (g *gemmArgs) computeRegion(kern *kernel, kc int, r region) {
	ws := getWorkspace(kern, kc, r)
	g.compute(kern, kc, r, ws)
	workspaces.Put(ws)
}

// partition splits the m×n output into at most threads regions.
func partition(threads, m, n, k, mr, nr int) []region {
	tilesM, tilesN := ceilDiv(m, mr), ceilDiv(n, nr)
	bestM, bestN, bestCost := 1, 1, gridCost(1, 1, tilesM, tilesN, k, mr, nr)
	for tm := 1; tm <= min(threads, tilesM); tm++ {
		for tn := 1; tm*tn <= threads && tn <= tilesN; tn++ {
			if c := gridCost(tm, tn, tilesM, tilesN, k, mr, nr); c < bestCost {
				bestM, bestN, bestCost = tm, tn, c
			}
		}
	}
	regions := make([]region, 0, bestM*bestN)
	for x := range bestM {
		i0, i1 := min(m, x*tilesM/bestM*mr), min(m, (x+1)*tilesM/bestM*mr)
		for y := range bestN {
			j0, j1 := min(n, y*tilesN/bestN*nr), min(n, (y+1)*tilesN/bestN*nr)
			regions = append(regions, region{i0, i1, j0, j1})
		}
	}
	return regions
}

// gridCost estimates, in rough CPU cycles, the time of a tm×tn split: the
// largest region's multiply-adds (~32 per cycle with SIMD FMA), its packing
// (~2 elements per cycle) and ~10k cycles to start and join each extra
// goroutine. Only the ranking matters.
func gridCost(tm, tn, tilesM, tilesN, k, mr, nr int) float64 {
	rows := float64(ceilDiv(tilesM, tm) * mr)
	cols := float64(ceilDiv(tilesN, tn) * nr)
	kf := float64(k)
	return rows*cols*kf/32 + (rows+cols)*kf/2 + float64(tm*tn-1)*10000
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// workspace is one worker's packing memory, recycled across calls so that
// steady-state Sgemm calls do not allocate.
type workspace struct {
	a, b    []float32 // packed A block (mc×kc) and B panel (kc×nc)
	tile    []float32 // mr×nr buffer for edge tiles
	scratch []float32 // kc×max(mr,nr) buffer for the last source micro-panel
}

var workspaces = sync.Pool{New: func() any { return new(workspace) }}

func getWorkspace(kern *kernel, kc int, r region) *workspace {
	ws := workspaces.Get().(*workspace)
	mc, nc := kern.blockSizes(r)
	ws.a = grow(ws.a, roundUp(mc, kern.mr)*kc)
	ws.b = grow(ws.b, roundUp(nc, kern.nr)*kc)
	ws.tile = grow(ws.tile, kern.mr*kern.nr)
	ws.scratch = grow(ws.scratch, kc*max(kern.mr, kern.nr))
	return ws
}

// grow returns s with length at least n, reallocating when too small.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
