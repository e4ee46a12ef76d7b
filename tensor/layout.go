package tensor

import "fmt"

// Reshape returns a tensor sharing x's storage with a new shape. One
// dimension may be -1 and is inferred.
func (x *Tensor) Reshape(shape ...int) *Tensor {
	s := cloneInts(shape)
	infer, n := -1, 1
	for i, d := range s {
		if d == -1 {
			if infer >= 0 {
				panic(fmt.Sprintf("tensor.Reshape: more than one -1 in %v", shape))
			}
			infer = i
			continue
		}
		if d < 0 {
			panic(fmt.Sprintf("tensor.Reshape: negative dimension %d in %v", d, shape))
		}
		n *= d
	}
	if infer >= 0 {
		if n == 0 {
			panic(fmt.Sprintf("tensor.Reshape: the -1 in %v is ambiguous for %v (%d elements)", shape, x.shape, x.Len()))
		}
		s[infer] = x.Len() / n
		n *= s[infer]
	}
	if n != x.Len() {
		panic(fmt.Sprintf("tensor.Reshape: cannot reshape %v (%d elements) to %v", x.shape, x.Len(), shape))
	}
	return &Tensor{shape: s, data: x.data, mem: x.mem, dev: x.dev}
}

// Permute reorders axes: output axis i is input axis perm[i].
func Permute(x *Tensor, perm ...int) *Tensor {
	if len(perm) != len(x.shape) {
		panic(fmt.Sprintf("tensor.Permute: permutation %v for shape %v", perm, x.shape))
	}
	seen := make([]bool, len(perm))
	shape := make([]int, len(perm))
	st := strides(x.shape)
	pst := make([]int, len(perm))
	identity := true
	for i, p := range perm {
		if p < 0 || p >= len(perm) || seen[p] {
			panic(fmt.Sprintf("tensor.Permute: %v is not a permutation of %d axes", perm, len(perm)))
		}
		seen[p] = true
		shape[i], pst[i] = x.shape[p], st[p]
		identity = identity && p == i
	}
	if identity {
		return x.Clone()
	}
	if be := deviceOf("Permute", x); be != nil {
		p := cloneInts(perm)
		return dev1(be, "Permute", PermuteArgs{p}, x, shape, func(x *Tensor) *Tensor { return Permute(x, p...) })
	}
	out := newTensor(shape) // every element is written below
	nd := len(shape)
	if nd == 0 {
		return out
	}
	inner := shape[nd-1]
	rows := len(out.data) / max(inner, 1)
	parallelFor(rows, inner, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			off, rem := 0, r
			for i := nd - 2; i >= 0; i-- {
				off += (rem % shape[i]) * pst[i]
				rem /= shape[i]
			}
			o := out.data[r*inner : (r+1)*inner]
			s := pst[nd-1]
			for k := range o {
				o[k] = x.data[off+k*s]
			}
		}
	})
	return out
}

// InversePermutation returns q with q[perm[i]] = i.
func InversePermutation(perm []int) []int {
	q := make([]int, len(perm))
	for i, p := range perm {
		q[p] = i
	}
	return q
}

// Transpose swaps two axes.
func Transpose(x *Tensor, a, b int) *Tensor {
	nd := len(x.shape)
	a, b = normAxis("Transpose", a, nd), normAxis("Transpose", b, nd)
	perm := make([]int, nd)
	for i := range perm {
		perm[i] = i
	}
	perm[a], perm[b] = b, a
	return Permute(x, perm...)
}

// Narrow returns the slice [start, start+length) of axis.
func Narrow(x *Tensor, axis, start, length int) *Tensor {
	a := normAxis("Narrow", axis, len(x.shape))
	if start < 0 || length < 0 || start+length > x.shape[a] {
		panic(fmt.Sprintf("tensor.Narrow: [%d, %d) out of range for axis %d of %v", start, start+length, a, x.shape))
	}
	shape := cloneInts(x.shape)
	shape[a] = length
	if be := deviceOf("Narrow", x); be != nil {
		return dev1(be, "Narrow", NarrowArgs{a, start, length}, x, shape, func(x *Tensor) *Tensor { return Narrow(x, a, start, length) })
	}
	out := newTensor(shape) // every element is written below
	outer := Numel(x.shape[:a])
	inner := Numel(x.shape[a+1:])
	parallelFor(outer, length*inner, func(lo, hi int) {
		for o := lo; o < hi; o++ {
			copy(out.data[o*length*inner:(o+1)*length*inner], x.data[(o*x.shape[a]+start)*inner:])
		}
	})
	return out
}

