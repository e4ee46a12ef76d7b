package tensor

import "fmt"

// Indices is an integer tensor used to index (gather/scatter). It is never
// differentiated, so it stays separate from Tensor.
type Indices struct {
	Shape []int
	Data  []int
}

// NewIndices wraps data with a shape.
func NewIndices(data []int, shape ...int) *Indices {
	if Numel(shape) != len(data) {
		panic(fmt.Sprintf("tensor.NewIndices: %d values do not fill shape %v", len(data), shape))
	}
	return &Indices{Shape: cloneInts(shape), Data: data}
}

// gatherDims checks idx against x for Gather/ScatterAdd along axis a and
// returns the outer, axis and inner sizes of idx and the axis size of x.
func gatherDims(op string, xShape []int, a int, idx *Indices) (outer, n, inner, xn int) {
	if len(idx.Shape) != len(xShape) {
		panic(fmt.Sprintf("tensor.%s: index shape %v and tensor shape %v differ in rank", op, idx.Shape, xShape))
	}
	for i := range xShape {
		if i != a && idx.Shape[i] != xShape[i] {
			panic(fmt.Sprintf("tensor.%s: index shape %v and tensor shape %v differ outside axis %d", op, idx.Shape, xShape, a))
		}
	}
	return Numel(idx.Shape[:a]), idx.Shape[a], Numel(idx.Shape[a+1:]), xShape[a]
}

// checkIndexRange panics unless every index lies in [0, n). It runs before
// the parallel loops: a panic inside a worker goroutine could not be
// recovered by the caller and would take the whole process down.
func checkIndexRange(op string, data []int, n int) {
	for _, s := range data {
		if s < 0 || s >= n {
			panic(fmt.Sprintf("tensor.%s: index %d out of range [0, %d)", op, s, n))
		}
	}
}

// Gather picks along axis: out[..., j, ...] = x[..., idx[..., j, ...], ...]
// (torch.gather). idx has x's shape except on axis.
func Gather(x *Tensor, axis int, idx *Indices) *Tensor {
	a := normAxis("Gather", axis, len(x.shape))
	outer, n, inner, xn := gatherDims("Gather", x.shape, a, idx)
	checkIndexRange("Gather", idx.Data, xn)
	if be := deviceOf("Gather", x); be != nil {
		return dev1(be, "Gather", IndexArgs{Axis: a, Idx: idx}, x, idx.Shape, func(x *Tensor) *Tensor { return Gather(x, a, idx) })
	}
	out := Zeros(idx.Shape...)
	parallelFor(outer, n*inner, func(lo, hi int) {
		for o := lo; o < hi; o++ {
			for j := 0; j < n; j++ {
				for k := 0; k < inner; k++ {
					p := (o*n+j)*inner + k
					s := idx.Data[p]
					out.data[p] = x.data[(o*xn+s)*inner+k]
				}
			}
		}
	})
	return out
}

// ScatterAdd returns a copy of base with src added at the positions idx
// names along axis (torch.scatter_add; the adjoint of Gather). Additions
// into one position happen in index order, so the result is deterministic.
func ScatterAdd(base *Tensor, axis int, idx *Indices, src *Tensor) *Tensor {
	a := normAxis("ScatterAdd", axis, len(base.shape))
	outer, n, inner, xn := gatherDims("ScatterAdd", base.shape, a, idx)
	if !SameShape(idx.Shape, src.shape) {
		panic(fmt.Sprintf("tensor.ScatterAdd: index shape %v and source shape %v differ", idx.Shape, src.shape))
	}
	checkIndexRange("ScatterAdd", idx.Data, xn)
	if be := deviceOf("ScatterAdd", base, src); be != nil {
		return dev2(be, "ScatterAdd", IndexArgs{Axis: a, Idx: idx}, base, src, base.shape, func(base, src *Tensor) *Tensor { return ScatterAdd(base, a, idx, src) })
	}
	out := base.Clone()
	// Parallel over outer: each outer slice of out is written by one worker.
	parallelFor(outer, n*inner, func(lo, hi int) {
		for o := lo; o < hi; o++ {
			for j := 0; j < n; j++ {
				for k := 0; k < inner; k++ {
					p := (o*n+j)*inner + k
					s := idx.Data[p]
					out.data[(o*xn+s)*inner+k] += src.data[p]
				}
			}
		}
	})
	return out
}

