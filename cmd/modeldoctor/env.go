package main

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/klauspost/cpuid/v2"

	"github.com/modeldoctor/modeldoctor/asm"
	"github.com/modeldoctor/modeldoctor/cuda"
	"github.com/modeldoctor/modeldoctor/train"
)

func init() {
	commands["env"] = command{"print this machine's CPU features, the kernels in use, and the GPU (or why there is none)", runEnv}
}

func runEnv(args []string) error {
	fs := newFlagSet("env")
	if err := parse(fs, args); err != nil {
		return err
	}
	v := train.Versions()
	fmt.Printf("modeldoctor %s (revision %s), %s %s/%s\n", v["modeldoctor"], orNone(v["vcs.revision"]), v["go"], runtime.GOOS, runtime.GOARCH)
	var feats []string
	for _, f := range []cpuid.FeatureID{cpuid.AVX2, cpuid.FMA3, cpuid.AVX512F, cpuid.AVX512VL, cpuid.AVX512BW} {
		if cpuid.CPU.Supports(f) {
			feats = append(feats, f.String())
		}
	}
	fmt.Printf("CPU: %s, %d logical cores, GOMAXPROCS %d; features %s; kernels: %s (of %s)\n", cpuid.CPU.BrandName,
		cpuid.CPU.LogicalCores, runtime.GOMAXPROCS(0), orNone(strings.Join(feats, " ")), asm.Current(), strings.Join(asm.Implementations(), ", "))
	ok, why := cuda.Available()
	if !ok {
		fmt.Printf("GPU: none usable: %s\n", why)
		return nil
	}
	drv, err := cuda.DriverVersion()
	if err != nil {
		return err
	}
	n, err := cuda.DeviceCount()
	if err != nil {
		return err
	}
	fmt.Printf("CUDA driver %d.%d, %d device(s)\n", drv/1000, drv%1000/10, n)
	for i := range n {
		d, err := cuda.GetDevice(i)
		if err != nil {
			return err
		}
		name, err := d.Name()
		if err != nil {
			return err
		}
		mem, err := d.TotalMem()
		if err != nil {
			return err
		}
		major, minor, err := d.ComputeCapability()
		if err != nil {
			return err
		}
		fmt.Printf("GPU %d: %s, %.1f GiB, compute capability %d.%d\n", i, name, float64(mem)/(1<<30), major, minor)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
