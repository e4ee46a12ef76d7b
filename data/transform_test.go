package data

import (
	"math"
	"slices"
	"testing"
)

func approxEqual(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("%s: got %v, want %v", what, got, want)
		}
	}
}

// 2×2 → 4×4, worked by hand per PyTorch align_corners=False: output
// coordinate d maps to source (d+0.5)/2-0.5 = -0.25, 0.25, 0.75, 1.25,
// clamped to 0 below and to the last pixel above, so each axis weighs its
// two inputs (1,0), (0.75,0.25), (0.25,0.75), (0,1). This equals
// torch.nn.functional.interpolate(x, size=4, mode="bilinear",
// align_corners=False) for x = [[1,2],[3,4]].
func TestResizeUp2x2(t *testing.T) {
	x := CHW{Pix: []float32{1, 2, 3, 4}, C: 1, H: 2, W: 2}
	got := Resize{4, 4}.Apply(x, nil)
	approxEqual(t, "2x2→4x4", got.Pix, []float32{
		1.00, 1.25, 1.75, 2.00,
		1.50, 1.75, 2.25, 2.50,
		2.50, 2.75, 3.25, 3.50,
		3.00, 3.25, 3.75, 4.00,
	})
	if got.H != 4 || got.W != 4 || got.C != 1 {
		t.Errorf("shape %d×%d×%d", got.C, got.H, got.W)
	}
	approxEqual(t, "input untouched", x.Pix, []float32{1, 2, 3, 4})
}

func TestResizeDown(t *testing.T) {
	// 4×4 → 2×2: sources 0.5 and 2.5, i.e. the mean of each 2×2 block.
	x := CHW{Pix: make([]float32, 16), C: 1, H: 4, W: 4}
	for i := range x.Pix {
		x.Pix[i] = float32(i)
	}
	approxEqual(t, "4x4→2x2", Resize{2, 2}.Apply(x, nil).Pix, []float32{2.5, 4.5, 10.5, 12.5})

	// 1×3 → 1×2: scale 1.5, sources 0.25 and 1.75; two channels.
	y := CHW{Pix: []float32{0, 1, 2, 10, 20, 30}, C: 2, H: 1, W: 3}
	approxEqual(t, "1x3→1x2", Resize{1, 2}.Apply(y, nil).Pix, []float32{0.25, 1.75, 12.5, 27.5})
}

func TestFlip(t *testing.T) {
	x := CHW{Pix: []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, C: 2, H: 2, W: 3}
	want := []float32{3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}
	approxEqual(t, "HFlip", HFlip(x).Pix, want)
	rng := NewRand(1)
	approxEqual(t, "P=1", RandomHorizontalFlip{P: 1}.Apply(x, rng).Pix, want)
	approxEqual(t, "P=0", RandomHorizontalFlip{P: 0}.Apply(x, rng).Pix, x.Pix)
	flips := 0
	for range 1000 {
		if (RandomHorizontalFlip{P: 0.5}).Apply(x, rng).Pix[0] == 3 {
			flips++
		}
	}
	if flips < 430 || flips > 570 {
		t.Errorf("P=0.5 flipped %d of 1000", flips)
	}
}

func TestCropHand(t *testing.T) {
	x := CHW{Pix: []float32{1, 2, 3, 4}, C: 1, H: 2, W: 2}
	// A 4×4 crop of the 1-padded 2×2 image has one position: the padded image.
	got := RandomCrop{H: 4, W: 4, Padding: 1}.Apply(x, NewRand(3))
	approxEqual(t, "pad 1", got.Pix, []float32{0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0})
	approxEqual(t, "cropAt(-1,1)", cropAt(x, -1, 1, 2, 2).Pix, []float32{0, 0, 2, 0})
	approxEqual(t, "cropAt(1,-1)", cropAt(x, 1, -1, 2, 2).Pix, []float32{0, 3, 0, 0})
	approxEqual(t, "far away", cropAt(x, 5, 5, 1, 1).Pix, []float32{0})

	y := CHW{Pix: []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, C: 1, H: 3, W: 3}
	approxEqual(t, "center", CenterCrop{1, 1}.Apply(y, nil).Pix, []float32{5})
	approxEqual(t, "center pad", CenterCrop{1, 5}.Apply(y, nil).Pix, []float32{0, 4, 5, 6, 0})
}

// Every RandomCrop output must be one of the windows of the padded image,
// and with enough draws every window appears.
func TestRandomCropWindows(t *testing.T) {
	x := CHW{Pix: []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, C: 1, H: 3, W: 4}
	const p = 1
	padded := cropAt(x, -p, -p, x.H+2*p, x.W+2*p)
	windows := map[[2]int][]float32{}
	for top := 0; top <= 2; top++ {
		for left := 0; left <= 3; left++ {
			windows[[2]int{top, left}] = cropAt(padded, top, left, 3, 3).Pix
		}
	}
	seen := map[[2]int]bool{}
	rng := NewRand(9)
	for range 500 {
		got := RandomCrop{H: 3, W: 3, Padding: p}.Apply(x, rng).Pix
		found := false
		for k, w := range windows {
			if slices.Equal(got, w) {
				seen[k], found = true, true
			}
		}
		if !found {
			t.Fatalf("crop %v is no window of the padded image", got)
		}
	}
	if len(seen) != len(windows) {
		t.Errorf("saw %d of %d windows", len(seen), len(windows))
	}
}

func TestNormalizeGrayCompose(t *testing.T) {
	x := CHW{Pix: []float32{0.5, 1}, C: 1, H: 1, W: 2}
	rgb := GrayToRGB{}.Apply(x, nil)
	approxEqual(t, "gray→rgb", rgb.Pix, []float32{0.5, 1, 0.5, 1, 0.5, 1})
	if (GrayToRGB{}).Apply(rgb, nil).C != 3 {
		t.Error("RGB should pass through")
	}
	n := Normalize{Mean: []float32{0.5, 0, 1}, Std: []float32{0.5, 1, 2}}.Apply(rgb, nil)
	approxEqual(t, "normalize", n.Pix, []float32{0, 1, 0.5, 1, -0.25, 0})
	approxEqual(t, "normalize broadcast", Normalize{Mean: []float32{0.5}, Std: []float32{0.25}}.Apply(x, nil).Pix, []float32{0, 2})

	c := Compose{GrayToRGB{}, Resize{2, 4}, RandomHorizontalFlip{P: 1}}.Apply(x, NewRand(0))
	if c.C != 3 || c.H != 2 || c.W != 4 {
		t.Fatalf("compose shape %d×%d×%d", c.C, c.H, c.W)
	}
	// 1×2 → 2×4 of [0.5, 1] is [0.5, 0.625, 0.875, 1] per row, then flipped.
	approxEqual(t, "compose row", c.Pix[:4], []float32{1, 0.875, 0.625, 0.5})
}

func TestNormalizeMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for 3 means on a 1-channel image")
		}
	}()
	Normalize{Mean: []float32{0, 0, 0}, Std: []float32{1, 1, 1}}.Apply(CHW{Pix: []float32{0}, C: 1, H: 1, W: 1}, nil)
}
