package cuda

import (
	"fmt"
	"unsafe"
)

// Error is a failed driver call: the call's name and the driver's own
// name and description of the CUresult.
type Error struct {
	Call string // e.g. "cuMemAlloc_v2"
	Code int    // the CUresult
	Name string // e.g. "CUDA_ERROR_OUT_OF_MEMORY"
	Msg  string // e.g. "out of memory"
}

func (e *Error) Error() string {
	return fmt.Sprintf("cuda: %s failed: %s (%s = %d)", e.Call, e.Msg, e.Name, e.Code)
}

// check turns a CUresult into nil or an *Error.
func (d *driverAPI) check(call string, r cuResult) error {
	if r == 0 {
		return nil
	}
	e := &Error{Call: call, Code: int(r), Name: "unknown CUresult", Msg: "no description from the driver"}
	var s *byte
	if d.cuGetErrorName != nil && d.cuGetErrorName(r, &s) == 0 && s != nil {
		e.Name = goString(s)
	}
	s = nil
	if d.cuGetErrorString != nil && d.cuGetErrorString(r, &s) == 0 && s != nil {
		e.Msg = goString(s)
	}
	return e
}

// goString copies a NUL-terminated C string owned by the driver.
func goString(p *byte) string {
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// cString is s with a terminating NUL, for the driver to read.
func cString(s string) []byte { return append([]byte(s), 0) }
