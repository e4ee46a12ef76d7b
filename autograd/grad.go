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
	// FreeValues also hands the storage of the values whose nodes the pass
	// released (the graph's activations) back to the tensor allocator, so
	// that the next step's forward pass reuses it. It applies to passes
	// that release the graph and record none. The outputs, the inputs of
	// Grad, Keep, and every value whose Tensor or Data was taken are
	// spared; any other value of the released graph must not be read
	// afterwards (its accessors panic, saying so).
	FreeValues bool
	// Keep lists values that FreeValues must spare (logits read for
	// metrics after the pass, say).
	Keep []*Value
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
	p := newPass(o.CreateGraph, retain)
	grads := p.propagate(outputs, gradOutputs, targets)
	if o.FreeValues {
		p.freeValues(outputs, inputs, o.Keep)
	}
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
	p := newPass(o.CreateGraph, retain)
	grads := p.propagate([]*Value{v}, []*Value{gy}, nil)
	accumulate := func() {
		for leaf, g := range grads {
			if leaf.Grad == nil {
				if !o.CreateGraph {
					// g may be shared with other leaves' gradients
					// (Add passes its gradient through): each leaf gets
					// storage of its own, so in-place updates stay local.
					// A gradient the pass made and nothing else holds is
					// handed over as it is.
					if !p.book.own(g) {
						c := Const(g.t.Clone())
						p.book.drop(g)
						g = c
					}
				}
				leaf.Grad = g
			} else {
				leaf.Grad = Add(leaf.Grad, g)
				p.book.drop(g)
			}
		}
	}
	if o.CreateGraph {
		accumulate()
	} else {
		NoGrad(accumulate)
	}
	if o.FreeValues {
		p.freeValues([]*Value{v}, nil, o.Keep)
	}
}

// pass is one reverse-mode traversal.
type pass struct {
	createGraph, retain bool
	book                gradBook
	order               []*Value // every value visited, inputs first
	ran                 []*node  // the nodes whose backward ran
}

func newPass(createGraph, retain bool) *pass {
	p := &pass{createGraph: createGraph, retain: retain}
	if !createGraph {
		// Without a recorded graph every gradient the pass computes is
		// its own: recycle them as soon as they are consumed.
		p.book = gradBook{on: true, mark: tensor.AllocMark(), refs: map[uintptr]int32{}}
	}
	return p
}

// propagate runs reverse-mode accumulation from outputs. With targets
// (Grad) it returns their gradients and only visits nodes that lead to a
// target; without (Backward) it returns the gradients of all leaves that
// require them.
func (p *pass) propagate(outputs, gradOutputs []*Value, targets map[*Value]bool) map[*Value]*Value {
	if gradOutputs == nil {
		gradOutputs = make([]*Value, len(outputs))
	}
	if len(gradOutputs) != len(outputs) {
		panic(fmt.Sprintf("autograd.Grad: %d outputs but %d output gradients", len(outputs), len(gradOutputs)))
	}
	order := topoOrder(outputs)
	p.order = order
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
	b := &p.book
	anomaly := anomalyDepth.Load() != 0
	run := func() {
		if anomaly {
			defer quietAnomaly()()
		}
		for i, out := range outputs {
			g := gradOutputs[i]
			if g == nil {
				if out.t.Len() != 1 {
					panic(fmt.Sprintf("autograd.Grad: output of shape %v needs an explicit gradient", out.t.Shape()))
				}
				g = Const(tensor.FullOn(out.t.Device(), 1, out.t.Shape()...))
			} else if !tensor.SameShape(g.t.Shape(), out.t.Shape()) {
				panic(fmt.Sprintf("autograd.Grad: output gradient %v for output %v", g.t.Shape(), out.t.Shape()))
			}
			b.hold(g)
			if need[out] {
				b.addGrad(grads, out, g)
			} else {
				b.drop(g)
			}
		}
		for i := len(order) - 1; i >= 0; i-- {
			v := order[i]
			g := grads[v]
			if g == nil || v.node == nil {
				continue
			}
			// The pass holds g from here on; an interior gradient leaves
			// the map (a target's stays, to be returned).
			if targets == nil || !targets[v] {
				delete(grads, v)
			} else {
				b.hold(g)
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
				b.drop(g)
				continue
			}
			mask := make([]bool, len(n.inputs))
			for j, in := range n.inputs {
				mask[j] = need[in]
			}
			prev := backwardNeed
			backwardNeed = mask
			gs := n.backward(g)
			backwardNeed = prev
			p.ran = append(p.ran, n)
			// Count every result before consuming any: one backward may
			// return the same gradient (or g itself) for several inputs.
			for _, gj := range gs {
				if gj != nil {
					b.hold(gj)
				}
			}
			b.drop(g)
			for j, in := range n.inputs {
				if gs[j] == nil {
					continue
				}
				if need[in] {
					b.addGrad(grads, in, gs[j])
					if anomaly {
						// The sum so far: a finite gradient that
						// overflows when accumulated is caught here too.
						checkFinite(n.op, "backward", j, grads[in].t)
					}
				} else {
					b.drop(gs[j])
				}
			}
		}
	}
	if p.createGraph {
		run()
	} else {
		NoGrad(run)
	}
	if !p.retain {
		// Free what this pass used: nodes whose backward ran. A target's
		// own node (its backward never ran) stays usable.
		for _, n := range p.ran {
			n.backward = nil
			n.inputs = nil
			n.released = true
			dropSaved(n)
		}
	}
	if targets == nil {
		for v, g := range grads {
			if v.node != nil || !v.requiresGrad {
				delete(grads, v)
				b.drop(g)
			}
		}
	}
	return grads
}

