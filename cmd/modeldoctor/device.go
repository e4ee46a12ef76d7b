package main

import (
	"flag"
	"fmt"
	"os"
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda"
	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
)

// The devices --device names. The simulated device has a name of its own,
// so that nothing it computed is mistaken for a GPU's.
const (
	gpuDevice tensor.Device = "cuda:0"
	simDevice tensor.Device = "sim:0"
)

const deviceUsage = "where tensors are computed: cpu; cuda (GPU 0); auto (cuda when a GPU is available, else cpu); " +
	"or sim (the simulated CUDA device: for testing the device path without a GPU; thousands of times slower)"

// registerDevice adds --device (default cpu) to fs, stored in p.
func registerDevice(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "device", "cpu", deviceUsage)
}

// devices holds what --device resolved to, once per process: the device
// is opened and registered once, and the line saying which one was chosen
// is printed once, however many stages validate the flag.
var devices struct {
	sync.Mutex
	resolved map[string]tensor.Device
}

// checkDeviceName refuses a --device value that is none of the four,
// without opening anything.
func checkDeviceName(name string) error {
	switch name {
	case "cpu", "cuda", "auto", "sim":
		return nil
	}
	return fmt.Errorf("--device %s: want cpu, cuda, auto or sim", name)
}

// resolveDevice turns a --device value into the device to compute on
// (tensor.Host for cpu), opening and registering it on first use. Every
// other than cpu says on standard error which device it is.
func resolveDevice(name string) (tensor.Device, error) {
	if name == "cpu" {
		return tensor.Host, nil
	}
	if err := checkDeviceName(name); err != nil {
		return "", err
	}
	devices.Lock()
	defer devices.Unlock()
	if d, ok := devices.resolved[name]; ok {
		return d, nil
	}
	var d tensor.Device
	switch name {
	case "sim":
		be, err := backend.NewSim(simDevice)
		if err != nil {
			return "", fmt.Errorf("--device sim: %v", err)
		}
		tensor.RegisterDevice(be)
		d = simDevice
		fmt.Fprintf(os.Stderr, "device: %s, the simulated CUDA device (the GPU kernels in an interpreter on the CPU: thousands of times slower)\n", d)
	case "cuda", "auto":
		ok, why := cuda.Available()
		var be tensor.DeviceBackend
		if ok {
			g, err := backend.NewGPU(gpuDevice, 0)
			if err != nil {
				ok, why = false, err.Error()
			} else {
				be = g
			}
		}
		switch {
		case ok:
			tensor.RegisterDevice(be)
			d = gpuDevice
			fmt.Fprintf(os.Stderr, "device: %s (--device %s; %s)\n", d, name, why)
		case name == "cuda":
			return "", fmt.Errorf("--device cuda: no GPU: %s", why)
		default:
			d = tensor.Host
			fmt.Fprintf(os.Stderr, "device: cpu (--device auto: no GPU: %s)\n", why)
		}
	}
	if devices.resolved == nil {
		devices.resolved = map[string]tensor.Device{}
	}
	devices.resolved[name] = d
	return d, nil
}

// recordDevice notes in p where its run computed. It goes with the
// versions, not the settings: Provenance.Changed never compares those, so
// a run started on the CPU may be resumed on a GPU (the results differ in
// the last bits only, as sums are ordered differently). A study cell may
// not: see pinCellDevice.
func recordDevice(p *train.Provenance, d tensor.Device) *train.Provenance {
	if d == "" {
		d = tensor.Host
	}
	if p.Version == nil {
		p.Version = map[string]string{}
	}
	p.Version["device"] = string(d)
	return p
}

// evaluateOn evaluates model on device d (moving it there and back): the
// batches go where the model is.
func evaluateOn[T any](d tensor.Device, model nn.Module, f func() T) T {
	if d == "" || d == tensor.Host {
		return f()
	}
	nn.ToDevice(model, d)
	defer nn.ToDevice(model, tensor.Host)
	return f()
}
