package kernels

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// vec4Configs are the vector tilings the tests cover: the two the backend
// uses, one whose slices have fewer quads than the block has threads (so
// the last threads stage nothing), and a non-square one.
var vec4Configs = []SgemmConfig{
	DefaultSgemmVec4,
	SmallSgemmVec4,
	{BM: 32, BN: 32, BK: 4, TM: 4, TN: 4, Vec4: true},
	{BM: 32, BN: 64, BK: 16, TM: 4, TN: 8, Vec4: true},
}

// TestSgemmVec4 runs the vector variant on shapes that qualify (N and K
// multiples of 4, buffers aligned) and checks it against the fma chain
// and against the scalar kernel, bit for bit.
func TestSgemmVec4(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	shapes := []struct{ m, n, k int }{
		{16, 32, 8},    // one small tile exactly
		{1, 4, 4},      // one quad
		{33, 20, 12},   // ragged M and N, K not a multiple of BK = 8
		{5, 40, 36},    // wide
		{48, 4, 64},    // tall and thin
		{130, 132, 20}, // more than one default tile each way
	}
	for _, cfg := range vec4Configs {
		kern, err := Sgemm(cfg)
		if err != nil {
			t.Fatal(err)
		}
		scalarCfg := cfg
		scalarCfg.Vec4 = false
		scalar, err := Sgemm(scalarCfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range shapes {
			t.Run(fmt.Sprintf("%v/%dx%dx%d", cfg, s.m, s.n, s.k), func(t *testing.T) {
				a, b := randVec(r, s.m*s.k), randVec(r, s.k*s.n)
				var mem ptx.Memory
				pa, pb := mem.AllocF32(a), mem.AllocF32(b)
				pc, ps := mem.Alloc(s.m*s.n), mem.Alloc(s.m*s.n)
				if !SgemmVec4Fits(s.n, s.k, pa, pb, pc) {
					t.Fatal("shape does not qualify")
				}
				grid, block := cfg.Grid(s.m, s.n), ptx.D1(uint32(cfg.Threads()))
				run(t, kern, &mem, grid, block, pc, pa, pb, uint32(s.m), uint32(s.n), uint32(s.k))
				run(t, scalar, &mem, grid, block, ps, pa, pb, uint32(s.m), uint32(s.n), uint32(s.k))
				got := mem.ReadF32(pc)
				sameBits(t, "C vs fma chain", got, sgemmFMARef(a, b, s.m, s.n, s.k))
				sameBits(t, "C vs scalar kernel", got, mem.ReadF32(ps))
			})
		}
	}
}

// TestSgemmVec4Faults shows the interpreter catching the vector variant
// used where it does not fit: a K or N that is not a multiple of 4, or an
// operand at an element offset that is not, is a misaligned 128-bit
// access.
func TestSgemmVec4Faults(t *testing.T) {
	cfg := SmallSgemmVec4
	kern, err := Sgemm(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		m, n, k    int
		aOff, cOff int
	}{
		{4, 8, 6, 0, 0}, // K % 4 ≠ 0: A's second row is misaligned
		{8, 6, 8, 0, 0}, // N % 4 ≠ 0
		{4, 8, 8, 1, 0}, // A one element into its buffer
		{4, 8, 8, 0, 2}, // C two elements in
	} {
		var mem ptx.Memory
		pa := mem.Alloc(c.aOff + c.m*c.k)
		pb := mem.Alloc(c.k * c.n)
		pc := mem.Alloc(c.cOff + c.m*c.n)
		a, cc := pa+ptx.Ptr(4*c.aOff), pc+ptx.Ptr(4*c.cOff)
		if SgemmVec4Fits(c.n, c.k, a, pb, cc) {
			t.Errorf("%+v: SgemmVec4Fits says yes", c)
		}
		err := kern.Run(&mem, cfg.Grid(c.m, c.n), ptx.D1(uint32(cfg.Threads())), cc, a, pb, uint32(c.m), uint32(c.n), uint32(c.k))
		if err == nil || !strings.Contains(err.Error(), "not 16-byte aligned") {
			t.Errorf("%+v: err = %v, want a misaligned vector access", c, err)
		}
	}
}

func TestSgemmVec4RejectsBadTiling(t *testing.T) {
	for _, c := range []SgemmConfig{
		{BM: 16, BN: 16, BK: 4, TM: 2, TN: 4, Vec4: true}, // TM < 4
		{BM: 16, BN: 16, BK: 4, TM: 4, TN: 2, Vec4: true}, // TN < 4
		{BM: 16, BN: 16, BK: 2, TM: 4, TN: 4, Vec4: true}, // BK < 4
		{BM: 24, BN: 16, BK: 4, TM: 4, TN: 4, Vec4: true}, // not a power of two
	} {
		if _, err := Sgemm(c); err == nil {
			t.Errorf("tiling %+v accepted", c)
		}
	}
}

// TestSgemmVec4PTXAssembles runs ptxas on the vector variants for Ampere
// and Hopper (All lists only the scalar tilings); without ptxas it skips.
func TestSgemmVec4PTXAssembles(t *testing.T) {
	ptxas, err := exec.LookPath("ptxas")
	if err != nil {
		t.Skip("ptxas not on PATH; install a CUDA toolkit to assemble the generated PTX")
	}
	dir := t.TempDir()
	for _, cfg := range vec4Configs {
		k, err := Sgemm(cfg)
		if err != nil {
			t.Fatal(err)
		}
		text := k.PTX()
		for _, op := range []string{"ld.global.v4.f32", "ld.shared.v4.f32", "st.shared.v4.f32", "st.global.v4.f32"} {
			if !strings.Contains(text, op) {
				t.Errorf("%s has no %s", k.Name(), op)
			}
		}
		src := filepath.Join(dir, k.Name()+".ptx")
		if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, arch := range []string{"sm_80", "sm_90"} {
			out, err := exec.Command(ptxas, "-arch="+arch, "-v", "-o", filepath.Join(dir, k.Name()+"."+arch+".cubin"), src).CombinedOutput()
			if err != nil {
				t.Errorf("ptxas -arch=%s %s: %v\n%s", arch, k.Name(), err, out)
				continue
			}
			t.Logf("%s %s: %s", k.Name(), arch, out)
		}
	}
}
