package backend

// folded is an output shape folded to three axes (outermost first) with
// each operand's stride on them, 0 where it is broadcast.
type folded struct{ size, sa, sb [3]int }

// bstrides is src's stride on each axis of out (src aligned right), 0 on
// broadcast axes.
func bstrides(src, out []int) []int {
	st := make([]int, len(out))
	acc := 1
	for i := len(src) - 1; i >= 0; i-- {
		j := i + len(out) - len(src)
		if src[i] != 1 {
			st[j] = acc
		}
		acc *= src[i]
	}
	return st
}

// fold3 drops size-1 axes of out and merges neighbours that are contiguous
// in both operands ([N,C,H,W] against [1,C,1,1] becomes [N,C,H·W]); it
// reports false when more than three axes remain.
func fold3(out, a, b []int) (folded, bool) {
	sa, sb := bstrides(a, out), bstrides(b, out)
	var size, fa, fb []int
	for i, d := range out {
		if d == 1 {
			continue
		}
		if k := len(size) - 1; k >= 0 && fa[k] == sa[i]*d && fb[k] == sb[i]*d {
			size[k] *= d
			fa[k], fb[k] = sa[i], sb[i]
			continue
		}
		size, fa, fb = append(size, d), append(fa, sa[i]), append(fb, sb[i])
	}
	if len(size) > 3 {
		return folded{}, false
	}
	f := folded{size: [3]int{1, 1, 1}}
	off := 3 - len(size)
	for i := range size {
		f.size[off+i], f.sa[off+i], f.sb[off+i] = size[i], fa[i], fb[i]
	}
	return f, true
}
