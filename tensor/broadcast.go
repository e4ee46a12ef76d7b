package tensor

import "fmt"

// BroadcastShapes returns the NumPy/PyTorch broadcast of two shapes: align
// from the right; each pair of sizes must be equal or contain a 1.
func BroadcastShapes(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// broadcastStrides returns, for a tensor of shape src broadcast to dst,
// the stride of each dst axis in src's storage (0 on broadcast axes).
func broadcastStrides(src, dst []int) []int {
	st := strides(src)
	out := make([]int, len(dst))
	off := len(dst) - len(src)
	for i := range dst {
		j := i - off
		if j >= 0 && src[j] != 1 {
			out[i] = st[j]
		}
	}
	return out
}

// broadcastIter walks an output shape as rows of a contiguous inner run,
// giving the storage offsets of two broadcast operands. Adjacent axes that
// are contiguous in both operands are merged so the inner run is as long
// as possible ([N,C,H,W] against [1,C,1,1] becomes [N,C,H·W] against [1,C,1]).
type broadcastIter struct {
	outer          []int // sizes of the outer (row) axes
	stA, stB       []int // strides of the outer axes
	inner          int
	innerA, innerB int
}

func newBroadcastIter(out, a, b []int) *broadcastIter {
	sa, sb := broadcastStrides(a, out), broadcastStrides(b, out)
	// Merge axes from the right.
	type ax struct{ n, sa, sb int }
	var axes []ax
	for i := len(out) - 1; i >= 0; i-- {
		if out[i] == 1 {
			continue
		}
		cur := ax{out[i], sa[i], sb[i]}
		if len(axes) > 0 {
			last := &axes[len(axes)-1]
			if last.sa*last.n == cur.sa && last.sb*last.n == cur.sb {
				last.n *= cur.n
				continue
			}
		}
		axes = append(axes, cur)
	}
	it := &broadcastIter{inner: 1}
	if len(axes) > 0 {
		it.inner, it.innerA, it.innerB = axes[0].n, axes[0].sa, axes[0].sb
		for i := len(axes) - 1; i >= 1; i-- {
			it.outer = append(it.outer, axes[i].n)
			it.stA = append(it.stA, axes[i].sa)
			it.stB = append(it.stB, axes[i].sb)
		}
	}
	return it
}

// offsets returns the storage offsets in a and b of the first element of
// row r.
func (it *broadcastIter) offsets(r int) (int, int) {
	oa, ob := 0, 0
	for i := len(it.outer) - 1; i >= 0; i-- {
		k := r % it.outer[i]
		r /= it.outer[i]
		oa += k * it.stA[i]
		ob += k * it.stB[i]
	}
	return oa, ob
}

// BroadcastTo expands x to shape (a copy; x's shape must broadcast to it).
func BroadcastTo(x *Tensor, shape []int) *Tensor {
	if SameShape(x.shape, shape) {
		return x
	}
	s, err := BroadcastShapes(x.shape, shape)
	if err != nil || !SameShape(s, shape) {
		panic(fmt.Sprintf("tensor.BroadcastTo: cannot broadcast %v to %v", x.shape, shape))
	}
	if be := deviceOf("BroadcastTo", x); be != nil {
		out := devOut(be, shape)
		onDevice(be, Op{Name: "BroadcastTo"}, []*Tensor{x}, out, func(in, out []*Tensor) { out[0].CopyFrom(BroadcastTo(in[0], shape)) })
		return out[0]
	}
	out := newTensor(shape)
	if len(out.data) == 0 {
		return out // a zero-size axis: no rows (and inner may be 0)
	}
	it := newBroadcastIter(shape, x.shape, x.shape)
	rows := len(out.data) / it.inner
	parallelFor(rows, it.inner, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ao, _ := it.offsets(r)
			o := out.data[r*it.inner : (r+1)*it.inner]
			if it.innerA == 0 {
				v := x.data[ao]
				for i := range o {
					o[i] = v
				}
			} else {
				copy(o, x.data[ao:ao+len(o)])
			}
		}
	})
	return out
}

// SumTo sums x over its broadcast axes so that the result has shape (the
// adjoint of BroadcastTo).
func SumTo(x *Tensor, shape []int) *Tensor {
	if SameShape(x.shape, shape) {
		return x
	}
	s, err := BroadcastShapes(shape, x.shape)
	if err != nil || !SameShape(s, x.shape) {
		panic(fmt.Sprintf("tensor.SumTo: cannot reduce %v to %v", x.shape, shape))
	}
	lead := len(x.shape) - len(shape)
	reduce := make([]bool, len(x.shape))
	for i := range x.shape {
		reduce[i] = i < lead || (shape[i-lead] == 1 && x.shape[i] != 1)
	}
	r := reduceKeep(OpSum, x, reduce)
	return r.Reshape(shape...)
}
