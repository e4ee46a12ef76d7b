package autograd

import "github.com/modeldoctor/modeldoctor/tensor"

// saved is a buffer that backward closures keep and nothing else sees
// (max pooling's argmax indices). It counts the recorded nodes that keep
// it: a backward pass that releases a node drops the node's references,
// and the last one hands the buffer back to the allocator. A buffer kept
// by a node that is never released (a retained graph, a graph the caller
// drops) is left to the garbage collector.
type saved struct {
	refs    int
	release func()
}

// keep records that v's node (if any) keeps s; with no node (gradients
// off, or no input requires them), nothing will read s again and it is
// released at once if nothing else keeps it.
func (s *saved) keep(v *Value) *Value {
	if v.node != nil {
		s.refs++
		v.node.saved = append(v.node.saved, s)
	} else if s.refs == 0 {
		s.release()
	}
	return v
}

// dropSaved releases n's references to its saved buffers.
func dropSaved(n *node) {
	for _, s := range n.saved {
		s.refs--
		if s.refs == 0 {
			s.release()
		}
	}
	n.saved = nil
}

// savedIndices wraps pooling indices.
func savedIndices(pi *tensor.PoolIndices) *saved { return &saved{release: pi.Release} }

// backwardNeed marks, while a node's backward function runs, which of its
// inputs need a gradient (nil: all). Backward functions of costly ops ask
// needGrad and skip the others (a network's input, frozen weights, the
// weights that Grad with respect to a feature map does not want), as
// PyTorch's needs_input_grad does. Graphs are built and differentiated by
// one goroutine at a time, so one variable serves.
var backwardNeed []bool

// needGrad reports whether input i of the node whose backward is running
// needs a gradient.
func needGrad(i int) bool { return backwardNeed == nil || i >= len(backwardNeed) || backwardNeed[i] }
