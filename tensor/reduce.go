package tensor

import (
	"fmt"
	"math"
	"sort"

	"github.com/modeldoctor/modeldoctor/asm"
)

// ReduceOp names a reduction.
type ReduceOp int

// Reductions. Sums accumulate in float64 and in a fixed order.
const (
	OpSum ReduceOp = iota
	OpMax
	OpMin
)

func (op ReduceOp) String() string { return [...]string{"Sum", "Max", "Min"}[op] }

// reduceMask turns an axis list into a per-axis flag (all axes if empty).
func reduceMask(op string, x *Tensor, axes []int) []bool {
	m := make([]bool, len(x.shape))
	if len(axes) == 0 {
		for i := range m {
			m[i] = true
		}
		return m
	}
	for _, a := range axes {
		m[normAxis(op, a, len(x.shape))] = true
	}
	return m
}

// keptShape is x's shape with reduced axes set to 1 (keepdim) or removed.
func keptShape(shape []int, reduce []bool, keepdim bool) []int {
	out := []int{}
	for i, d := range shape {
		switch {
		case !reduce[i]:
			out = append(out, d)
		case keepdim:
			out = append(out, 1)
		}
	}
	return out
}

func reduceKeep(op ReduceOp, x *Tensor, reduce []bool) *Tensor {
	if be := deviceOf(op.String(), x); be != nil {
		out := devOut(be, keptShape(x.shape, reduce, true))
		onDevice(be, Op{Name: "Reduce", Args: ReduceArgs{op, reduce}}, []*Tensor{x}, out, func(in, out []*Tensor) { backend().Reduce(op, in[0], reduce, out[0]) })
		return out[0]
	}
	out := newTensor(keptShape(x.shape, reduce, true))
	backend().Reduce(op, x, reduce, out)
	return out
}

func reduceAxes(op ReduceOp, name string, x *Tensor, axes []int, keepdim bool) *Tensor {
	m := reduceMask(name, x, axes)
	r := reduceKeep(op, x, m)
	if keepdim {
		return r
	}
	return r.Reshape(keptShape(x.shape, m, false)...)
}

// Sum sums over axes (all axes when none are given).
func Sum(x *Tensor, axes []int, keepdim bool) *Tensor {
	return reduceAxes(OpSum, "Sum", x, axes, keepdim)
}

// Max takes the maximum over axes (all axes when none are given).
func Max(x *Tensor, axes []int, keepdim bool) *Tensor {
	return reduceAxes(OpMax, "Max", x, axes, keepdim)
}

// Min takes the minimum over axes (all axes when none are given).
func Min(x *Tensor, axes []int, keepdim bool) *Tensor {
	return reduceAxes(OpMin, "Min", x, axes, keepdim)
}

// Mean averages over axes (all axes when none are given).
func Mean(x *Tensor, axes []int, keepdim bool) *Tensor {
	m := reduceMask("Mean", x, axes)
	n := 1
	for i, r := range m {
		if r {
			n *= x.shape[i]
		}
	}
	return MulScalar(Sum(x, axes, keepdim), 1/float32(n))
}

// SumAll returns the sum of all elements as float64.
func SumAll(x *Tensor) float64 { return float64(Sum(x, nil, false).Item()) }

// ArgMax returns the index of the largest value along axis (the first on
// ties), as float32 values.
func ArgMax(x *Tensor, axis int, keepdim bool) *Tensor {
	a := normAxis("ArgMax", axis, len(x.shape))
	m := make([]bool, len(x.shape))
	m[a] = true
	if be := deviceOf("ArgMax", x); be != nil {
		out := devOut(be, keptShape(x.shape, m, true))
		onDevice(be, Op{Name: "ArgMax", Args: AxisArgs{a}}, []*Tensor{x}, out, func(in, out []*Tensor) { out[0].CopyFrom(ArgMax(in[0], a, true)) })
		return out[0].Reshape(keptShape(x.shape, m, keepdim)...)
	}
	out := Zeros(keptShape(x.shape, m, keepdim)...)
	outer := Numel(x.shape[:a])
	n := x.shape[a]
	inner := Numel(x.shape[a+1:])
	parallelFor(outer*inner, n, func(lo, hi int) {
		for o := lo; o < hi; o++ {
			i, j := o/inner, o%inner
			base := i*n*inner + j
			best, bi := x.data[base], 0
			for k := 1; k < n; k++ {
				if v := x.data[base+k*inner]; v > best {
					best, bi = v, k
				}
			}
			out.data[o] = float32(bi)
		}
	})
	return out
}

