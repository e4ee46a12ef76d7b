package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// pinCellDevice records in the cell's work directory the device its first
// run computes on, and refuses to continue the cell on another. A single
// training run may move between devices (its provenance keeps the device
// with the versions), but a cell's arms are compared with each other and
// its result file must be what an uninterrupted run writes: they must all
// compute with the same kernels.
func pinCellDevice(dir string, dev tensor.Device) error {
	if dev == "" {
		dev = tensor.Host
	}
	path := filepath.Join(dir, "device")
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if was := tensor.Device(strings.TrimSpace(string(b))); was != dev {
			return fmt.Errorf("%s: this cell was started on %s and would continue on %s; finish it with the --device that selects %s, or delete %s to start it again", path, was, dev, was, dir)
		}
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, []byte(string(dev)+"\n"))
}