// gradBook counts, during a pass that records no graph, the references to
// the storage of the gradients the pass itself allocated: entries of the
// gradient map and results not yet filed. A storage whose count falls to
// zero is handed back to the tensor allocator at once, so that the next
// gradient of the same size reuses it. Storage allocated before the pass
// (output gradients the caller passed, anything of the forward pass) is
// never counted, hence never released.
type gradBook struct {
	on   bool
	mark uint64
	refs map[uintptr]int32
}

func (b *gradBook) tracked(g *Value) bool {
	return b.on && g.t.AllocatedSince(b.mark) && g.t.Recyclable()
}

// hold adds a reference to g's storage.
func (b *gradBook) hold(g *Value) {
	if b.tracked(g) {
		b.refs[g.t.StorageID()]++
	}
}

// drop removes a reference and recycles the storage at zero.
func (b *gradBook) drop(g *Value) {
	if !b.tracked(g) {
		return
	}
	id := g.t.StorageID()
	b.refs[id]--
	if b.refs[id] <= 0 {
		delete(b.refs, id)
		tensor.Release(g.t)
	}
}

// own reports whether the pass holds g's storage through one reference
// alone, and if so gives it up (the caller keeps the storage).
func (b *gradBook) own(g *Value) bool {
	if !b.tracked(g) {
		return false
	}
	id := g.t.StorageID()
	if b.refs[id] != 1 {
		return false
	}
	delete(b.refs, id)
	return true
}

// addGrad files g (held by the caller) as v's gradient, summing with a
// gradient already there.
func (b *gradBook) addGrad(grads map[*Value]*Value, v, g *Value) {
	if !tensor.SameShape(g.t.Shape(), v.t.Shape()) {
		panic(fmt.Sprintf("autograd: gradient of shape %v for value of shape %v", g.t.Shape(), v.t.Shape()))
	}
	if old := grads[v]; old != nil {
		sum := Add(old, g)
		b.hold(sum)
		b.drop(old)
		b.drop(g)
		grads[v] = sum
	} else {
		grads[v] = g
	}
}

// freeValues recycles the storage of the values whose nodes the pass ran
// and released (see GradOptions.FreeValues). A storage goes back only when
// every value of the traversed graph that shares it (views made by
// Reshape, the in-place bias of a layer) is freed too.
func (p *pass) freeValues(outputs, inputs, keep []*Value) {
	if p.retain || p.createGraph {
		return
	}
	spare := map[*Value]bool{}
	for _, vs := range [][]*Value{outputs, inputs, keep} {
		for _, v := range vs {
			spare[v] = true
		}
	}
	ran := make(map[*node]bool, len(p.ran))
	for _, n := range p.ran {
		ran[n] = true
	}
	type group struct {
		vals []*Value
		ok   bool
	}
	groups := map[uintptr]*group{}
	for _, v := range p.order {
		if v.t.Released() {
			continue
		}
		id := v.t.StorageID()
		gr := groups[id]
		if gr == nil {
			gr = &group{ok: true}
			groups[id] = gr
		}
		gr.vals = append(gr.vals, v)
		if v.node == nil || !ran[v.node] || spare[v] || v.pinned || !v.t.Recyclable() {
			gr.ok = false
		}
	}
	for _, v := range p.order { // in a fixed order: the allocator's lists are LIFO
		gr := groups[v.t.StorageID()]
		if gr == nil || !gr.ok {
			continue
		}
		for _, w := range gr.vals {
			tensor.Release(w.t)
		}
		delete(groups, v.t.StorageID())
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