// reducePlan describes x as kept axes (indexing the output) and reduced
// axes (iterated per output element), with adjacent axes merged.
type reducePlan struct {
	keptN, keptSt []int
	redN, redSt   []int
}

func newReducePlan(shape []int, reduce []bool) reducePlan {
	st := strides(shape)
	var p reducePlan
	for i, d := range shape {
		if d == 1 {
			continue
		}
		if reduce[i] {
			if k := len(p.redN) - 1; k >= 0 && p.redSt[k] == d*st[i] {
				p.redN[k] *= d
				p.redSt[k] = st[i]
				continue
			}
			p.redN = append(p.redN, d)
			p.redSt = append(p.redSt, st[i])
		} else {
			p.keptN = append(p.keptN, d)
			p.keptSt = append(p.keptSt, st[i])
		}
	}
	return p
}

// Reduce implements Backend.
func (CPU) Reduce(op ReduceOp, x *Tensor, reduce []bool, out *Tensor) {
	p := newReducePlan(x.shape, reduce)
	total := Numel(p.redN)
	if op == OpSum && len(p.keptN) == 1 && p.keptSt[0] == 1 && len(p.redN) == 1 && p.redSt[0] == p.keptN[0] {
		// x is [R, L] summed over R ([B,K] → [K], [N,C,H,W] → [1,1,H,W]):
		// accumulate whole rows, which adds each column in the same order
		// (r ascending) as the general loop below, with contiguous reads.
		sumRows(x.data, p.redN[0], p.keptN[0], out.data, false)
		return
	}
	parallelFor(len(out.data), total, func(lo, hi int) {
		idx := make([]int, len(p.redN))
		for o := lo; o < hi; o++ {
			base, r := 0, o
			for i := len(p.keptN) - 1; i >= 0; i-- {
				base += (r % p.keptN[i]) * p.keptSt[i]
				r /= p.keptN[i]
			}
			out.data[o] = reduceRun(op, x.data, base, p, idx)
		}
	})
}

// Reduce implements Backend. Sums whose innermost reduced axis is
// contiguous run on the asm package's vector kernels: column sums
// (asm.ColSums, the same bits as the reference's sumRows) and runs summed
// into 16 float64 lanes (asm.SumLanes; a fixed order, but not the
// reference's four partial sums, so the last bit can differ from it).
// Everything else is the reference's.
func (SIMD) Reduce(op ReduceOp, x *Tensor, reduce []bool, out *Tensor) {
	p := newReducePlan(x.shape, reduce)
	nr := len(p.redN)
	if op == OpSum && len(p.keptN) == 1 && p.keptSt[0] == 1 && nr == 1 && p.redSt[0] == p.keptN[0] {
		sumRows(x.data, p.redN[0], p.keptN[0], out.data, true)
		return
	}
	if op != OpSum || nr == 0 || p.redSt[nr-1] != 1 {
		CPU{}.Reduce(op, x, reduce, out)
		return
	}
	total := Numel(p.redN)
	parallelFor(len(out.data), total, func(lo, hi int) {
		idx := make([]int, nr)
		for o := lo; o < hi; o++ {
			base, r := 0, o
			for i := len(p.keptN) - 1; i >= 0; i-- {
				base += (r % p.keptN[i]) * p.keptSt[i]
				r /= p.keptN[i]
			}
			out.data[o] = float32(sumLanesRun(x.data, base, p, idx))
		}
	})
}

