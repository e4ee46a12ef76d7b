package autograd

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// GradOptions tune Grad.
type GradOptions struct {
	// CreateGraph records the backward pass so its results can be
	// differentiated again.
	CreateGraph bool
	// RetainGraph keeps the traversed graph for another pass. It defaults
	// to CreateGraph (as in PyTorch) unless ReleaseGraph is set.
	RetainGraph bool
	// ReleaseGraph frees the traversed nodes even with CreateGraph.
	ReleaseGraph bool
}

// Grad returns the gradients of outputs with respect to inputs
// (torch.autograd.grad): Σ_i <gradOutputs[i], outputs[i]> differentiated.
// A nil gradOutputs entry means ones (the output must then have one
// element). Inputs may be leaves or intermediate values. An input that the
// outputs do not depend on gets a zero gradient.
func Grad(outputs, inputs, gradOutputs []*Value, createGraph bool) []*Value {
	return GradWith(outputs, inputs, gradOutputs, GradOptions{CreateGraph: createGraph})
}

// GradWith is Grad with options.
func GradWith(outputs, inputs, gradOutputs []*Value, o GradOptions) []*Value {
	retain := (o.RetainGraph || o.CreateGraph) && !o.ReleaseGraph
	targets := make(map[*Value]bool, len(inputs))
	for _, in := range inputs {
		targets[in] = true
	}
	grads := propagate(outputs, gradOutputs, targets, o.CreateGraph, retain)
	out := make([]*Value, len(inputs))
	for i, in := range inputs {
		if g := grads[in]; g != nil {
			out[i] = g
		} else {
			out[i] = Const(tensor.ZerosLike(in.t))
		}
	}
	return out
}

// Backward accumulates d(v)/d(leaf) into the Grad of every leaf that
// requires gradients; v must have one element. The graph is released.
func (v *Value) Backward() { v.BackwardWith(nil, GradOptions{}) }

// BackwardWith is Backward with an explicit output gradient (nil means
// ones) and options.
func (v *Value) BackwardWith(gy *Value, o GradOptions) {
	retain := (o.RetainGraph || o.CreateGraph) && !o.ReleaseGraph
	grads := propagate([]*Value{v}, []*Value{gy}, nil, o.CreateGraph, retain)
	accumulate := func() {
		for leaf, g := range grads {
			if leaf.Grad == nil {
				if !o.CreateGraph {
					// g may be shared with other leaves' gradients
					// (Add passes its gradient through): give each leaf
					// its own copy so in-place updates stay local.
					g = Const(g.t.Clone())
				}
				leaf.Grad = g
			} else {
				leaf.Grad = Add(leaf.Grad, g)
			}
		}
	}
	if o.CreateGraph {
		accumulate()
	} else {
		NoGrad(accumulate)
	}
}

// propagate runs reverse-mode accumulation from outputs. With targets
// (Grad) it returns their gradients and only visits nodes that lead to a
// target; without (Backward) it returns the gradients of all leaves that
// require them.
func propagate(outputs, gradOutputs []*Value, targets map[*Value]bool, createGraph, retain bool) map[*Value]*Value {
	if gradOutputs == nil {
		gradOutputs = make([]*Value, len(outputs))
	}
	if len(gradOutputs) != len(outputs) {
		panic(fmt.Sprintf("autograd.Grad: %d outputs but %d output gradients", len(outputs), len(gradOutputs)))
	}
	order := topoOrder(outputs)
	// need[v]: a gradient at v is useful (it reaches a target).
	need := make(map[*Value]bool, len(order))
	for _, v := range order { // inputs before outputs
		if targets == nil {
			need[v] = v.requiresGrad
		} else {
			need[v] = targets[v]
		}
		if v.node != nil && !need[v] {
			for _, in := range v.node.inputs {
				if need[in] {
					need[v] = true
					break
				}
			}
		}
	}
	grads := make(map[*Value]*Value)
	var ran []*node
	run := func() {
		for i, out := range outputs {
			g := gradOutputs[i]
			if g == nil {
				if out.t.Len() != 1 {
					panic(fmt.Sprintf("autograd.Grad: output of shape %v needs an explicit gradient", out.t.Shape()))
				}
				g = Const(tensor.Ones(out.t.Shape()...))
			} else if !tensor.SameShape(g.t.Shape(), out.t.Shape()) {
				panic(fmt.Sprintf("autograd.Grad: output gradient %v for output %v", g.t.Shape(), out.t.Shape()))
			}
			if need[out] {
				addGrad(grads, out, g)
			}
		}
		for i := len(order) - 1; i >= 0; i-- {
			v := order[i]
			g := grads[v]
			if g == nil || v.node == nil {
				continue
			}
			if targets != nil && !targets[v] {
				delete(grads, v) // interior gradient: no longer needed
			} else if targets == nil {
				delete(grads, v)
			}
			n := v.node
			if n.backward == nil {
				panic(fmt.Sprintf("autograd: the graph through %q was already released by a backward pass; pass RetainGraph to differentiate it twice", n.op.Name))
			}
			anyNeeded := false
			for _, in := range n.inputs {
				anyNeeded = anyNeeded || need[in]
			}
			if !anyNeeded {
				continue
			}
			gs := n.backward(g)
			ran = append(ran, n)
			for j, in := range n.inputs {
				if gs[j] != nil && need[in] {
					addGrad(grads, in, gs[j])
				}
			}
		}
	}
	if createGraph {
		run()
	} else {
		NoGrad(run)
	}
	if !retain {
		// Free what this pass used: nodes whose backward ran. A target's
		// own node (its backward never ran) stays usable.
		for _, n := range ran {
			n.backward = nil
			n.inputs = nil
			n.released = true
		}
	}
	if targets == nil {
		for v := range grads {
			if v.node != nil || !v.requiresGrad {
				delete(grads, v)
			}
		}
	}
	return grads
}

func addGrad(grads map[*Value]*Value, v, g *Value) {
	if !tensor.SameShape(g.t.Shape(), v.t.Shape()) {
		panic(fmt.Sprintf("autograd: gradient of shape %v for value of shape %v", g.t.Shape(), v.t.Shape()))
	}
	if old := grads[v]; old != nil {
		grads[v] = Add(old, g)
	} else {
		grads[v] = g
	}
}

// topoOrder returns the values reachable from outputs through recorded
// nodes, each after all of its inputs (depth-first, iterative so that deep
// networks cannot overflow the stack).
func topoOrder(outputs []*Value) []*Value {
	var order []*Value
	state := map[*Value]uint8{} // 1 = on stack, 2 = done
	type frame struct {
		v *Value
		i int
	}
	for _, root := range outputs {
		if state[root] != 0 {
			continue
		}
		stack := []frame{{root, 0}}
		state[root] = 1
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			var ins []*Value
			if f.v.node != nil {
				if f.v.node.released {
					panic(fmt.Sprintf("autograd: the graph through %q was already released by a backward pass; pass RetainGraph to differentiate it twice", f.v.node.op.Name))
				}
				ins = f.v.node.inputs
			}
			if f.i < len(ins) {
				in := ins[f.i]
				f.i++
				if state[in] == 0 && in.requiresGrad {
					state[in] = 1
					stack = append(stack, frame{in, 0})
				}
				continue
			}
			state[f.v] = 2
			order = append(order, f.v)
			stack = stack[:len(stack)-1]
		}
	}
	return order
}
