package ptx

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPTXAssembles runs NVIDIA's assembler on this package's instruction
// test kernels for Ampere and Hopper, so that each instruction the builder
// emits is one ptxas accepts; without ptxas on PATH it skips.
func TestPTXAssembles(t *testing.T) {
	ptxas, err := exec.LookPath("ptxas")
	if err != nil {
		t.Skip("ptxas not on PATH; install a CUDA toolkit to assemble the generated PTX")
	}
	dir := t.TempDir()
	ks := append(append(append(instrKernels(), u64Kernels()...), vecKernels()...), reverseKernel(true))
	for _, k := range ks {
		src := filepath.Join(dir, k.Name()+".ptx")
		if err := os.WriteFile(src, []byte(k.PTX()), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, arch := range []string{"sm_80", "sm_90"} {
			out, err := exec.Command(ptxas, "-arch="+arch, "-o", filepath.Join(dir, k.Name()+"."+arch+".cubin"), src).CombinedOutput()
			if err != nil {
				t.Errorf("ptxas -arch=%s %s: %v\n%s", arch, k.Name(), err, out)
			} else if len(out) > 0 {
				t.Errorf("ptxas -arch=%s %s warns:\n%s", arch, k.Name(), out)
			}
		}
	}
	t.Logf("%d kernels assembled for sm_80 and sm_90", len(ks))
}