// Concat joins tensors along axis; the other dimensions must agree.
func Concat(xs []*Tensor, axis int) *Tensor {
	if len(xs) == 0 {
		panic("tensor.Concat: no tensors")
	}
	a := normAxis("Concat", axis, len(xs[0].shape))
	shape := cloneInts(xs[0].shape)
	shape[a] = 0
	for _, x := range xs {
		if len(x.shape) != len(shape) {
			panic(fmt.Sprintf("tensor.Concat: shapes %v and %v differ in rank", xs[0].shape, x.shape))
		}
		for i := range shape {
			if i != a && x.shape[i] != xs[0].shape[i] {
				panic(fmt.Sprintf("tensor.Concat: shapes %v and %v differ outside axis %d", xs[0].shape, x.shape, a))
			}
		}
		shape[a] += x.shape[a]
	}
	if be := deviceOf("Concat", xs...); be != nil {
		out := devOut(be, shape)
		onDevice(be, Op{Name: "Concat", Args: AxisArgs{a}}, xs, out, func(in, out []*Tensor) { out[0].CopyFrom(Concat(in, a)) })
		return out[0]
	}
	out := newTensor(shape) // every element is written below
	outer := Numel(shape[:a])
	inner := Numel(shape[a+1:])
	row := shape[a] * inner
	parallelFor(outer, row, func(lo, hi int) {
		for o := lo; o < hi; o++ {
			dst := out.data[o*row:]
			for _, x := range xs {
				n := x.shape[a] * inner
				copy(dst[:n], x.data[o*n:(o+1)*n])
				dst = dst[n:]
			}
		}
	})
	return out
}

// Split cuts x along axis into pieces of the given sizes.
func Split(x *Tensor, axis int, sizes ...int) []*Tensor {
	a := normAxis("Split", axis, len(x.shape))
	total := 0
	for _, s := range sizes {
		total += s
	}
	if total != x.shape[a] {
		panic(fmt.Sprintf("tensor.Split: sizes %v do not add up to axis %d of %v", sizes, a, x.shape))
	}
	out := make([]*Tensor, len(sizes))
	start := 0
	for i, s := range sizes {
		out[i] = Narrow(x, a, start, s)
		start += s
	}
	return out
}

// Stack joins equally shaped tensors along a new axis.
func Stack(xs []*Tensor, axis int) *Tensor {
	if len(xs) == 0 {
		panic("tensor.Stack: no tensors")
	}
	a := normAxis("Stack", axis, len(xs[0].shape)+1)
	parts := make([]*Tensor, len(xs))
	for i, x := range xs {
		if !SameShape(x.shape, xs[0].shape) {
			panic(fmt.Sprintf("tensor.Stack: shapes %v and %v differ", xs[0].shape, x.shape))
		}
		s := append(cloneInts(x.shape[:a]), 1)
		parts[i] = x.Reshape(append(s, x.shape[a:]...)...)
	}
	return Concat(parts, a)
}

// Pad adds pads[i][0] values before and pads[i][1] after axis i, filled
// with value. pads may be shorter than the rank; it then applies to the
// leading axes.
func Pad(x *Tensor, pads [][2]int, value float32) *Tensor {
	if len(pads) > len(x.shape) {
		panic(fmt.Sprintf("tensor.Pad: %d pads for shape %v", len(pads), x.shape))
	}
	shape := cloneInts(x.shape)
	for i, p := range pads {
		if p[0] < 0 || p[1] < 0 {
			panic(fmt.Sprintf("tensor.Pad: negative padding %v", pads))
		}
		shape[i] += p[0] + p[1]
	}
	if be := deviceOf("Pad", x); be != nil {
		return dev1(be, "Pad", PadArgs{pads, value}, x, shape, func(x *Tensor) *Tensor { return Pad(x, pads, value) })
	}
	out := Full(value, shape...)
	if len(x.data) == 0 {
		return out
	}
	nd := len(shape)
	ost := strides(shape)
	base := 0
	for i, p := range pads {
		base += p[0] * ost[i]
	}
	inner := 1
	if nd > 0 {
		inner = x.shape[nd-1]
	}
	rows := len(x.data) / inner
	parallelFor(rows, inner, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			off, rem := base, r
			for i := nd - 2; i >= 0; i-- {
				off += (rem % x.shape[i]) * ost[i]
				rem /= x.shape[i]
			}
			copy(out.data[off:off+inner], x.data[r*inner:(r+1)*inner])
		}
	})
	return out
}

// Crop is the adjoint of Pad with zeros: it removes pads[i][0] leading and
// pads[i][1] trailing entries of axis i.
func Crop(x *Tensor, pads [][2]int) *Tensor {
	out := x
	for i, p := range pads {
		if p[0] != 0 || p[1] != 0 {
			out = Narrow(out, i, p[0], out.shape[i]-p[0]-p[1])
		}
	}
	if out == x {
		return x.Clone()
	}
	return out
}
