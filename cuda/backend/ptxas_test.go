package backend_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/backend"
)

// TestPTXAssembles runs NVIDIA's assembler on every kernel the backend
// launches (its own ones and the simulated device's) for Ampere and Hopper; without ptxas on
// PATH it skips.
func TestPTXAssembles(t *testing.T) {
	ptxas, err := exec.LookPath("ptxas")
	if err != nil {
		t.Skip("ptxas not on PATH; install a CUDA toolkit to assemble the generated PTX")
	}
	s, err := backend.NewSim("cuda:ptxas")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, k := range s.Kernels() { // the backend's and the device-only ops'

		src := filepath.Join(dir, k.Name()+".ptx")
		if err := os.WriteFile(src, []byte(k.PTX()), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, arch := range []string{"sm_80", "sm_90"} {
			out, err := exec.Command(ptxas, "-v", "-arch="+arch, "-o", filepath.Join(dir, k.Name()+"."+arch+".cubin"), src).CombinedOutput()
			if err != nil {
				t.Errorf("ptxas -arch=%s %s: %v\n%s", arch, k.Name(), err, out)
				continue
			}
			// -v's resource line (registers, shared memory), for go test -v.
			for _, line := range strings.Split(string(out), "\n") {
				if strings.Contains(line, "Used") {
					t.Logf("%s %s:%s", arch, k.Name(), strings.TrimPrefix(line, "ptxas info    :"))
				}
			}
		}
	}
}
