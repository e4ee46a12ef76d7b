package backend

import (
	"reflect"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// TestSimActivationRefusesEmpty: the ops here report false, launching
// nothing, for empty tensors.
func TestSimActivationRefusesEmpty(t *testing.T) {
	s := srSim(t)
	e := tensor.Zeros(0, 3).To(srDev)
	o := tensor.Zeros(0, 3).To(srDev)
	launches := s.Launches()
	for _, c := range []struct {
		name string
		in   []*tensor.Tensor
	}{{"Relu6", []*tensor.Tensor{e}}, {"SiLU", []*tensor.Tensor{e}}, {"SiLUBackward", []*tensor.Tensor{e, e}}, {"Where", []*tensor.Tensor{e, e, e}}} {
		s.mu.Lock()
		ok := deviceOps[c.name](s, tensor.Op{Name: c.name}, c.in, []*tensor.Tensor{o})
		s.mu.Unlock()
		if ok {
			t.Errorf("%s: accepted an empty tensor", c.name)
		}
	}
	// an empty operand is refused whatever the output
	one := tensor.Zeros(1).To(srDev)
	s.mu.Lock()
	ok := s.whereAt(e, one, one, one)
	s.mu.Unlock()
	if ok {
		t.Error("Where: accepted an empty cond")
	}
	if s.Launches() != launches {
		t.Errorf("%d launches for refused ops", s.Launches()-launches)
	}
	for _, x := range []*tensor.Tensor{e, o, one} {
		tensor.Release(x)
	}
}

func TestFoldOperands(t *testing.T) {
	for _, c := range []struct {
		out  []int
		ops  [][]int
		size []int
		st   [][]int
	}{
		{[]int{2, 3, 4}, [][]int{{2, 3, 4}, {2, 3, 4}, {2, 3, 4}}, []int{24}, [][]int{{1}, {1}, {1}}},
		{[]int{2, 3, 4}, [][]int{{2, 3, 4}, {4}}, []int{6, 4}, [][]int{{4, 1}, {0, 1}}},
		{[]int{2, 3, 4}, [][]int{{2, 3, 4}, {2, 3, 4}}, []int{24}, [][]int{{1}, {1}}},
		{[]int{2, 3, 4}, [][]int{{2, 1, 4}, {3, 1}, {4}}, []int{2, 3, 4}, [][]int{{4, 0, 1}, {0, 1, 0}, {0, 0, 1}}},
		{[]int{2, 3, 4}, [][]int{{1}, {2, 3, 4}, {}}, []int{24}, [][]int{{0}, {1}, {0}}},
		{[]int{5, 1, 6}, [][]int{{5, 1, 6}, {1, 6}, {5, 1, 1}}, []int{5, 6}, [][]int{{6, 1}, {0, 1}, {1, 0}}},
		{[]int{}, [][]int{{}, {}, {}}, nil, [][]int{nil, nil, nil}},
		{[]int{1, 1}, [][]int{{1}, {1, 1}, {}}, nil, [][]int{nil, nil, nil}},
	} {
		size, st := foldOperands(c.out, c.ops...)
		if !reflect.DeepEqual(size, c.size) || !reflect.DeepEqual(st, c.st) {
			t.Errorf("foldOperands(%v, %v) = %v, %v; want %v, %v", c.out, c.ops, size, st, c.size, c.st)
		}
	}
}