// IndexSelect picks whole slices along axis (torch.index_select).
func IndexSelect(x *Tensor, axis int, index []int) *Tensor {
	a := normAxis("IndexSelect", axis, len(x.shape))
	shape := cloneInts(x.shape)
	shape[a] = len(index)
	if be := deviceOf("IndexSelect", x); be != nil {
		checkIndexList("IndexSelect", index, a, x.shape)
		return dev1(be, "IndexSelect", IndexArgs{Axis: a, Index: index}, x, shape, func(x *Tensor) *Tensor { return IndexSelect(x, a, index) })
	}
	out := Zeros(shape...)
	outer, xn, inner := Numel(x.shape[:a]), x.shape[a], Numel(x.shape[a+1:])
	for o := 0; o < outer; o++ {
		for j, s := range index {
			if s < 0 || s >= xn {
				panic(fmt.Sprintf("tensor.IndexSelect: index %d out of range for axis %d of %v", s, a, x.shape))
			}
			copy(out.data[(o*len(index)+j)*inner:(o*len(index)+j+1)*inner], x.data[(o*xn+s)*inner:(o*xn+s+1)*inner])
		}
	}
	return out
}

// IndexAdd returns a copy of base with slice j of src added to slice
// index[j] of base along axis (the adjoint of IndexSelect).
func IndexAdd(base *Tensor, axis int, index []int, src *Tensor) *Tensor {
	a := normAxis("IndexAdd", axis, len(base.shape))
	want := cloneInts(base.shape)
	want[a] = len(index)
	if !SameShape(want, src.shape) {
		panic(fmt.Sprintf("tensor.IndexAdd: source shape %v, want %v", src.shape, want))
	}
	if be := deviceOf("IndexAdd", base, src); be != nil {
		checkIndexList("IndexAdd", index, a, base.shape)
		return dev2(be, "IndexAdd", IndexArgs{Axis: a, Index: index}, base, src, base.shape, func(base, src *Tensor) *Tensor { return IndexAdd(base, a, index, src) })
	}
	out := base.Clone()
	outer, xn, inner := Numel(base.shape[:a]), base.shape[a], Numel(base.shape[a+1:])
	for o := 0; o < outer; o++ {
		for j, s := range index {
			if s < 0 || s >= xn {
				panic(fmt.Sprintf("tensor.IndexAdd: index %d out of range for axis %d of %v", s, a, base.shape))
			}
			d := out.data[(o*xn+s)*inner : (o*xn+s+1)*inner]
			sv := src.data[(o*len(index)+j)*inner:]
			for k := range d {
				d[k] += sv[k]
			}
		}
	}
	return out
}

// OneHot returns a [len(labels), classes] tensor with ones at the labels.
func OneHot(labels []int, classes int) *Tensor {
	out := Zeros(len(labels), classes)
	for i, l := range labels {
		if l < 0 || l >= classes {
			panic(fmt.Sprintf("tensor.OneHot: label %d out of range [0, %d)", l, classes))
		}
		out.data[i*classes+l] = 1
	}
	return out
}

// checkIndexList panics at the first index outside axis a of shape, with
// the message the host loops give.
func checkIndexList(op string, index []int, a int, shape []int) {
	for _, s := range index {
		if s < 0 || s >= shape[a] {
			panic(fmt.Sprintf("tensor.%s: index %d out of range for axis %d of %v", op, s, a, shape))
		}
	}
}
