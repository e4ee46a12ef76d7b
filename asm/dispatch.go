package asm

import (
	"fmt"
	"os"
	"sync/atomic"
)

// kernel is one micro-kernel implementation together with the block sizes
// the driver uses with it. Kernels are immutable once published; switching
// implementation swaps a pointer, so a running Sgemm keeps the kernel it
// started with.
type kernel struct {
	name   string
	mr, nr int // register tile: mr rows of C by nr columns

	// tile computes C = alpha*Ap*Bp + beta*C for one mr×nr tile of C (row
	// stride ldc) from a packed A micro-panel (kc steps of mr values) and a
	// packed B micro-panel (kc steps of nr values). beta == 0 must not read C.
	tile func(kc int, a, b, c []float32, ldc int, alpha, beta float32)

	// edge, if not nil, is tile for the first rows (< mr) rows of a tile
	// only: it reads the same packed panels, writes only those rows of C,
	// and gives each of them the same bits as tile would.
	edge func(kc int, a, b, c []float32, ldc int, alpha, beta float32, rows int)

	// peak runs a register-only loop of independent FMA (or mul+add)
	// chains iters times and returns the floating-point operations done.
	peak func(iters int) float64

	// transposeA optionally speeds up packing untransposed A (see packA).
	transposeA transposeFunc

	blocks blocking

	// ops says which versions of the helpers beside GEMM (gather.go,
	// shifts.go) go with this kernel.
	ops simdOps
}

// simdOps selects the assembly helpers; the zero value means the pure-Go
// loops. The helpers are called directly, not through function values, so
// that escape analysis keeps their callers' small buffers on the stack.
type simdOps struct {
	avx512 bool
	// avx2: the AVX2 versions of the helpers, for the avx2 kernel.
	avx2 bool
}

// kernels lists the implementations usable on this CPU, best first.
var kernels = append(archKernels(), newKernel("purego", goMR, goNR, goTile, goPeak))

// active is the kernel Sgemm uses.
var active atomic.Pointer[kernel]

// knownNames are all implementation names this package can contain on some
// platform; Use reports "unsupported" rather than "unknown" for these.
var knownNames = []string{"avx512", "avx2", "purego"}

// startEnv names the implementation to start with instead of the best,
// e.g. MODELDOCTOR_ASM=avx2 go test ./... reruns the suite with AVX-512
// masked off. A name this CPU or build cannot run is reported on stderr
// and the best one is kept.
const startEnv = "MODELDOCTOR_ASM"

func init() {
	active.Store(kernels[0])
	if name := os.Getenv(startEnv); name != "" {
		if _, err := Use(name); err != nil {
			fmt.Fprintf(os.Stderr, "%s=%s: %v; using %s\n", startEnv, name, err, Current())
		}
	}
}

func newKernel(name string, mr, nr int, tile func(int, []float32, []float32, []float32, int, float32, float32), peak func(int) float64) *kernel {
	return &kernel{name: name, mr: mr, nr: nr, tile: tile, peak: peak, blocks: deriveBlocking(mr, nr, hostCaches)}
}

// Implementations lists the kernels usable on this CPU, best first, e.g.
// ["avx512", "avx2", "purego"].
func Implementations() []string {
	names := make([]string, len(kernels))
	for i, k := range kernels {
		names[i] = k.name
	}
	return names
}

// Current returns the name of the implementation in use.
func Current() string { return active.Load().name }

// Tile returns the micro-tile of the implementation in use: every product
// is computed in mr×nr blocks of C, so callers that can choose the
// orientation of a product (C or Cᵀ) can pick the one that wastes less of
// the ragged edge tiles.
func Tile() (mr, nr int) {
	k := active.Load()
	return k.mr, k.nr
}

// Use forces the implementation called name and returns a function that
// restores the previous one. It is meant for tests and benchmarks: it changes
// a package-wide setting, so concurrent callers of Use race with each other
// (Sgemm calls themselves stay safe).
func Use(name string) (restore func(), err error) {
	for _, k := range kernels {
		if k.name == name {
			return swap(k), nil
		}
	}
	for _, known := range knownNames {
		if known == name {
			return nil, fmt.Errorf("asm: implementation %q is not supported on this CPU or build", name)
		}
	}
	return nil, fmt.Errorf("asm: unknown implementation %q", name)
}

// swap installs k and returns a function that puts the previous kernel back.
func swap(k *kernel) (restore func()) {
	prev := active.Swap(k)
	return func() { active.Store(prev) }
}
