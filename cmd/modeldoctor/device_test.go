package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda"
)

// TestDeviceFlagBadInputs: an unknown --device, and cuda where there is
// no GPU, are refused in one line naming the flag before any work.
func TestDeviceFlagBadInputs(t *testing.T) {
	dir := t.TempDir()
	type row struct {
		args []string
		want string
	}
	rows := []row{
		{[]string{"train", "--device", "gpu"}, "--device gpu: want cpu, cuda, auto or sim"},
		{[]string{"eval", "--weights", "w.safetensors", "--device", "GPU"}, "--device GPU: want"},
		{[]string{"sift", "--weights", "w.safetensors", "--device", "cuda:0"}, "--device cuda:0: want"},
		{[]string{"diagnose", "--weights", "w.safetensors", "--device", ""}, "--device : want"},
		{[]string{"treat", "--weights", "w.safetensors", "--device", "tpu"}, "--device tpu: want"},
		{[]string{"demo", "--device", "metal"}, "--device metal: want"},
		{[]string{"study", "run", "--plan", "p.json", "--device", "x"}, "--device x: want"},
		{[]string{"bench", "kernels", "--device", "gpu"}, "--device gpu: want"},
		{[]string{"bench", "kernels", "--device", "sim", "--threads", "1"}, "--threads"},
	}
	if ok, _ := cuda.Available(); !ok {
		// Refused before any data is read (there is no MNIST in dir).
		rows = append(rows,
			row{[]string{"train", "--device", "cuda", "--limit", "100"}, "--device cuda: no GPU: "},
			row{[]string{"bench", "kernels", "--device", "cuda"}, "--device cuda: no GPU: "})
	} else {
		t.Log("a GPU is present: the rows for --device cuda without one are skipped")
	}
	for _, c := range rows {
		requireOneLineError(t, cli(t, dir, c.args...), c.args, c.want)
	}
}

// TestTrainOnSimulatedDevice trains LeNet for one epoch on a tiny image
// folder on the simulated CUDA device and on the CPU: the run says which
// device it used, and the epoch's losses (4 decimals) and accuracies agree
// as printed. The device sums in another order than the CPU (SGEMM's fma
// chains, the sum's tree), so values differ in their last bits; a printed
// loss could differ in its last digit only if it lay within those bits of
// a rounding boundary. The runs are deterministic: such a case would fail
// on every run, not now and then.
func TestTrainOnSimulatedDevice(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on the simulated device (slow)")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "imgs")
	writeFolder(t, root, "train", "cat", "dog")
	writeFolder(t, root, "test", "cat", "dog")
	acc := regexp.MustCompile(`train loss .* acc [0-9.]+%  test loss .* acc [0-9.]+%`)
	results := map[string]string{}
	for _, dev := range []string{"cpu", "sim"} {
		args := []string{"train", "--dataset", "folder:" + root, "--model", "lenet", "--epochs", "1", "--batch", "3",
			"--workers", "1", "--device", dev, "--out", filepath.Join(dir, dev)}
		r := cli(t, dir, args...)
		if r.status != 0 {
			t.Fatalf("%v: status %d\n%s", args, r.status, r.stderr)
		}
		if dev == "sim" && !strings.Contains(r.stderr, "device: sim:0") {
			t.Errorf("%v does not say which device it used:\n%s", args, r.stderr)
		}
		results[dev] = acc.FindString(r.stderr)
		if results[dev] == "" || !strings.Contains(r.stdout, "test accuracy") {
			t.Fatalf("%v: no epoch line or accuracy in\n%s%s", args, r.stderr, r.stdout)
		}
		var prov struct {
			Settings map[string]string `json:"settings"`
			Version  map[string]string `json:"version"`
		}
		readJSON(t, filepath.Join(dir, dev, "lenet-folder-imgs.provenance.json"), &prov)
		want := map[string]string{"cpu": "cpu", "sim": "sim:0"}[dev]
		if prov.Version["device"] != want || prov.Settings["device"] != "" {
			t.Errorf("%s run's provenance: device %q with the versions, %q with the settings; want %q and none", dev, prov.Version["device"], prov.Settings["device"], want)
		}
	}
	if results["cpu"] != results["sim"] {
		t.Errorf("cpu: %s, sim: %s", results["cpu"], results["sim"])
	}
	// A run started on the CPU resumes on the device: the device is not a
	// setting.
	args := []string{"train", "--dataset", "folder:" + root, "--model", "lenet", "--epochs", "1", "--batch", "3",
		"--workers", "1", "--device", "sim", "--resume", "--out", filepath.Join(dir, "cpu")}
	if r := cli(t, dir, args...); r.status != 0 {
		t.Errorf("%v: status %d\n%s", args, r.status, r.stderr)
	}
}

// TestBenchKernelsOnSimulatedDevice times the smallest SGEMM on the
// simulated device: the report names the device, and the GEMM ran on its
// kernel (no host fallback).
func TestBenchKernelsOnSimulatedDevice(t *testing.T) {
	if testing.Short() {
		t.Skip("runs kernels in the interpreter")
	}
	dir := t.TempDir()
	args := []string{"bench", "kernels", "--device", "sim", "--only", "sgemm", "--filter", "sgemm 256", "--reps", "1", "--json", "-"}
	r := cli(t, dir, args...)
	if r.status != 0 {
		t.Fatalf("%v: status %d\n%s", args, r.status, r.stderr)
	}
	var rep benchReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, r.stdout)
	}
	if rep.Device != "sim:0" || len(rep.Rows) != 1 || rep.Rows[0].Kind != "sgemm" || !(rep.Rows[0].Ms > 0) || rep.Rows[0].HostFallbacks != 0 {
		t.Errorf("%v: report %+v; want one sgemm row on sim:0, timed, without host fallbacks", args, rep)
	}
}
