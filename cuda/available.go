package cuda

import "fmt"

// Available reports whether CUDA can be used: a driver library that loads
// and initializes, and at least one device. When not, the string says why
// (no library, driver error, no device) in one line.
func Available() (bool, string) {
	n, err := DeviceCount()
	if err != nil {
		return false, err.Error()
	}
	if n == 0 {
		return false, "cuda: the driver reports no CUDA device"
	}
	v, err := DriverVersion()
	if err != nil {
		return false, err.Error()
	}
	return true, fmt.Sprintf("cuda: %d device(s), driver API %d.%d", n, v/1000, v%1000/10)
}
