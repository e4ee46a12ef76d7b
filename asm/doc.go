// Package asm provides single-precision matrix multiplication (SGEMM) for
// row-major []float32 matrices, built from SIMD micro-kernels in Go
// assembly with a pure-Go twin. It knows nothing about tensors: callers
// pass slices, dimensions and row strides.
//
// # API
//
// Sgemm and SgemmThreads compute C = alpha*op(A)*op(B) + beta*C with the
// usual BLAS conventions (beta == 0 means C is not read). SgemmSourceB is
// the same product with B supplied block by block through a BSource, so a
// convolution can write im2col columns straight into the packing buffers
// instead of materialising the im2col matrix; MatrixSource adapts a stored
// matrix. SgemmSources takes A from a source as well (as the source of its
// transpose). MeasurePeakGFLOPS times a register-only FMA loop, the ceiling
// SGEMM is compared against.
//
// Beside GEMM sit the helpers a convolution needs to feed it without
// materialising anything (package tensor's SIMD backend uses them):
//
//	SpanTable, GatherRows, GatherCols   im2col matrices described as runs
//	                                    of 16 input elements with border
//	                                    masks (Span16), gathered into packed
//	                                    panels, straight or transposed;
//	                                    pieced tables merge several runs per
//	                                    16 lanes (unpadded convolutions),
//	                                    stepped ones read every other
//	                                    element (stride 2)
//	Transpose                           16×16 transposes (also used to pack
//	                                    a transposed B)
//	Shifts, Correlate, DotShifts(Lanes) the shifted sums of a depthwise
//	                                    convolution and its weight gradient
//	Col2imRows, Col2imRowsStep2, Add2D  the scatter of col2im: patch rows
//	                                    added back into input rows, a whole
//	                                    kernel row per pass
//	Conv3x3, ConvS2, ConvTS2, Dot3x3,   depthwise convolution: planar 3×3
//	DotS2, ConvPacked, DotPacked        kernels (stride 1 and 2) and the
//	                                    channel-packed kernels for the rest
//	MaxPoolPlane, AvgPoolPlane          pooling with any window
//	Relu, Relu6, BandMask, AffineRows,  the memory-bound element-wise and
//	BNGradRows, SumLanes, SiLU, SGD, …  per-channel ops of a training step
//	                                    (vec.go, silu.go)
//	Copy2D                              short-row block copies
//
// # Implementations
//
// Implementations lists the kernels usable on the running CPU, best first;
// the best is used by default and Use forces another (for tests and
// benchmarks):
//
//	avx512  14×32 tile, ZMM registers    kernel_avx512_amd64.s
//	avx2    6×16 tile, YMM + FMA3        kernel_avx2_amd64.s
//	purego  2×4 tile, plain Go           kernel_go.go
//
// CPU features come from github.com/klauspost/cpuid/v2. The assembly is
// built on amd64 only and never with -tags purego; then only purego exists.
// The helpers beside GEMM (gathers, col2im scatters, shifted sums,
// depthwise, Winograd transforms, pooling, SiLU and the element-wise ops) have AVX-512 versions
// used with the avx512 kernel and AVX2 versions used with the avx2 one;
// with purego they run their pure-Go loops, which are also their reference
// in the tests. FastGathers tells callers whether assembly helpers are in
// use. They are selected by a flag of the kernel and called directly, not
// through function values, so that their callers' small buffers do not
// escape to the heap. The unrolled assembly of the depthwise kernels, of
// DotShiftsLanesOuts and of the Winograd transforms (both ISAs) is written
// by generators, gen/depthwise.py, gen/dotshifts_outs.py and
// gen/winograd_*.py (run by hand, their output committed); the rest is
// written by hand.
//
// MODELDOCTOR_ASM=avx2 (or purego) in the environment starts a program with
// that implementation instead of the best: `MODELDOCTOR_ASM=avx2 go test
// -count=1 ./...` reruns the test suite with AVX-512 masked off (-count=1
// because the variable is read at package init, which the test cache does
// not see).
//
// The AVX-512 tile is 14×32: each tile row is two ZMM vectors, so 14 rows
// use 28 of the 32 registers as accumulators, leaving two for the B vectors
// of the current step and two for broadcast A values. 12×32 and 8×48 use
// only 24: 8×48 needs fewer loads per FMA, but loads are not the limit
// (16 per 14-cycle step here), while the C tile loaded and stored per call
// is amortised over the most accumulators with 14×32. The AVX2 tile is 6×16
// on the same plan with 16 YMM registers (12 accumulators). Kernel comments
// give the details. The AVX-512 kernel has an edge twin
// (kernel_edge_avx512_amd64.s) for tiles of fewer than 14 rows, which
// computes and writes only those rows: with M = 64 or 128 (the output
// channels of common convolutions) the last row tile holds 8 or 2 rows, and
// running the full kernel on it cost ~8% of the whole product. It gives
// each row the same bits as the full kernel.
//
// # Algorithm
//
// The driver (driver.go) is the BLIS/Goto five-loop algorithm: B is packed
// in kc×nc panels, A in mc×kc blocks, both as contiguous, zero-padded
// micro-panels (pack.go), and the micro-kernel computes one mr×nr tile of C
// over one kc-deep slice per call. Bounding each assembly call to one tile
// and one slice (a few microseconds) keeps goroutine preemption and GC
// responsive. Tiles at the right and bottom edges of C run the same kernel
// on a private tile buffer, and only the part inside C is copied back, so
// memory outside C (including the padding between rows) is never touched.
// Untransposed A is packed by small assembly transposes (pack_*_amd64.s).
//
// When a worker's region of C is no taller than one A block (the usual
// case for convolutions, where M is the number of output channels), the
// packed B panel would be used by that one block only, so a large panel
// buys no reuse: the driver then packs A once per kc slice and B one
// micro-panel at a time, consuming each while it is in L1
// (computeShort). Every tile sees the same kernel calls in the same order
// either way, so the results are bitwise identical.
//
// Block sizes come from the data cache sizes cpuid reports, with fallbacks
// of 32 KiB L1, 256 KiB L2 and 4 MiB L3 where it reports none
// (blocking.go):
//
//	kc = L1 / (4·nr)        B micro-panel as large as L1
//	mc = (L2/2) / (4·kc)    A block in half of L2
//	nc = (L3/2) / (4·kc)    B panel in half of L3
//
// kc is larger than the textbook half of L1 because current cores stream
// the packed operands from L2 as fast as the kernel needs them, and a
// deeper kc amortises the load and store of the C tile done once per call.
// On the Zen 5 core this was tuned on (48 KiB L1, 1 MiB L2) this gives
// kc=384, mc=336 for avx512 and kc=512, mc=252 for avx2. Within one call,
// the K range is cut into equal panels of at most kc, and the M and N
// ranges into equal blocks of at most mc and nc, to avoid slivers.
//
// # Parallelism and determinism
//
// C is divided into a grid of disjoint rectangles along tile boundaries,
// one per worker (parallel.go); the grid shape is picked by a small cost
// model that weighs each worker's share of the multiply-adds against the
// packing that splitting duplicates (splitting N makes every worker pack
// all of A, splitting M all of B). K is never split. Every element of C is
// therefore computed by one kernel, from the same kc slices of K in the
// same order, whatever the number of workers: results are bitwise identical
// for any thread count, including SgemmSourceB against Sgemm. They are not
// bitwise identical between implementations (FMA versus separate multiply
// and add, different summation splits); each implementation is tested
// against the float64-accumulating reference sgemmNaive within a float32
// rounding bound.
//
// # Performance
//
// bench_test.go has Sgemm at 256, 512 and 1024 for each implementation on
// one and all threads, gonum's blas32 at 1024 for comparison, the FMA peak,
// and BenchmarkEfficiency, which reports SGEMM 1024³ on one thread as a
// percentage of the FMA peak measured in the same run:
//
//	go test -run XXX -bench . -benchmem ./asm/
//	go test -run XXX -bench Efficiency -benchtime 40x -count 3 ./asm/
//
// BenchmarkEfficiency reports the best SGEMM run against the best peak
// window, because on a shared machine the means mostly measure the
// neighbours. TestTuneBlocking (tune_linux_test.go, skipped unless ASM_TUNE
// is set) compares block sizes in thread CPU time, and BenchmarkKernel
// times the micro-kernel alone.
package asm