// sumLanesRun is reduceRun's sum for a contiguous innermost reduced axis,
// in asm's lanes: the last two reduced axes form one asm.SumLanes call
// (runs of the innermost axis), the others an odometer around it.
func sumLanesRun(data []float32, base int, p reducePlan, idx []int) float64 {
	nr := len(p.redN)
	innerN := p.redN[nr-1]
	runs, stride := 1, innerN
	if nr >= 2 {
		runs, stride = p.redN[nr-2], p.redSt[nr-2]
	}
	clear(idx)
	var acc asm.Lanes
	for {
		off := base
		for i := 0; i < nr-2; i++ {
			off += idx[i] * p.redSt[i]
		}
		asm.SumLanes(&acc, data[off:], runs, innerN, stride)
		i := nr - 3
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < p.redN[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			break
		}
	}
	return asm.FoldLanes(&acc)
}

// reduceRun reduces the elements reachable from base over the plan's
// reduced axes, the last (innermost) axis as a strided inner loop.
func reduceRun(op ReduceOp, data []float32, base int, p reducePlan, idx []int) float32 {
	nr := len(p.redN)
	if nr == 0 {
		return data[base]
	}
	for i := range idx {
		idx[i] = 0
	}
	innerN, innerSt := p.redN[nr-1], p.redSt[nr-1]
	var sum float64
	acc := float32(math.Inf(1))
	if op == OpMax {
		acc = float32(math.Inf(-1))
	}
	for {
		off := base
		for i := 0; i < nr-1; i++ {
			off += idx[i] * p.redSt[i]
		}
		switch op {
		case OpSum:
			if innerSt == 1 {
				sum += sumRun(data[off : off+innerN])
				break
			}
			for k := 0; k < innerN; k++ {
				sum += float64(data[off+k*innerSt])
			}
		case OpMax:
			for k := 0; k < innerN; k++ {
				if v := data[off+k*innerSt]; v > acc || v != v {
					acc = v
				}
			}
		case OpMin:
			for k := 0; k < innerN; k++ {
				if v := data[off+k*innerSt]; v < acc || v != v {
					acc = v
				}
			}
		}
		// Advance the odometer over the outer reduced axes.
		i := nr - 2
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < p.redN[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			break
		}
	}
	if op == OpSum {
		return float32(sum)
	}
	return acc
}

// sumRun returns the sum of a contiguous run in float64, with four
// interleaved partial sums (a fixed order, so the result depends only on
// the run) to break the chain of dependent additions.
func sumRun(d []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(d); i += 4 {
		q := d[i : i+4 : i+4]
		s0 += float64(q[0])
		s1 += float64(q[1])
		s2 += float64(q[2])
		s3 += float64(q[3])
	}
	for ; i < len(d); i++ {
		s0 += float64(d[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// sumRows writes out[l] = Σ_r x[r·cols + l] for x [rows, cols], each
// column summed in float64 in row order; workers split the columns. vec
// runs the additions on asm.ColSums (the same order, so the same bits).
func sumRows(x []float32, rows, cols int, out []float32, vec bool) {
	const block = 256 // columns per accumulator block (stays in L1)
	blocks := (cols + block - 1) / block
	parallelFor(blocks, rows*block, func(lo, hi int) {
		var acc [block]float64
		for bl := lo; bl < hi; bl++ {
			c0 := bl * block
			c1 := min(c0+block, cols)
			a := acc[:c1-c0]
			clear(a)
			if vec {
				asm.ColSums(a, x[c0:], rows, cols)
			} else {
				for r := 0; r < rows; r++ {
					row := x[r*cols+c0 : r*cols+c1]
					row = row[:len(a)]
					for k, v := range row {
						a[k] += float64(v)
					}
				}
			}
			o := out[c0:c1]
			for k, v := range a {
				o[k] = float32(v)
			}
		}
	})
}

// SortedAxes returns axes normalised and sorted (a helper for callers that
// build reductions).
func SortedAxes(axes []int, dims int) []int {
	out := make([]int, len(axes))
	for i, a := range axes {
		out[i] = normAxis("SortedAxes", a, dims)
	}
	sort.Ints(out)
	for i := 1; i < len(out); i++ {
		if out[i] == out[i-1] {
			panic(fmt.Sprintf("tensor: repeated axis %d in %v", out[i], axes))
		}
	}
	return out
}
