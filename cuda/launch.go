package cuda

import (
	"fmt"
	"math"
	"runtime"
	"unsafe"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// paramBlock packs kernel arguments the way cuLaunchKernel reads them: an
// array of pointers, one per parameter, each to the argument's value. Each
// value gets an 8-byte slot; a 4-byte parameter is read from the slot's
// first (little-endian low) bytes.
type paramBlock struct {
	vals []uint64
	ptrs []unsafe.Pointer
}

func packParams(params []ptx.Param, args []any) (*paramBlock, error) {
	if params != nil && len(args) != len(params) {
		return nil, fmt.Errorf("cuda: %d arguments for %d parameters", len(args), len(params))
	}
	pb := &paramBlock{vals: make([]uint64, len(args)), ptrs: make([]unsafe.Pointer, len(args))}
	for i, a := range args {
		var kind ptx.ParamKind
		switch v := a.(type) {
		case DevPtr:
			kind, pb.vals[i] = ptx.ParamPtr, uint64(v)
		case Buffer:
			kind, pb.vals[i] = ptx.ParamPtr, uint64(v.Ptr)
		case uint32:
			kind, pb.vals[i] = ptx.ParamU32, uint64(v)
		case float32:
			kind, pb.vals[i] = ptx.ParamF32, uint64(math.Float32bits(v))
		default:
			return nil, fmt.Errorf("cuda: argument %d is a %T; want DevPtr, Buffer, uint32 or float32", i, a)
		}
		if params != nil && params[i].Kind != kind {
			return nil, fmt.Errorf("cuda: argument %d (%s) is a %s, got %T", i, params[i].Name, params[i].Kind, a)
		}
		pb.ptrs[i] = unsafe.Pointer(&pb.vals[i])
	}
	return pb, nil
}

// Launch queues the kernel on s (nil: the default stream) over grid×block
// threads with sharedBytes of dynamic shared memory. It returns once the
// launch is queued; the driver has copied the arguments by then.
func (f *Function) Launch(grid, block ptx.Dim3, sharedBytes int, s *Stream, args ...any) error {
	pb, err := packParams(f.params, args)
	if err != nil {
		return fmt.Errorf("cuda: launch %s: %w", f.name, err)
	}
	g, b := normDim(grid), normDim(block)
	return f.c.do(func() error {
		// The pointer array and the values it points at must stay put
		// while the driver reads them.
		var pin runtime.Pinner
		defer pin.Unpin()
		var params unsafe.Pointer
		if len(pb.vals) > 0 {
			pin.Pin(&pb.vals[0])
			pin.Pin(&pb.ptrs[0])
			params = unsafe.Pointer(&pb.ptrs[0])
		}
		return f.c.api.check("cuLaunchKernel("+f.name+")", f.c.api.cuLaunchKernel(f.h,
			g.X, g.Y, g.Z, b.X, b.Y, b.Z, uint32(sharedBytes), s.handle(), params, nil))
	})
}

func normDim(d ptx.Dim3) ptx.Dim3 { return ptx.Dim3{X: max(d.X, 1), Y: max(d.Y, 1), Z: max(d.Z, 1)} }
