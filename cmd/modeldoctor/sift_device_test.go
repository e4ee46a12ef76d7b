package main

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestSiftDiagnoseOnSimulatedDevice sifts and diagnoses LeNet (trained on
// the CPU on a tiny image folder) on the simulated CUDA device and on the
// CPU: the device runs say which device they used and record it, nothing
// says the stages run on the host, and the sifted images agree. (The
// device sums in another order than the CPU, so the diagnosis's values
// differ in their last bits; the fake device's tests in package doctor
// check its arithmetic bit for bit.)
func TestSiftDiagnoseOnSimulatedDevice(t *testing.T) {
	if testing.Short() {
		t.Skip("runs on the simulated device (slow)")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "imgs")
	writeFolder(t, root, "train", "cat", "dog")
	writeFolder(t, root, "test", "cat", "dog")
	common := []string{"--dataset", "folder:" + root, "--model", "lenet", "--batch", "3", "--workers", "1"}
	args := append([]string{"train", "--epochs", "1", "--out", filepath.Join(dir, "w")}, common...)
	if r := cli(t, dir, args...); r.status != 0 {
		t.Fatalf("%v: status %d\n%s", args, r.status, r.stderr)
	}
	weights := filepath.Join(dir, "w", "lenet-folder-imgs.safetensors")
	sifts := map[string]siftFile{}
	for _, dev := range []string{"cpu", "sim"} {
		out := filepath.Join(dir, dev)
		for _, stage := range []string{"sift", "diagnose"} {
			args := append([]string{stage, "--weights", weights, "--out", out, "--n", "2", "--n-low", "1", "--device", dev}, common...)
			r := cli(t, dir, args...)
			if r.status != 0 {
				t.Fatalf("%v: status %d\n%s", args, r.status, r.stderr)
			}
			if strings.Contains(r.stderr, "runs on the host") || (dev == "sim" && !strings.Contains(r.stderr, "device: sim:0")) {
				t.Errorf("%v does not say it ran on %s:\n%s", args, dev, r.stderr)
			}
		}
		want := map[string]string{"cpu": "cpu", "sim": "sim:0"}[dev]
		var sf siftFile
		readJSON(t, filepath.Join(out, "sift.json"), &sf)
		var dg struct {
			Provenance struct {
				Version map[string]string `json:"version"`
			} `json:"provenance"`
			Mask [][]int `json:"mask"`
		}
		readJSON(t, filepath.Join(out, "diagnosis.json"), &dg)
		if sf.Provenance == nil || sf.Provenance.Version["device"] != want || dg.Provenance.Version["device"] != want || len(dg.Mask) != 2 {
			t.Errorf("%s: sift.json's device %v, diagnosis.json's %q (%d mask rows); want %q and 2 rows", dev, sf.Provenance, dg.Provenance.Version["device"], len(dg.Mask), want)
		}
		sifts[dev] = sf
	}
	c, s := sifts["cpu"].SiftResult, sifts["sim"].SiftResult
	if !reflect.DeepEqual(c, s) {
		t.Errorf("sifted on the CPU %+v, on the device %+v", c, s)
	}
	if len(c.High[0])+len(c.High[1]) == 0 {
		t.Errorf("no image sifted (%+v): the comparison sees nothing", c)
	}
}
