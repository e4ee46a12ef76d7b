package autograd

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// Value is a tensor in the graph: the result of an op, or a leaf.
type Value struct {
	t            *tensor.Tensor
	requiresGrad bool
	node         *node // nil for leaves and constants
	// pinned: Tensor or Detach handed the data out. tensor.Pin marks host
	// storage so; device storage has no such mark, so FreeValues asks here.
	pinned bool
	// Grad is where Backward accumulates this leaf's gradient.
	Grad *Value
}

// node remembers how a value was made.
type node struct {
	op       *OpInfo
	inputs   []*Value
	backward func(gy *Value) []*Value
	released bool // freed by a backward pass that did not retain it
	saved    []*saved
}

// Var returns a leaf that requires gradients (a parameter or an input to
// differentiate with respect to).
func Var(t *tensor.Tensor) *Value { return &Value{t: t, requiresGrad: true} }

// Const returns a leaf that does not require gradients.
func Const(t *tensor.Tensor) *Value { return &Value{t: t} }

// Scalar returns a 0-d constant.
func Scalar(v float32) *Value { return Const(tensor.Scalar(v)) }

// Tensor returns the value's data. A tensor handed out this way is never
// recycled by a backward pass with FreeValues.
func (v *Value) Tensor() *tensor.Tensor {
	v.mustLive("Tensor")
	v.t.Pin()
	v.pinned = true
	return v.t
}

// Data returns the value's raw numbers (shared).
func (v *Value) Data() []float32 {
	v.mustLive("Data")
	return v.t.Data()
}

// mustLive panics with an explanation when a backward pass with
// FreeValues recycled v's storage.
func (v *Value) mustLive(what string) {
	if v.t.Released() {
		op := "leaf"
		if v.node != nil {
			op = v.node.op.Name
		}
		panic(fmt.Sprintf("autograd: %s of a %s value whose storage a backward pass with FreeValues recycled; read it before, or list it in GradOptions.Keep", what, op))
	}
}

// Shape returns the value's shape.
func (v *Value) Shape() []int { return v.t.Shape() }

// Item returns the single number of a one-element value.
func (v *Value) Item() float32 {
	v.mustLive("Item")
	return v.t.Item()
}

// RequiresGrad reports whether gradients flow to or through this value.
func (v *Value) RequiresGrad() bool { return v.requiresGrad }

// SetRequiresGrad marks a leaf as requiring gradients (or not), for
// freezing parameters.
func (v *Value) SetRequiresGrad(r bool) {
	if v.node != nil {
		panic("autograd.SetRequiresGrad: only leaves can change requires-grad")
	}
	v.requiresGrad = r
}

// IsLeaf reports whether v was not produced by a recorded op.
func (v *Value) IsLeaf() bool { return v.node == nil }

// Op returns the name of the op that produced v ("" for leaves).
func (v *Value) Op() string {
	if v.node == nil {
		return ""
	}
	return v.node.op.Name
}

// Detach returns a constant sharing v's data, cut from the graph (the
// data is then never recycled).
func (v *Value) Detach() *Value {
	v.mustLive("Detach")
	v.t.Pin()
	v.pinned = true
	return Const(v.t)
}

// ZeroGrad clears the accumulated gradient.
func (v *Value) ZeroGrad() { v.Grad = nil }

// ReleaseGrad is ZeroGrad that also hands the gradient's storage back to
// the allocator when the backward pass gave it storage of its own (a
// gradient outside any graph), so that the next backward pass reuses it:
// the previous Grad must not be used afterwards. Optimizers call it.
func (v *Value) ReleaseGrad() {
	if g := v.Grad; g != nil && g.node == nil && g.t != nil {
		tensor.Release(g.t)
	}
	v.Grad = nil
}

// BorrowTensor returns the value's tensor without pinning its storage:
// valid only while v is, and not to be kept — for an optimizer's device
// update, after which the gradient must stay releasable (a pinned device
// storage never is).
func (v *Value) BorrowTensor() *tensor.Tensor {
	v.mustLive("BorrowTensor")
	return v.t
}

// BorrowGrad returns the gradient's values without pinning its storage
// (tensor.Borrow), or nil if v has no gradient: for an optimizer's step,
// which must not keep the slice.
func (v *Value) BorrowGrad() []float32 {
	if v.Grad == nil {
		return nil
	}
	v.Grad.mustLive("BorrowGrad")
	return v.Grad.t.Borrow()
}

func (v *Value) String() string {
	if v.node != nil {
		return fmt.Sprintf("Value(%s, %v)", v.node.op.Name, v.t)
	}
	return fmt.Sprintf("Value(leaf, %v)", v.t)
}
