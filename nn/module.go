package nn

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Module is a layer or a network. Every module embeds Base, which holds its
// parameters, buffers and children under PyTorch state-dict names.
type Module interface {
	// Forward computes the module's output. Implementations call their
	// children through the package function Forward, so hooks run.
	Forward(x *autograd.Value) *autograd.Value
	// ModuleBase gives access to the embedded bookkeeping. (It cannot be
	// called Base: the embedded field of that name would hide the method,
	// and no module would satisfy the interface.)
	ModuleBase() *Base
}

// Buffer is a non-trainable tensor saved with the model (batch-norm
// running statistics). Int marks integer counters (num_batches_tracked),
// stored as int64 in weights files.
type Buffer struct {
	T   *tensor.Tensor
	Int bool
}

type named[T any] struct {
	name string
	v    T
}

// Hook sees (and may replace) a module's output.
type Hook func(y *autograd.Value) *autograd.Value

// Base is embedded by every module: it registers parameters, buffers and
// children in order (the order of PyTorch's state dict) and carries the
// train/eval flag and output hooks.
type Base struct {
	params   []named[*autograd.Value]
	buffers  []named[*Buffer]
	children []named[Module]
	eval     bool // zero value: training, as PyTorch modules start
	hooks    []hookEntry
	nextHook uint64
}

// hookEntry is a registered hook with the id its remover looks for.
type hookEntry struct {
	id uint64
	h  Hook
}

// ModuleBase implements Module.
func (b *Base) ModuleBase() *Base { return b }

// Param registers a trainable tensor under name and returns its leaf.
func (b *Base) Param(name string, t *tensor.Tensor) *autograd.Value {
	v := autograd.Var(t)
	b.params = append(b.params, named[*autograd.Value]{name, v})
	return v
}

// Buf registers a buffer under name.
func (b *Base) Buf(name string, t *tensor.Tensor, isInt bool) *Buffer {
	buf := &Buffer{T: t, Int: isInt}
	b.buffers = append(b.buffers, named[*Buffer]{name, buf})
	return buf
}

// Add registers a child module under name and returns it.
func Add[M Module](b *Base, name string, m M) M {
	b.children = append(b.children, named[Module]{name, m})
	return m
}

// Training reports whether the module is in training mode.
func (b *Base) Training() bool { return !b.eval }

// Children returns the direct children with their names.
func (b *Base) Children() ([]string, []Module) {
	names := make([]string, len(b.children))
	mods := make([]Module, len(b.children))
	for i, c := range b.children {
		names[i], mods[i] = c.name, c.v
	}
	return names, mods
}

// AddHook appends a hook run on the module's output by Forward. It returns
// a function that removes it.
func (b *Base) AddHook(h Hook) (remove func()) {
	b.nextHook++
	id := b.nextHook
	b.hooks = append(b.hooks, hookEntry{id, h})
	return func() {
		for i, e := range b.hooks {
			if e.id == id {
				// A fresh slice: a Forward iterating the old one is unaffected.
				b.hooks = append(b.hooks[:i:i], b.hooks[i+1:]...)
				return
			}
		}
	}
}

// Forward runs m on x and then its hooks. Modules call their children
// through it.
func Forward(m Module, x *autograd.Value) *autograd.Value {
	y := m.Forward(x)
	for _, e := range m.ModuleBase().hooks {
		y = e.h(y)
	}
	return y
}

// SetTraining switches m and all its descendants to train (true) or eval.
func SetTraining(m Module, training bool) {
	Walk(m, func(_ string, sub Module) { sub.ModuleBase().eval = !training })
}

// Walk visits m and its descendants depth-first with their dotted names
// ("" for m itself).
func Walk(m Module, visit func(name string, m Module)) {
	var rec func(prefix string, m Module)
	rec = func(prefix string, m Module) {
		visit(prefix, m)
		for _, c := range m.ModuleBase().children {
			rec(join(prefix, c.name), c.v)
		}
	}
	rec("", m)
}

// Find returns the descendant with the dotted name, or an error naming it.
func Find(m Module, name string) (Module, error) {
	var found Module
	Walk(m, func(n string, sub Module) {
		if n == name && found == nil {
			found = sub
		}
	})
	if found == nil {
		return nil, fmt.Errorf("no module named %q", name)
	}
	return found, nil
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// NamedParam is a parameter with its state-dict name.
type NamedParam struct {
	Name  string
	Value *autograd.Value
}

// Parameters lists all parameters in state-dict order.
func Parameters(m Module) []NamedParam {
	var out []NamedParam
	var rec func(prefix string, m Module)
	rec = func(prefix string, m Module) {
		b := m.ModuleBase()
		for _, p := range b.params {
			out = append(out, NamedParam{join(prefix, p.name), p.v})
		}
		for _, c := range b.children {
			rec(join(prefix, c.name), c.v)
		}
	}
	rec("", m)
	return out
}

// Trainable lists the parameters that require gradients.
func Trainable(m Module) []*autograd.Value {
	var out []*autograd.Value
	for _, p := range Parameters(m) {
		if p.Value.RequiresGrad() {
			out = append(out, p.Value)
		}
	}
	return out
}

// CountParameters returns the number of trainable scalars.
func CountParameters(m Module) int {
	n := 0
	for _, p := range Parameters(m) {
		n += p.Value.Tensor().Len()
	}
	return n
}

// StateEntry is one entry of a state dict: a parameter or a buffer.
type StateEntry struct {
	Name   string
	Tensor *tensor.Tensor
	Int    bool // integer counter (saved as int64)
	Param  bool
}

// StateDict lists parameters and buffers in PyTorch's order: each module's
// own parameters, then its own buffers, then its children.
func StateDict(m Module) []StateEntry {
	var out []StateEntry
	var rec func(prefix string, m Module)
	rec = func(prefix string, m Module) {
		b := m.ModuleBase()
		for _, p := range b.params {
			out = append(out, StateEntry{Name: join(prefix, p.name), Tensor: p.v.Tensor(), Param: true})
		}
		for _, bf := range b.buffers {
			out = append(out, StateEntry{Name: join(prefix, bf.name), Tensor: bf.v.T, Int: bf.v.Int})
		}
		for _, c := range b.children {
			rec(join(prefix, c.name), c.v)
		}
	}
	rec("", m)
	return out
}

// ZeroGrad clears the gradients of all parameters.
func ZeroGrad(m Module) {
	for _, p := range Parameters(m) {
		p.Value.ZeroGrad()
	}
}

// Freeze stops (or restarts) gradients for every parameter of m.
func Freeze(m Module, frozen bool) {
	for _, p := range Parameters(m) {
		p.Value.SetRequiresGrad(!frozen)
	}
}
