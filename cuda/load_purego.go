//go:build linux && !nocuda

package cuda

import (
	"fmt"

	"github.com/ebitengine/purego"
)

// loadDriver opens the driver library and binds every entry point, or
// says which one is missing (a driver older than the _v2 ABI).
func loadDriver(name string) (*driverAPI, error) {
	h, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("cuda: cannot load the NVIDIA driver library %s: %v", name, err)
	}
	d := &driverAPI{}
	for _, s := range d.symbols() {
		addr, err := purego.Dlsym(h, s.name)
		if err != nil {
			return nil, fmt.Errorf("cuda: %s has no %s (driver too old?): %v", name, s.name, err)
		}
		purego.RegisterFunc(s.fn, addr)
	}
	return d, nil
}
