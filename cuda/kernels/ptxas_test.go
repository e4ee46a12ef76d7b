package kernels

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPTXAssembles runs NVIDIA's assembler on every kernel for the
// Ampere and Hopper architectures. ptxas is optional (CUDA toolkits and
// Debian's non-free nvidia-cuda-toolkit ship it); without it the test
// skips, and the real check is the driver JIT in the cuda package's GPU
// tests.
func TestPTXAssembles(t *testing.T) {
	ptxas, err := exec.LookPath("ptxas")
	if err != nil {
		t.Skip("ptxas not on PATH; install a CUDA toolkit to assemble the generated PTX")
	}
	ks, err := All()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, k := range ks {
		src := filepath.Join(dir, k.Name()+".ptx")
		if err := os.WriteFile(src, []byte(k.PTX()), 0o644); err != nil {
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
