package backend

import (
	"fmt"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/kernels"
	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// recMachine is the interpreter, noting each kernel it launches.
type recMachine struct {
	interp
	names []string
}

func (r *recMachine) Launch(k *ptx.Kernel, grid, block ptx.Dim3, args ...any) error {
	r.names = append(r.names, k.Name())
	return r.interp.Launch(k, grid, block, args...)
}

// sgemmRan is the SGEMM kernel among the launches.
func sgemmRan(t *testing.T, names []string) string {
	t.Helper()
	for _, n := range names {
		if strings.HasPrefix(n, "sgemm_") {
			return n
		}
	}
	t.Fatalf("no sgemm among the launches %v", names)
	return ""
}

// TestGemmKernelChoice: the vectorised SGEMM only where N and K are
// multiples of 4 and every operand is 16-byte aligned.
func TestGemmKernelChoice(t *testing.T) {
	be := newBackend(t)
	var mem ptx.Memory
	p := mem.Alloc(64)
	q := mem.Alloc(64)
	for _, c := range []struct {
		m, n, k  int
		t, a, b  ptx.Ptr
		vec, big bool
	}{
		{8, 8, 8, p, q, p, true, false},
		{8, 8, 8, at(p, 4), at(q, 8), at(p, 12), true, false},
		{200, 200, 8, p, q, p, true, true},
		{200, 200, 6, p, q, p, false, true},     // K % 4 ≠ 0
		{8, 6, 8, p, q, p, false, false},        // N % 4 ≠ 0
		{8, 8, 8, at(p, 1), q, p, false, false}, // T misaligned
		{8, 8, 8, p, at(q, 2), p, false, false}, // A misaligned
		{8, 8, 8, p, q, at(p, 3), false, false}, // B misaligned
	} {
		cfg, kern := be.gemmKernel(c.m, c.n, c.k, c.t, c.a, c.b)
		want := kernels.SmallSgemm
		switch {
		case c.vec && c.big:
			want = kernels.DefaultSgemmVec4
		case c.vec:
			want = kernels.SmallSgemmVec4
		case c.big:
			want = kernels.DefaultSgemm
		}
		if cfg != want || strings.HasPrefix(kern.Name(), "sgemm_v4_") != c.vec {
			t.Errorf("%dx%dx%d at %#x %#x %#x: %+v (%s), want %+v", c.m, c.n, c.k,
				uint64(c.t), uint64(c.a), uint64(c.b), cfg, kern.Name(), want)
		}
	}
}

// TestGemmAtVec4: gemmAt runs the vectorised kernel on qualifying shapes
// and offsets and the scalar one otherwise, with the same bits, which are
// the fma chain's.
func TestGemmAtVec4(t *testing.T) {
	be := newBackend(t)
	r := tensor.NewRNG(21)
	for _, c := range []struct {
		transA     bool
		m, n, k    int
		aOff, bOff int
		vec        bool
	}{
		{false, 9, 12, 8, 4, 8, true},     // dense, offsets multiples of 4
		{false, 9, 12, 8, 3, 8, false},    // A at an odd offset
		{false, 9, 12, 8, 4, 2, false},    // B at an odd offset
		{false, 9, 10, 8, 4, 8, false},    // N % 4 ≠ 0
		{false, 9, 12, 7, 4, 8, false},    // K % 4 ≠ 0
		{true, 9, 12, 8, 3, 8, true},      // A packed into a fresh, aligned buffer
		{false, 130, 132, 12, 0, 0, true}, // the large tiling
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			m, n, k := c.m, c.n, c.k
			lda := k
			if c.transA {
				lda = m
			}
			a := tensor.Uniform(r, -1, 1, c.aOff+opSpan(c.transA, m, k, lda)).Borrow()
			b := tensor.Uniform(r, -1, 1, c.bOff+k*n).Borrow()
			var mem ptx.Memory
			rec := &recMachine{interp: interp{&mem}}
			pa, pb := mem.AllocF32(a), mem.AllocF32(b)
			pc := mem.Alloc(m * n)
			if !be.gemmAt(rec, c.transA, false, m, n, k, 1, pa, c.aOff, lda, pb, c.bOff, n, 0, pc, 0, n) {
				t.Fatal("gemmAt declined")
			}
			if got := strings.HasPrefix(sgemmRan(t, rec.names), "sgemm_v4_"); got != c.vec {
				t.Fatalf("launches %v: vectorised %v, want %v", rec.names, got, c.vec)
			}
			got := mem.ReadF32(pc)
			want := make([]float32, m*n)
			for i := range m {
				for j := range n {
					var s float32
					for p := range k {
						x := a[c.aOff+i*k+p]
						if c.transA {
							x = a[c.aOff+p*lda+i]
						}
						s = kernels.FMA32(x, b[c.bOff+p*n+j], s)
					}
					want[i*n+j] = 1 * s
				}
			}
			sameBits(t, "gemmAt", got, want)
			if mem.Live() != 3 {
				t.Fatalf("%d buffers live, want 3", mem.Live())
			}
		})
	}
}
