package nn

import (
	"strconv"

	"github.com/modeldoctor/modeldoctor/autograd"
)

// Sequential runs its children in order; they are named "0", "1", ... as
// in PyTorch.
type Sequential struct {
	Base
	layers []Module
}

// NewSequential builds a Sequential from layers.
func NewSequential(layers ...Module) *Sequential {
	s := &Sequential{}
	for _, l := range layers {
		s.Append(l)
	}
	return s
}

// Append adds a layer named by its position.
func (s *Sequential) Append(m Module) {
	Add(&s.Base, strconv.Itoa(len(s.layers)), m)
	s.layers = append(s.layers, m)
}

// Len returns the number of layers.
func (s *Sequential) Len() int { return len(s.layers) }

// At returns layer i.
func (s *Sequential) At(i int) Module { return s.layers[i] }

// Forward implements Module.
func (s *Sequential) Forward(x *autograd.Value) *autograd.Value {
	for _, l := range s.layers {
		x = Forward(l, x)
	}
	return x
}
