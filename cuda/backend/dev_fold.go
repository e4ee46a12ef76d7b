package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// The broadcast fold that Binary (dev_binary.go) and Where (dev_where.go)
// share: their kernels find each operand's offset from a table of the
// folded axes' sizes and the operands' strides, any rank.

// foldOperands folds operands broadcast to out into axes (outermost
// first) of sizes and each operand's element strides (0 where it
// broadcasts): size-1 axes dropped, neighbours along which every operand
// walks on contiguously merged.
func foldOperands(out []int, ops ...[]int) (size []int, st [][]int) {
	full := make([][]int, len(ops))
	for k, xs := range ops {
		s := make([]int, len(out))
		off, acc := len(out)-len(xs), 1
		for i := len(out) - 1; i >= off; i-- {
			if xs[i-off] != 1 {
				s[i] = acc
			}
			acc *= xs[i-off]
		}
		full[k] = s
	}
	st = make([][]int, len(ops))
	for i := len(out) - 1; i >= 0; i-- { // innermost first
		if out[i] == 1 {
			continue
		}
		if l := len(size) - 1; l >= 0 {
			merge := true
			for k := range ops {
				if st[k][l]*size[l] != full[k][i] {
					merge = false
					break
				}
			}
			if merge {
				size[l] *= out[i]
				continue
			}
		}
		size = append(size, out[i])
		for k := range ops {
			st[k] = append(st[k], full[k][i])
		}
	}
	rev := func(v []int) {
		for l, r := 0, len(v)-1; l < r; l, r = l+1, r-1 {
			v[l], v[r] = v[r], v[l]
		}
	}
	rev(size)
	for k := range st {
		rev(st[k])
	}
	return size, st
}

// uploadFold folds the operands broadcast to out (foldOperands) and copies
// the table into a new device buffer as u32 words: the folded axes' sizes,
// then each operand's strides in turn (outermost first); rank is the
// number of folded axes. The table is a kernel parameter, not tensor data:
// it is not counted as an upload. The caller frees it.
func (s *Device) uploadFold(out []int, ops ...[]int) (tab ptx.Ptr, rank int) {
	size, st := foldOperands(out, ops...)
	words := make([]uint32, 0, (len(ops)+1)*len(size)+1)
	for _, l := range append([][]int{size}, st...) {
		for _, v := range l {
			words = append(words, uint32(v))
		}
	}
	if len(words) == 0 { // one element: rank 0
		words = []uint32{0} // a buffer is never empty
	}
	return s.m.AllocU32(words), len(size)
}
