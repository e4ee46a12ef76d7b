package cuda

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/kernels"
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// These tests run the cuda/kernels kernels on a real GPU (MODELDOCTOR_CUDA=1)
// and compare with the ptx interpreter or its exact Go twins: the float ops
// carry explicit rounding, so the GPU must agree bit for bit.

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// upload copies v into a fresh device buffer.
func upload(t *testing.T, c *Context, v []float32) Buffer {
	t.Helper()
	b, err := c.Alloc(4 * max(len(v), 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CopyToDevice(b, v); err != nil {
		t.Fatal(err)
	}
	return b
}

func download(t *testing.T, c *Context, b Buffer, n int) []float32 {
	t.Helper()
	out := make([]float32, n)
	if err := c.CopyFromDevice(out, b); err != nil {
		t.Fatal(err)
	}
	return out
}

func load(t *testing.T, c *Context, k *ptx.Kernel) *Function {
	t.Helper()
	f, m, err := c.LoadKernel(k)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Unload() })
	if m.InfoLog != "" {
		t.Logf("%s JIT: %s", k.Name(), m.InfoLog)
	}
	return f
}

// timed launches once and returns the milliseconds between events around it.
func timed(t *testing.T, c *Context, launch func() error) float32 {
	t.Helper()
	start, _ := c.NewEvent()
	end, _ := c.NewEvent()
	defer start.Destroy()
	defer end.Destroy()
	if err := start.Record(nil); err != nil {
		t.Fatal(err)
	}
	if err := launch(); err != nil {
		t.Fatal(err)
	}
	if err := end.Record(nil); err != nil {
		t.Fatal(err)
	}
	if err := end.Synchronize(); err != nil {
		t.Fatal(err)
	}
	ms, err := end.Elapsed(start)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func firstMismatch(got, want []float32) int {
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			return i
		}
	}
	return -1
}

func TestGPUElementwise(t *testing.T) {
	c := gpuContext(t)
	const n = 1<<20 + 3 // not a multiple of the block
	r := rand.New(rand.NewPCG(11, 12))
	a, b := randVec(r, n), randVec(r, n)
	grid, block := ptx.D1(kernels.ElementwiseGrid(n)), ptx.D1(kernels.ElementwiseBlock)
	cases := []struct {
		k    *ptx.Kernel
		args func(out, pa, pb Buffer) []any
		ref  []float32
	}{
		{kernels.Add(), func(o, x, y Buffer) []any { return []any{o, x, y, uint32(n)} }, kernels.AddRef(a, b)},
		{kernels.Mul(), func(o, x, y Buffer) []any { return []any{o, x, y, uint32(n)} }, kernels.MulRef(a, b)},
		{kernels.Relu(), func(o, x, _ Buffer) []any { return []any{o, x, uint32(n)} }, kernels.ReluRef(a)},
		{kernels.ReluBackward(), func(o, x, y Buffer) []any { return []any{o, x, y, uint32(n)} }, kernels.ReluBackwardRef(a, b)},
		{kernels.Axpy(), func(o, x, y Buffer) []any { return []any{o, x, float32(-0.01), uint32(n)} }, kernels.AxpyRef(-0.01, a, b)},
	}
	pa, pb := upload(t, c, a), upload(t, c, b)
	for _, tc := range cases {
		f := load(t, c, tc.k)
		out := upload(t, c, b) // axpy updates y in place; the others overwrite
		ms := timed(t, c, func() error { return f.Launch(grid, block, 0, nil, tc.args(out, pa, pb)...) })
		got := download(t, c, out, n)
		check := "bit-exact vs Go reference"
		if i := firstMismatch(got, tc.ref); i >= 0 {
			check = fmt.Sprintf("MISMATCH at %d: %g want %g", i, got[i], tc.ref[i])
			t.Errorf("%s: %s", tc.k.Name(), check)
		}
		report(tc.k.Name(), fmt.Sprint(n), check, fmt.Sprintf("%.3f ms, %.0f GB/s", ms, 12*n/float64(ms)/1e6))
		c.Free(out)
	}
}

func TestGPUSum(t *testing.T) {
	c := gpuContext(t)
	r := rand.New(rand.NewPCG(13, 14))
	f := load(t, c, kernels.Sum())
	for _, n := range []int{1, 1000, 1<<24 + 11} {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(r.Float64())
		}
		in := upload(t, c, x)
		blocks := kernels.SumBlocks(n)
		partial, _ := c.Alloc(4 * blocks)
		total, _ := c.Alloc(4)
		ms := timed(t, c, func() error {
			if err := f.Launch(ptx.D1(uint32(blocks)), ptx.D1(kernels.SumBlock), 0, nil, partial, in, uint32(n)); err != nil {
				return err
			}
			return f.Launch(ptx.D1(1), ptx.D1(kernels.SumBlock), 0, nil, total, partial, uint32(blocks))
		})
		got := download(t, c, total, 1)[0]
		want := kernels.SumTreeRef(x)
		check := "bit-exact vs tree order"
		if math.Float32bits(got) != math.Float32bits(want) {
			check = fmt.Sprintf("MISMATCH: %g want %g", got, want)
			t.Error(check)
		}
		if rel := math.Abs(float64(got)-kernels.SumRef(x)) / kernels.SumRef(x); rel > 1e-5 {
			t.Errorf("sum of %d: relative error %.2g vs float64", n, rel)
		}
		report("sum_f32 (2 passes)", fmt.Sprint(n), check, fmt.Sprintf("%.3f ms", ms))
		c.Free(in)
		c.Free(partial)
		c.Free(total)
	}
}

