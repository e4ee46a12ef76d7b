package tensor

import (
	"fmt"
	"strings"
)

// Tensor is a dense, contiguous, row-major float32 array.
type Tensor struct {
	shape []int
	data  []float32
	// mem describes the storage when the allocator made it (nil for
	// tensors wrapping a caller's slice); views share it. See alloc.go.
	mem *mem
	// dev is the storage when it lives on a device (data is then nil);
	// views share it. See device.go.
	dev *devStorage
}

// New wraps data in a tensor of the given shape. The tensor shares data.
func New(data []float32, shape ...int) *Tensor {
	n := Numel(shape)
	if len(data) != n {
		panic(fmt.Sprintf("tensor.New: %d values do not fill shape %v (%d elements)", len(data), shape, n))
	}
	return &Tensor{shape: cloneInts(shape), data: data}
}

// Zeros returns a tensor of zeros.
func Zeros(shape ...int) *Tensor {
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor.Zeros: negative dimension in shape %v", shape))
		}
	}
	return newZeros(shape)
}

// ZerosLike returns zeros with t's shape, on t's device.
func ZerosLike(t *Tensor) *Tensor {
	if t.dev != nil {
		return EmptyOn(t.dev.be, t.shape...)
	}
	return Zeros(t.shape...)
}

// Full returns a tensor with every element equal to v.
func Full(v float32, shape ...int) *Tensor {
	if v == 0 {
		return Zeros(shape...)
	}
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor.Full: negative dimension in shape %v", shape))
		}
	}
	t := newTensor(shape)
	fill(t.data, v)
	return t
}

// fill sets every element of d to v.
func fill(d []float32, v float32) {
	if len(d) == 0 {
		return
	}
	d[0] = v
	for n := 1; n < len(d); n *= 2 {
		copy(d[n:], d[:n])
	}
}

// Ones returns a tensor of ones.
func Ones(shape ...int) *Tensor { return Full(1, shape...) }

// Scalar returns a 0-dimensional tensor.
func Scalar(v float32) *Tensor { return &Tensor{shape: []int{}, data: []float32{v}} }

// FromFloat64 converts float64 values to a tensor.
func FromFloat64(data []float64, shape ...int) *Tensor {
	t := Zeros(shape...)
	if len(data) != len(t.data) {
		panic(fmt.Sprintf("tensor.FromFloat64: %d values do not fill shape %v", len(data), shape))
	}
	for i, v := range data {
		t.data[i] = float32(v)
	}
	return t
}

// Arange returns [0, 1, ..., n-1] as a 1-d tensor.
func Arange(n int) *Tensor {
	t := Zeros(n)
	for i := range t.data {
		t.data[i] = float32(i)
	}
	return t
}

// Shape returns the dimensions. The caller must not modify the slice.
func (t *Tensor) Shape() []int { return t.shape }

// Data returns the underlying values in row-major order (shared, not
// copied). Storage whose slice was handed out is never recycled by the
// allocator (see Release).
func (t *Tensor) Data() []float32 {
	t.hostOnly("Data")
	t.Pin()
	return t.data
}

// Borrow returns the underlying values like Data, without pinning the
// storage: the slice is valid only while t is, and the caller must not
// keep it (once t is released the allocator may give the storage to
// another tensor). For loops that update tensors they do not own, such as
// an optimizer's step.
func (t *Tensor) Borrow() []float32 {
	if t.dev != nil {
		t.hostOnly("Borrow")
	}
	return t.data
}

// Dims returns the number of dimensions.
func (t *Tensor) Dims() int { return len(t.shape) }

// Len returns the number of elements.
func (t *Tensor) Len() int {
	if t.dev != nil {
		return t.dev.n
	}
	return len(t.data)
}

// Dim returns the size of axis i; negative i counts from the end.
func (t *Tensor) Dim(i int) int { return t.shape[normAxis("Dim", i, len(t.shape))] }

// Item returns the single value of a one-element tensor; on a device it
// reads it back (a counted download).
func (t *Tensor) Item() float32 {
	if t.Len() != 1 {
		panic(fmt.Sprintf("tensor.Item: tensor of shape %v has %d elements, want 1", t.shape, t.Len()))
	}
	if t.dev != nil {
		return t.To(Host).data[0]
	}
	return t.data[0]
}

// At returns the element at the given index.
func (t *Tensor) At(idx ...int) float32 {
	t.hostOnly("At")
	return t.data[t.offset("At", idx)]
}

// Set stores v at the given index.
func (t *Tensor) Set(v float32, idx ...int) {
	t.hostOnly("Set")
	t.data[t.offset("Set", idx)] = v
}

func (t *Tensor) offset(op string, idx []int) int {
	if len(idx) != len(t.shape) {
		panic(fmt.Sprintf("tensor.%s: %d indices for shape %v", op, len(idx), t.shape))
	}
	off := 0
	for i, x := range idx {
		if x < 0 || x >= t.shape[i] {
			panic(fmt.Sprintf("tensor.%s: index %v out of range for shape %v", op, idx, t.shape))
		}
		off = off*t.shape[i] + x
	}
	return off
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	if be := deviceOf("Clone", t); be != nil {
		out := devOut(be, t.shape)
		onDevice(be, Op{Name: "Copy"}, []*Tensor{t}, out, func(in, out []*Tensor) { copy(out[0].data, in[0].data) })
		return out[0]
	}
	out := newTensor(t.shape)
	copy(out.data, t.data)
	return out
}

// CopyFrom copies src's values into t; the shapes must match.
func (t *Tensor) CopyFrom(src *Tensor) {
	mustSameShape("CopyFrom", t, src)
	if be := deviceOf("CopyFrom", t, src); be != nil {
		onDevice(be, Op{Name: "Copy"}, []*Tensor{src}, []*Tensor{t}, func(in, out []*Tensor) { copy(out[0].data, in[0].data) })
		return
	}
	copy(t.data, src.data)
}

// Float64s returns the values converted to float64.
func (t *Tensor) Float64s() []float64 {
	t.hostOnly("Float64s")
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = float64(v)
	}
	return out
}

// String prints the shape and up to 8 values.
func (t *Tensor) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tensor%v[", t.shape)
	if t.dev != nil {
		fmt.Fprintf(&b, "on %s]", t.Device())
		return b.String()
	}
	for i, v := range t.data {
		if i == 8 {
			b.WriteString(" ...")
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.4g", v)
	}
	b.WriteByte(']')
	return b.String()
}

// Numel is the number of elements of a shape.
func Numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// SameShape reports whether two shapes are equal.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func mustSameShape(op string, a, b *Tensor) {
	if !SameShape(a.shape, b.shape) {
		panic(fmt.Sprintf("tensor.%s: shapes %v and %v differ", op, a.shape, b.shape))
	}
}

func cloneInts(s []int) []int { return append([]int{}, s...) }

// normAxis maps a possibly negative axis into [0, dims).
func normAxis(op string, axis, dims int) int {
	a := axis
	if a < 0 {
		a += dims
	}
	if a < 0 || a >= dims {
		panic(fmt.Sprintf("tensor.%s: axis %d out of range for %d dimensions", op, axis, dims))
	}
	return a
}

// strides returns row-major strides of a shape.
func strides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}
