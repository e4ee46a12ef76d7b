package data

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The fixtures come from Pillow and PyTorch
// (testdata/authors/gen_authors_fixtures.py).

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func bytesCHW(b []uint8, c, h, w int) CHW {
	pix := make([]float32, len(b))
	for i, v := range b {
		pix[i] = byteUnit[v]
	}
	return CHW{Pix: pix, C: c, H: h, W: w}
}

// TestPILResizeMatchesPillow compares PILResize with Pillow's own output,
// byte for byte, on gray and RGB images scaled up, down and both.
func TestPILResizeMatchesPillow(t *testing.T) {
	var fx struct {
		Cases []struct {
			Channels int   `json:"channels"`
			InS      []int `json:"in"`
			OutS     []int `json:"out"`
			PixI     []int `json:"pix"`
			WantI    []int `json:"want"`
		} `json:"cases"`
	}
	readJSON(t, "testdata/authors/pil_resize.json", &fx)
	if len(fx.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range fx.Cases {
		pix := make([]uint8, len(c.PixI))
		for i, v := range c.PixI {
			pix[i] = uint8(v)
		}
		x := bytesCHW(pix, c.Channels, c.InS[0], c.InS[1])
		before := append([]float32(nil), x.Pix...)
		got := PILResize{H: c.OutS[0], W: c.OutS[1]}.Apply(x, nil)
		if got.C != c.Channels || got.H != c.OutS[0] || got.W != c.OutS[1] || len(got.Pix) != len(c.WantI) {
			t.Fatalf("%v→%v: got %d×%d×%d", c.InS, c.OutS, got.C, got.H, got.W)
		}
		for i, v := range got.Pix {
			if v != byteUnit[c.WantI[i]] {
				t.Fatalf("%d channels %v→%v: value %d is %v (byte %d), Pillow %d", c.Channels, c.InS, c.OutS, i, v, toByte(v), c.WantI[i])
			}
		}
		for i := range before {
			if x.Pix[i] != before[i] {
				t.Fatal("PILResize wrote to its input")
			}
		}
	}
}

// TestToByteInvertsByteUnit checks that bytes survive the float round trip.
func TestToByteInvertsByteUnit(t *testing.T) {
	for b := range 256 {
		if got := toByte(byteUnit[b]); int(got) != b {
			t.Fatalf("toByte(%d/255) = %d", b, got)
		}
	}
	if toByte(-0.2) != 0 || toByte(1.5) != 255 {
		t.Fatal("toByte does not clamp")
	}
}

// TestAuthorsEval compares the eval transform with the authors' test
// loader run in PyTorch on Fashion-MNIST images.
func TestAuthorsEval(t *testing.T) {
	var fx struct {
		Images []struct {
			Dataset string    `json:"dataset"`
			Raw     []int     `json:"raw"`
			Channel []float32 `json:"eval_channel"`
		} `json:"images"`
	}
	readJSON(t, "testdata/authors/eval.json", &fx)
	for _, im := range fx.Images {
		raw := make([]uint8, len(im.Raw))
		for i, v := range im.Raw {
			raw[i] = uint8(v)
		}
		eval, _, err := AuthorsPreprocess(im.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		got := eval.Apply(bytesCHW(raw, 1, 28, 28), nil)
		if got.C != 3 || got.H != 32 || got.W != 32 {
			t.Fatalf("%s: %d×%d×%d, want 3×32×32", im.Dataset, got.C, got.H, got.W)
		}
		for c := range 3 {
			for i, w := range im.Channel {
				if v := got.Pix[c*1024+i]; v != w {
					t.Fatalf("%s: channel %d value %d: %v, PyTorch %v", im.Dataset, c, i, v, w)
				}
			}
		}
	}
}

// TestAuthorsTrainAug checks each training augmentation's effect: every
// output is the eval output shifted by at most the crop padding (zeros
// coming in) and, for Fashion-MNIST and CIFAR-10 only, sometimes mirrored.
func TestAuthorsTrainAug(t *testing.T) {
	for _, c := range []struct {
		name     string
		channels int
		size     int
		pad      int
		flips    bool
	}{
		{"mnist", 1, 28, 2, false},
		{"fashion_mnist", 1, 28, 2, true},
		{"cifar10", 3, 32, 4, true},
		{"svhn", 3, 32, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			eval, train, err := AuthorsPreprocess(c.name)
			if err != nil {
				t.Fatal(err)
			}
			rng := NewRand(7)
			img := make([]uint8, c.channels*c.size*c.size)
			for i := range img {
				img[i] = uint8(rng.Intn(256))
			}
			x := bytesCHW(img, c.channels, c.size, c.size)
			ref := eval.Apply(x, nil)
			// Zero padding, normalised.
			p := authorsPresets[strings.ReplaceAll(c.name, "_", "-")]
			zero := Normalize{Mean: p.mean, Std: p.std}.Apply(CHW{Pix: make([]float32, 3), C: 3, H: 1, W: 1}, nil).Pix
			shifts, flips := map[[2]int]bool{}, map[bool]bool{}
			for range 1000 {
				got := train.Apply(x, rng)
				dy, dx, flip, ok := findShift(ref, got, zero, c.pad)
				if !ok {
					t.Fatal("a training image is not a shifted (or mirrored) eval image")
				}
				shifts[[2]int{dy, dx}] = true
				flips[flip] = true
			}
			if want := (2*c.pad + 1) * (2*c.pad + 1); len(shifts) != want {
				t.Errorf("%d distinct shifts in 1000 draws, want all %d", len(shifts), want)
			}
			if flips[true] != c.flips || !flips[false] {
				t.Errorf("mirrored: %v, want sometimes: %v", flips, c.flips)
			}
		})
	}
	if _, _, err := AuthorsPreprocess("imagenet"); err == nil || !strings.Contains(err.Error(), `"imagenet"`) {
		t.Errorf("unknown data set: %v", err)
	}
}

// findShift finds dy, dx in [-pad, pad] and a mirroring such that got is
// ref mirrored, then shifted, with zero[c] where the shift brings in
// padding.
func findShift(ref, got CHW, zero []float32, pad int) (int, int, bool, bool) {
	for _, flip := range []bool{false, true} {
		src := ref
		if flip {
			src = HFlip(ref)
		}
		for dy := -pad; dy <= pad; dy++ {
			for dx := -pad; dx <= pad; dx++ {
				if shiftedEqual(src, got, zero, dy, dx) {
					return dy, dx, flip, true
				}
			}
		}
	}
	return 0, 0, false, false
}

func shiftedEqual(src, got CHW, zero []float32, dy, dx int) bool {
	for c := range src.C {
		for y := range src.H {
			for x := range src.W {
				sy, sx := y+dy, x+dx
				want := zero[c]
				if sy >= 0 && sy < src.H && sx >= 0 && sx < src.W {
					want = src.Pix[(c*src.H+sy)*src.W+sx]
				}
				if got.Pix[(c*src.H+y)*src.W+x] != want {
					return false
				}
			}
		}
	}
	return true
}

// TestPILRotateMatchesPillow compares PILRotate with Pillow's
// Image.rotate(angle, Image.NEAREST), pixel for pixel.
func TestPILRotateMatchesPillow(t *testing.T) {
	var fx struct {
		Cases []struct {
			Channels int     `json:"channels"`
			In       []int   `json:"in"`
			Angle    float64 `json:"angle"`
			Pix      []int   `json:"pix"`
			Want     []int   `json:"want"`
		} `json:"cases"`
	}
	readJSON(t, "testdata/authors/pil_rotate.json", &fx)
	if len(fx.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range fx.Cases {
		pix := make([]uint8, len(c.Pix))
		for i, v := range c.Pix {
			pix[i] = uint8(v)
		}
		got := PILRotate(bytesCHW(pix, c.Channels, c.In[0], c.In[1]), c.Angle)
		if got.C != c.Channels || got.H != c.In[0] || got.W != c.In[1] {
			t.Fatalf("%v by %v°: got %d×%d×%d", c.In, c.Angle, got.C, got.H, got.W)
		}
		for i, v := range got.Pix {
			if v != byteUnit[c.Want[i]] {
				t.Fatalf("%d channels %v by %v°: value %d is byte %d, Pillow %d", c.Channels, c.In, c.Angle, i, toByte(v), c.Want[i])
			}
		}
	}
}

// TestAuthorsCIFAR100 checks the CIFAR-100 preset: no resize, the
// authors' constants, and a training augmentation that rotates (some
// outputs are no shifted or mirrored copy of the eval image).
func TestAuthorsCIFAR100(t *testing.T) {
	eval, train, err := AuthorsPreprocess("cifar100")
	if err != nil {
		t.Fatal(err)
	}
	x := CHW{Pix: make([]float32, 3*32*32), C: 3, H: 32, W: 32}
	for i := range x.Pix {
		x.Pix[i] = byteUnit[(i*37)%256]
	}
	ref := eval.Apply(x, nil)
	mean := []float32{0.5070751592371323, 0.48654887331495095, 0.4409178433670343}
	std := []float32{0.2673342858792401, 0.2564384629170883, 0.27615047132568404}
	for c := range 3 {
		if got, want := ref.Pix[c*1024+5], (x.Pix[c*1024+5]-mean[c])/std[c]; got != want {
			t.Fatalf("channel %d normalised to %v, want %v", c, got, want)
		}
	}
	zero := Normalize{Mean: mean, Std: std}.Apply(CHW{Pix: make([]float32, 3), C: 3, H: 1, W: 1}, nil).Pix
	rng := NewRand(3)
	rotated := 0
	for range 50 {
		got := train.Apply(x, rng)
		if got.C != 3 || got.H != 32 || got.W != 32 {
			t.Fatalf("%d×%d×%d", got.C, got.H, got.W)
		}
		if _, _, _, ok := findShift(ref, got, zero, 4); !ok {
			rotated++
		}
	}
	if rotated == 0 {
		t.Fatal("the CIFAR-100 training augmentation never rotates")
	}
}