// TestGPUSgemm compares ragged shapes with the interpreter, bit for bit.
func TestGPUSgemm(t *testing.T) {
	c := gpuContext(t)
	r := rand.New(rand.NewPCG(15, 16))
	for _, s := range []struct {
		cfg     kernels.SgemmConfig
		m, n, k int
	}{
		{kernels.SmallSgemm, 33, 17, 9},
		{kernels.DefaultSgemm, 257, 130, 67},
		{kernels.DefaultSgemm, 1, 300, 5},
		{kernels.SmallSgemmVec4, 33, 20, 12}, // vectorised: N and K multiples of 4
		{kernels.DefaultSgemmVec4, 257, 132, 68},
	} {
		kern, err := kernels.Sgemm(s.cfg)
		if err != nil {
			t.Fatal(err)
		}
		a, b := randVec(r, s.m*s.k), randVec(r, s.k*s.n)
		var mem ptx.Memory
		ia, ib, ic := mem.AllocF32(a), mem.AllocF32(b), mem.Alloc(s.m*s.n)
		grid, block := s.cfg.Grid(s.m, s.n), ptx.D1(uint32(s.cfg.Threads()))
		args := func(c, a, b any) []any { return []any{c, a, b, uint32(s.m), uint32(s.n), uint32(s.k)} }
		if err := kern.Run(&mem, grid, block, args(ic, ia, ib)...); err != nil {
			t.Fatal(err)
		}
		want := mem.ReadF32(ic)

		f := load(t, c, kern)
		da, db := upload(t, c, a), upload(t, c, b)
		dc, _ := c.Alloc(4 * s.m * s.n)
		ms := timed(t, c, func() error { return f.Launch(grid, block, 0, nil, args(dc, da, db)...) })
		got := download(t, c, dc, s.m*s.n)
		check := "bit-exact vs interpreter"
		if i := firstMismatch(got, want); i >= 0 {
			check = fmt.Sprintf("MISMATCH at %d: %g want %g", i, got[i], want[i])
			t.Errorf("%s %dx%dx%d: %s", kern.Name(), s.m, s.n, s.k, check)
		}
		report(kern.Name(), fmt.Sprintf("%dx%dx%d", s.m, s.n, s.k), check, fmt.Sprintf("%.3f ms", ms))
		c.Free(da)
		c.Free(db)
		c.Free(dc)
	}
}

// TestGPUSgemm4096 times C = A·B at 4096³ with events, scalar and
// vectorised tilings, and checks sampled elements against the fma chain
// the kernels promise, bit for bit.
func TestGPUSgemm4096(t *testing.T) {
	for _, cfg := range []kernels.SgemmConfig{kernels.DefaultSgemm, kernels.DefaultSgemmVec4} {
		gpuSgemm4096(t, cfg)
	}
}

func gpuSgemm4096(t *testing.T, cfg kernels.SgemmConfig) {
	c := gpuContext(t)
	const n = 4096
	r := rand.New(rand.NewPCG(17, 18))
	a, b := randVec(r, n*n), randVec(r, n*n)
	kern, err := kernels.Sgemm(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := load(t, c, kern)
	da, db := upload(t, c, a), upload(t, c, b)
	dc, _ := c.Alloc(4 * n * n)
	grid, block := cfg.Grid(n, n), ptx.D1(uint32(cfg.Threads()))
	launch := func() error { return f.Launch(grid, block, 0, nil, dc, da, db, uint32(n), uint32(n), uint32(n)) }
	timed(t, c, launch) // warm up: JIT caches, clocks
	const reps = 10
	ms := timed(t, c, func() error {
		for range reps {
			if err := launch(); err != nil {
				return err
			}
		}
		return nil
	}) / reps
	got := download(t, c, dc, n*n)
	bad := 0
	for range 64 {
		i, j := r.IntN(n), r.IntN(n)
		var s float32
		for p := range n {
			s = kernels.FMA32(a[i*n+p], b[p*n+j], s)
		}
		if math.Float32bits(got[i*n+j]) != math.Float32bits(s) {
			bad++
			t.Errorf("C[%d,%d] = %g, want %g", i, j, got[i*n+j], s)
		}
	}
	check := "64 samples bit-exact vs fma chain"
	if bad > 0 {
		check = fmt.Sprintf("%d/64 samples MISMATCH", bad)
	}
	tflops := 2 * float64(n) * n * n / (float64(ms) / 1e3) / 1e12
	report(kern.Name(), "4096x4096x4096", check, fmt.Sprintf("%.2f ms, %.2f TFLOP/s", ms, tflops))
	c.Free(da)
	c.Free(db)
	c.Free(dc)
}
