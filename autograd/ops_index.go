package autograd

import "github.com/modeldoctor/modeldoctor/tensor"

var (
	opGather      = register("gather")
	opScatterAdd  = register("scatter_add")
	opIndexSelect = register("index_select")
	opIndexAdd    = register("index_add")
)

// Gather picks entries along axis at idx (torch.gather).
func Gather(x *Value, axis int, idx *tensor.Indices) *Value {
	xs := x.Shape()
	return record(opGather, tensor.Gather(x.t, axis, idx), []*Value{x}, func(g *Value) []*Value {
		return []*Value{ScatterAdd(Const(tensor.ZerosOn(g.t.Device(), xs...)), axis, idx, g)}
	})
}

// ScatterAdd adds src into base at idx along axis (torch.scatter_add).
func ScatterAdd(base *Value, axis int, idx *tensor.Indices, src *Value) *Value {
	return record(opScatterAdd, tensor.ScatterAdd(base.t, axis, idx, src.t), []*Value{base, src}, func(g *Value) []*Value {
		return []*Value{g, Gather(g, axis, idx)}
	})
}

// IndexSelect picks whole slices along axis.
func IndexSelect(x *Value, axis int, index []int) *Value {
	xs := x.Shape()
	return record(opIndexSelect, tensor.IndexSelect(x.t, axis, index), []*Value{x}, func(g *Value) []*Value {
		return []*Value{IndexAdd(Const(tensor.ZerosOn(g.t.Device(), xs...)), axis, index, g)}
	})
}

// IndexAdd adds slice j of src to slice index[j] of base along axis.
func IndexAdd(base *Value, axis int, index []int, src *Value) *Value {
	return record(opIndexAdd, tensor.IndexAdd(base.t, axis, index, src.t), []*Value{base, src}, func(g *Value) []*Value {
		return []*Value{g, IndexSelect(g, axis, index)}
	})
}

// PickLabels returns x[b, labels[b]] for a [B, K] value: the label logits.
func PickLabels(x *Value, labels []int) *Value {
	idx := tensor.NewIndices(append([]int(nil), labels...), len(labels), 1)
	return Reshape(Gather(x, 1, idx), len(labels))
}
