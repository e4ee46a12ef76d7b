package cuda

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// CUjit_option values for the JIT's logs.
const (
	jitInfoLogBuffer      = 3
	jitInfoLogBufferSize  = 4
	jitErrorLogBuffer     = 5
	jitErrorLogBufferSize = 6
)

const jitLogBytes = 16 << 10

// Module is a loaded PTX module.
type Module struct {
	c *Context
	h uintptr
	// InfoLog is what the JIT said while compiling (register use, spills).
	InfoLog string
}

// LoadPTX JIT-compiles PTX text for the context's device. On failure the
// error carries the JIT's error log, which names the line at fault.
func (c *Context) LoadPTX(src string) (*Module, error) {
	img := cString(src)
	infoLog := make([]byte, jitLogBytes)
	errLog := make([]byte, jitLogBytes)
	opts := []int32{jitInfoLogBuffer, jitInfoLogBufferSize, jitErrorLogBuffer, jitErrorLogBufferSize}
	// Option values are pointer-sized: buffer addresses, and sizes the
	// driver overwrites with the log lengths. The buffers are pinned, so
	// holding their addresses as integers is safe for the call.
	vals := []uintptr{uintptr(unsafe.Pointer(&infoLog[0])), jitLogBytes, uintptr(unsafe.Pointer(&errLog[0])), jitLogBytes}
	m := &Module{c: c}
	err := c.do(func() error {
		var pin runtime.Pinner
		defer pin.Unpin()
		pin.Pin(&img[0])
		pin.Pin(&infoLog[0])
		pin.Pin(&errLog[0])
		pin.Pin(&opts[0])
		pin.Pin(&vals[0])
		return c.api.check("cuModuleLoadDataEx", c.api.cuModuleLoadDataEx(&m.h, unsafe.Pointer(&img[0]),
			uint32(len(opts)), unsafe.Pointer(&opts[0]), unsafe.Pointer(&vals[0])))
	})
	m.InfoLog = logText(infoLog, vals[1])
	if err != nil {
		if l := logText(errLog, vals[3]); l != "" {
			return nil, fmt.Errorf("%w\nJIT log:\n%s", err, l)
		}
		return nil, err
	}
	return m, nil
}

// logText is the log the driver wrote, at most n bytes, without the NUL.
func logText(buf []byte, n uintptr) string {
	n = min(n, uintptr(len(buf)))
	s := string(buf[:n])
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// Unload releases the module and its functions.
func (m *Module) Unload() error {
	return m.c.do(func() error { return m.c.api.check("cuModuleUnload", m.c.api.cuModuleUnload(m.h)) })
}

// Function is a kernel entry in a loaded module.
type Function struct {
	c      *Context
	h      uintptr
	name   string
	params []ptx.Param // nil when unknown: arguments are then not checked
}

// Function looks up an entry by name.
func (m *Module) Function(name string) (*Function, error) {
	f := &Function{c: m.c, name: name}
	cname := cString(name)
	err := m.c.do(func() error {
		return m.c.api.check("cuModuleGetFunction("+name+")", m.c.api.cuModuleGetFunction(&f.h, m.h, &cname[0]))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// LoadKernel JIT-compiles a ptx kernel and returns its entry, which then
// checks launch arguments against the kernel's parameters.
func (c *Context) LoadKernel(k *ptx.Kernel) (*Function, *Module, error) {
	m, err := c.LoadPTX(k.PTX())
	if err != nil {
		return nil, nil, fmt.Errorf("cuda: kernel %s: %w", k.Name(), err)
	}
	f, err := m.Function(k.Name())
	if err != nil {
		m.Unload()
		return nil, nil, err
	}
	f.params = k.Params()
	return f, m, nil
}
