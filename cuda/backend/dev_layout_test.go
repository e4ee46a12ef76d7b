package backend_test

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// noUploads fails unless the op copied nothing host → device.
func noUploads(t *testing.T, name string, tr tensor.TransferStats) {
	t.Helper()
	if tr.Uploads != 0 || tr.UploadElems != 0 {
		t.Errorf("%s: %d uploads of %d elements, want none", name, tr.Uploads, tr.UploadElems)
	}
}

func TestSimNarrowConcatExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(21)
	for _, c := range []struct {
		shape               []int
		axis, start, length int
	}{{[]int{3, 5, 4}, 1, 1, 3}, {[]int{3, 5, 4}, 0, 2, 1}, {[]int{3, 5, 4}, 2, 1, 2}, {[]int{9}, 0, 3, 6}, {[]int{2, 3, 4, 5}, 3, 0, 5}, {[]int{1, 7, 1}, 1, 6, 1}} {
		x := withSpecials(r, c.shape...)
		tr := onDeviceExact(t, s, "Narrow", []*tensor.Tensor{x}, false, func(v []*tensor.Tensor) *tensor.Tensor {
			return tensor.Narrow(v[0], c.axis, c.start, c.length)
		})
		noUploads(t, "Narrow", tr)
	}
	for _, c := range []struct {
		shapes [][]int
		axis   int
	}{
		{[][]int{{2, 3, 4}, {2, 1, 4}, {2, 5, 4}}, 1},
		{[][]int{{2, 3}, {4, 3}}, 0},
		{[][]int{{2, 3, 4}, {2, 3, 2}, {2, 3, 1}, {2, 3, 3}}, 2},
		{[][]int{{2, 3, 4}, {2, 0, 4}, {2, 2, 4}}, 1}, // an empty piece
		{[][]int{{5}}, 0},
	} {
		xs := make([]*tensor.Tensor, len(c.shapes))
		for i, sh := range c.shapes {
			if tensor.Numel(sh) == 0 {
				xs[i] = tensor.Zeros(sh...)
				continue
			}
			xs[i] = withSpecials(r, sh...)
		}
		tr := onDeviceExact(t, s, "Concat", xs, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.Concat(v, c.axis) })
		noUploads(t, "Concat", tr)
	}
	// Stack goes through Concat.
	a, b := withSpecials(r, 3, 4), withSpecials(r, 3, 4)
	onDeviceExact(t, s, "Stack", []*tensor.Tensor{a, b}, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.Stack(v, 1) })
}

func TestSimPermuteExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(22)
	for _, c := range []struct {
		shape, perm []int
	}{
		{[]int{3, 4}, []int{1, 0}},
		{[]int{2, 3, 4}, []int{2, 0, 1}},
		{[]int{2, 3, 4, 5}, []int{0, 2, 3, 1}},
		{[]int{2, 3, 4, 5}, []int{3, 2, 1, 0}},
		{[]int{2, 1, 3, 1, 2, 2, 3}, []int{6, 5, 4, 3, 2, 1, 0}}, // seven axes, two of size 1
		{[]int{2, 2, 2, 2, 2, 2}, []int{5, 3, 1, 4, 2, 0}},
	} {
		x := withSpecials(r, c.shape...)
		tr := onDeviceExact(t, s, "Permute", []*tensor.Tensor{x}, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.Permute(v[0], c.perm...) })
		noUploads(t, "Permute", tr)
	}
	// Eight axes that fold to no fewer: past the kernel, the host computes it.
	x := withSpecials(r, 2, 2, 2, 2, 2, 2, 2, 2)
	perm := []int{7, 6, 5, 4, 3, 2, 1, 0}
	want := tensor.Permute(x, perm...)
	d := up(x)
	tensor.ResetTransfers()
	got := tensor.Permute(d, perm...)
	if tensor.Transfers().Fallbacks["Permute"] != 1 {
		t.Error("a permutation folding to 8 axes did not fall back")
	}
	sameBits(t, "Permute (fallback)", got.To(tensor.Host), want)
	tensor.Release(got)
	tensor.Release(d)
}

func TestSimPadExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(23)
	nan := float32FromBits(0x7f800001) // a signalling NaN: the fill must copy its bits
	for _, c := range []struct {
		shape []int
		pads  [][2]int
		value float32
	}{
		{[]int{2, 3, 4, 5}, [][2]int{{0, 0}, {0, 0}, {1, 2}, {3, 0}}, 0},
		{[]int{2, 3, 4}, [][2]int{{1, 1}}, -1.5},
		{[]int{4, 5}, [][2]int{{0, 2}, {2, 1}}, nan},
		{[]int{4, 5}, [][2]int{{1, 0}, {0, 1}}, float32FromBits(0x80000000)},
		{[]int{6}, [][2]int{{0, 0}}, 3},
	} {
		x := withSpecials(r, c.shape...)
		tr := onDeviceExact(t, s, "Pad", []*tensor.Tensor{x}, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.Pad(v[0], c.pads, c.value) })
		noUploads(t, "Pad", tr)
	}
}

func TestSimIndexSelectAddExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(24)
	for _, c := range []struct {
		x    []int
		axis int
		n    int
	}{{[]int{3, 5, 4}, 1, 8}, {[]int{3, 5, 4}, 0, 7}, {[]int{3, 5, 4}, 2, 3}, {[]int{9}, 0, 20}, {[]int{2, 3}, 1, 1}, {[]int{4, 6}, 0, 2}} {
		index := make([]int, c.n)
		for i := range index {
			index[i] = r.Intn(c.x[c.axis]) // many repeats
		}
		want := append([]int(nil), c.x...)
		want[c.axis] = c.n
		x := withSpecials(r, c.x...)
		src := withSpecials(r, want...)
		tr := onDeviceExact(t, s, "IndexSelect", []*tensor.Tensor{x}, false, func(v []*tensor.Tensor) *tensor.Tensor { return tensor.IndexSelect(v[0], c.axis, index) })
		if tr.Uploads != 1 || tr.UploadElems != int64(len(index)) {
			t.Errorf("IndexSelect's index upload: %d uploads of %d elements, want 1 of %d", tr.Uploads, tr.UploadElems, len(index))
		}
		base := tensor.Uniform(r, -1, 1, c.x...)
		tr = onDeviceExact(t, s, "IndexAdd", []*tensor.Tensor{base, src}, false, func(v []*tensor.Tensor) *tensor.Tensor {
			return tensor.IndexAdd(v[0], c.axis, index, v[1])
		})
		if tr.Uploads != 1 || tr.UploadElems != int64(len(index)) {
			t.Errorf("IndexAdd's index upload: %d uploads of %d elements, want 1 of %d", tr.Uploads, tr.UploadElems, len(index))
		}
		// Uniform values with many repeats: the order of the additions shows.
		src = tensor.Uniform(r, -1e4, 1e4, want...)
		onDeviceExact(t, s, "IndexAdd (order)", []*tensor.Tensor{base, src}, false, func(v []*tensor.Tensor) *tensor.Tensor {
			return tensor.IndexAdd(v[0], c.axis, index, v[1])
		})
	}
}

func TestSimResizeBilinearExact(t *testing.T) {
	s := newSim(t)
	r := tensor.NewRNG(25)
	for _, c := range []struct{ h, w, oh, ow int }{
		{5, 7, 9, 11},  // up
		{9, 11, 4, 5},  // down
		{6, 6, 12, 12}, // exact 2×
		{8, 8, 3, 3},
		{1, 4, 3, 7}, // a single row
		{4, 5, 1, 1}, // to one pixel
		{3, 10, 7, 3},
		{7, 13, 7, 6}, // one axis kept
	} {
		for _, align := range []bool{false, true} {
			x := noNaNs(withSpecials(r, 2, 3, c.h, c.w))
			tr := onDeviceExact(t, s, "ResizeBilinear", []*tensor.Tensor{x}, false, func(v []*tensor.Tensor) *tensor.Tensor {
				return tensor.ResizeBilinear(v[0], c.oh, c.ow, align)
			})
			noUploads(t, "ResizeBilinear", tr)
			// Uniform gradients: NaN would hide the order of the additions.
			gy := tensor.Uniform(r, -1, 1, 2, 3, c.oh, c.ow)
			xs := []int{2, 3, c.h, c.w}
			tr = onDeviceExact(t, s, "ResizeBilinearTranspose", []*tensor.Tensor{gy}, false, func(v []*tensor.Tensor) *tensor.Tensor {
				return tensor.ResizeBilinearTranspose(v[0], xs, align)
			})
			noUploads(t, "ResizeBilinearTranspose", tr)
			gy = noNaNs(withSpecials(r, 2, 3, c.oh, c.ow))
			onDeviceExact(t, s, "ResizeBilinearTranspose (specials)", []*tensor.Tensor{gy}, false, func(v []*tensor.Tensor) *tensor.Tensor {
				return tensor.ResizeBilinearTranspose(v[0], xs, align)
			})
		}
	}
}

func float32FromBits(b uint32) float32 { return math.Float32frombits(b) }

// noNaNs replaces x's NaNs by 0.5. The resize does arithmetic, and which
// NaN's bits an operation on two NaNs keeps is the machine's (x86 keeps
// the first operand's, a GPU makes its canonical NaN), so inputs are kept
// NaN-free; NaNs the ops make themselves (∞·0, ∞−∞) are the default NaN
// on both sides. ±∞, −0, subnormals and MaxFloat32 stay.
func noNaNs(x *tensor.Tensor) *tensor.Tensor {
	d := x.Data()
	for i, v := range d {
		if v != v {
			d[i] = 0.5
		}
	}
	return tensor.New(d, x.Shape()...)
}
