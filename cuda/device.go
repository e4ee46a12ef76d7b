package cuda

import "fmt"

// DriverVersion is the driver's CUDA version, 1000*major + 10*minor.
func DriverVersion() (int, error) {
	d, err := driver()
	if err != nil {
		return 0, err
	}
	var v int32
	// The call must run before v is read: Go leaves the order of a
	// return list's plain operands and its calls unspecified.
	err = d.check("cuDriverGetVersion", d.cuDriverGetVersion(&v))
	return int(v), err
}

// DeviceCount is the number of CUDA devices.
func DeviceCount() (int, error) {
	d, err := driver()
	if err != nil {
		return 0, err
	}
	var n int32
	err = d.check("cuDeviceGetCount", d.cuDeviceGetCount(&n))
	return int(n), err
}

// Device is a CUDA device handle. Its queries need no context.
type Device struct {
	api *driverAPI
	h   int32
}

// GetDevice returns the device with the given ordinal.
func GetDevice(ordinal int) (Device, error) {
	d, err := driver()
	if err != nil {
		return Device{}, err
	}
	return getDevice(d, ordinal)
}

func getDevice(d *driverAPI, ordinal int) (Device, error) {
	var h int32
	if err := d.check(fmt.Sprintf("cuDeviceGet(%d)", ordinal), d.cuDeviceGet(&h, int32(ordinal))); err != nil {
		return Device{}, err
	}
	return Device{d, h}, nil
}

// Name is the device's marketing name.
func (v Device) Name() (string, error) {
	buf := make([]byte, 256)
	if err := v.api.check("cuDeviceGetName", v.api.cuDeviceGetName(&buf[0], int32(len(buf)), v.h)); err != nil {
		return "", err
	}
	return goString(&buf[0]), nil
}

// TotalMem is the device memory in bytes.
func (v Device) TotalMem() (uint64, error) {
	var n uint64
	err := v.api.check("cuDeviceTotalMem_v2", v.api.cuDeviceTotalMem(&n, v.h))
	return n, err
}

// Attribute is a CUdevice_attribute.
type Attribute int32

// The attributes used here (values from the driver API's enum).
const (
	AttrMaxThreadsPerBlock      Attribute = 1
	AttrMaxSharedMemoryPerBlock Attribute = 8
	AttrWarpSize                Attribute = 10
	AttrClockRateKHz            Attribute = 13
	AttrMultiprocessorCount     Attribute = 16
	AttrComputeCapabilityMajor  Attribute = 75
	AttrComputeCapabilityMinor  Attribute = 76
)

// Attribute reads one device attribute.
func (v Device) Attribute(a Attribute) (int, error) {
	var x int32
	err := v.api.check(fmt.Sprintf("cuDeviceGetAttribute(%d)", a), v.api.cuDeviceGetAttribute(&x, int32(a), v.h))
	return int(x), err
}

// ComputeCapability is the device's major and minor SM version.
func (v Device) ComputeCapability() (major, minor int, err error) {
	if major, err = v.Attribute(AttrComputeCapabilityMajor); err != nil {
		return 0, 0, err
	}
	minor, err = v.Attribute(AttrComputeCapabilityMinor)
	return major, minor, err
}
