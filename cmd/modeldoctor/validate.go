package main

import (
	"fmt"
	"math"
	"os"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// checkWritable makes dir and proves a file can be written there, so an
// unwritable --out is found before the first epoch rather than after it.
func checkWritable(dir string) error {
	if dir == "" {
		return fmt.Errorf("--out is empty: name a directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out %s: cannot create the directory: %v", dir, unwrapPath(err))
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("--out %s: not writable: %v", dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// unwrapPath drops the path from an *os.PathError: the message names the
// flag's value instead of a temporary file's name.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// checkInput runs one blank image of c×size×size through m (eval mode, no
// gradients) so that an input size the model cannot take is reported
// against --size before any data is read or any epoch is run.
func checkInput(name string, m nn.Module, c, size int) (err error) {
	wasTraining := m.ModuleBase().Training()
	nn.SetTraining(m, false)
	defer nn.SetTraining(m, wasTraining)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("--size %d: %s cannot take %d×%d×%d inputs (%s)", size, name, c, size, size, oneLine(fmt.Sprint(p)))
		}
	}()
	autograd.NoGrad(func() {
		nn.Forward(m, autograd.Const(tensor.Zeros(1, c, size, size)))
	})
	return nil
}

// checkRange returns an error naming flag unless lo <= v <= hi (either
// bound may be infinite); a NaN is always out of range.
func checkRange(flag string, v, lo, hi float64, want string) error {
	if math.IsNaN(v) || v < lo || v > hi {
		return fmt.Errorf("--%s %g: want %s", flag, v, want)
	}
	return nil
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
