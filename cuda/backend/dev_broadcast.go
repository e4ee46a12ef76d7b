package backend

import (
	"fmt"
	"sync"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// BroadcastTo on the simulated device: a copy, one thread an output
// element, reading x at the offset its coordinates give with stride 0 on
// the broadcast axes. The shapes are first folded (size-1 axes dropped,
// neighbours that walk x contiguously — or both broadcast — merged) into
// at most bcastRank axes, which the kernel's fixed parameter list holds.

const bcastRank = 6

// broadcastK builds the kernel once; params (y, x, n, size0…size5,
// stride0…stride5), axis 5 innermost.
var broadcastK = sync.OnceValue(func() *ptx.Kernel {
	b := ptx.New("broadcast_to_f32")
	y, x := b.ParamPtr("y"), b.ParamPtr("x")
	n := b.ParamU32("n")
	var size, stride [bcastRank]ptx.U32
	for d := range bcastRank {
		size[d] = b.ParamU32(fmt.Sprintf("size%d", d))
	}
	for d := range bcastRank {
		stride[d] = b.ParamU32(fmt.Sprintf("stride%d", d))
	}
	grid3(b, n, ptx.ImmU32(1), ptx.ImmU32(1), func(i, _, _ ptx.U32) {
		r := b.MovU32(i)
		off := b.MovU32(ptx.ImmU32(0))
		for d := bcastRank - 1; d >= 0; d-- {
			c := b.RemU32(r, size[d])
			b.MovU32To(r, b.DivU32(r, size[d]))
			b.MovU32To(off, b.MadU32(c, stride[d], off))
		}
		b.StGlobalF32(b.Index4(y, i), 0, b.LdGlobalF32(b.Index4(x, off), 0))
	})
	return b.Build()
})

// foldBroadcast folds x's shape broadcast to out's into sizes and x
// strides (outermost first, at most bcastRank axes; ok false past that).
func foldBroadcast(xs, out []int) (size, stride []int, ok bool) {
	off := len(out) - len(xs)
	acc := 1
	for i := len(out) - 1; i >= 0; i-- { // innermost first
		st := 0
		if j := i - off; j >= 0 {
			if xs[j] != 1 {
				st = acc
			}
			acc *= xs[j]
		}
		if out[i] == 1 {
			continue
		}
		if k := len(size) - 1; k >= 0 && stride[k]*size[k] == st {
			size[k] *= out[i]
			continue
		}
		size, stride = append(size, out[i]), append(stride, st)
	}
	if len(size) > bcastRank {
		return nil, nil, false
	}
	for l, r := 0, len(size)-1; l < r; l, r = l+1, r-1 {
		size[l], size[r] = size[r], size[l]
		stride[l], stride[r] = stride[r], stride[l]
	}
	return size, stride, true
}

func init() {
	deviceOps["BroadcastTo"] = func(s *Device, _ tensor.Op, in, out []*tensor.Tensor) bool {
		n, nx := out[0].Len(), in[0].Len()
		if n == 0 || nx == 0 || n > maxElems || nx > maxElems {
			return false
		}
		size, stride, ok := foldBroadcast(in[0].Shape(), out[0].Shape())
		if !ok {
			return false
		}
		args := []any{ptr(out[0]), ptr(in[0]), uint32(n)}
		pad := bcastRank - len(size)
		for d := range bcastRank { // leading axes of size 1
			v := 1
			if d >= pad {
				v = size[d-pad]
			}
			args = append(args, uint32(v))
		}
		for d := range bcastRank {
			v := 0
			if d >= pad {
				v = stride[d-pad]
			}
			args = append(args, uint32(v))
		}
		grid, block := launch3(n, 1, 1)
		s.be.run("BroadcastTo", broadcastK(), s.m, grid, block, args...)
		return true
	}
	deviceKernels = append(deviceKernels, func() []*ptx.Kernel { return []*ptx.Kernel{broadcastK()} })
}
