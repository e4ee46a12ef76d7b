package zoo

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// TestAuthorsWeightsPredictTheSame loads weights that PyTorch trained as
// the Model Doctor authors' code does (testdata/authors/gen_authors_fixture.py),
// both as the .pth their train.py saves and as safetensors, preprocesses
// raw Fashion-MNIST images with the authors' eval transform, and checks
// that every image gets PyTorch's class and logits.
func TestAuthorsWeightsPredictTheSame(t *testing.T) {
	fx := authorsFixture(t)
	x := authorsImages(t, "testdata/authors/images-idx3-ubyte", fx.Dataset)
	if n := x.Shape()[0]; n != len(fx.Classes) || n == 0 {
		t.Fatalf("%d images, %d predictions", n, len(fx.Classes))
	}
	for _, file := range []string{"simplecnn.pth", "simplecnn.safetensors"} {
		t.Run(file, func(t *testing.T) {
			m, _, err := New(fx.Model, Config{InChannels: fx.InChannels, Width: fx.Width})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := nn.LoadWeights("testdata/authors/"+file, m, true)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Clean() {
				t.Fatalf("load report: %v", rep)
			}
			nn.SetTraining(m, false)
			var out *autograd.Value
			autograd.NoGrad(func() { out = nn.Forward(m, autograd.Const(x)) })
			got := out.Data()
			k := len(fx.Logits[0])
			worst := 0.0
			for i, want := range fx.Logits {
				row := got[i*k : (i+1)*k]
				best := 0
				for j, v := range row {
					if v > row[best] {
						best = j
					}
					worst = max(worst, math.Abs(float64(v)-want[j]))
				}
				if best != fx.Classes[i] {
					t.Errorf("image %d: class %d, PyTorch %d (logits %v, PyTorch %v)", i, best, fx.Classes[i], row, want)
				}
			}
			if worst > 1e-4 {
				t.Errorf("logits differ from PyTorch's by up to %g", worst)
			}
			t.Logf("%d images: every class as PyTorch's, logits within %.2g", len(fx.Classes), worst)
		})
	}
}

// authorsImages reads an IDX file of 28×28 bytes and stacks the images
// after the authors' eval transform into an N×3×32×32 tensor.
func authorsImages(t *testing.T, path, dataset string) *tensor.Tensor {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 16 || binary.BigEndian.Uint32(b) != 0x803 {
		t.Fatalf("%s: not an IDX file of images", path)
	}
	n, h, w := int(binary.BigEndian.Uint32(b[4:])), int(binary.BigEndian.Uint32(b[8:])), int(binary.BigEndian.Uint32(b[12:]))
	if len(b) != 16+n*h*w {
		t.Fatalf("%s: %d bytes for %d images of %d×%d", path, len(b), n, h, w)
	}
	eval, _, err := data.AuthorsPreprocess(dataset)
	if err != nil {
		t.Fatal(err)
	}
	var pix []float32
	for i := range n {
		img := data.CHW{Pix: make([]float32, h*w), C: 1, H: h, W: w}
		for j, v := range b[16+i*h*w : 16+(i+1)*h*w] {
			img.Pix[j] = float32(v) / 255
		}
		out := eval.Apply(img, nil)
		if out.C != 3 || out.H != 32 || out.W != 32 {
			t.Fatalf("eval transform gives %d×%d×%d", out.C, out.H, out.W)
		}
		pix = append(pix, out.Pix...)
	}
	return tensor.New(pix, n, 3, 32, 32)
}

// authorsPredictions is what PyTorch predicted with the authors' weights
// (testdata/authors/predictions.json); authorsFixture reads it.
type authorsPredictions struct {
	Model      string      `json:"model"`
	Width      float64     `json:"width"`
	InChannels int         `json:"in_channels"`
	Dataset    string      `json:"dataset"`
	Classes    []int       `json:"classes"`
	Logits     [][]float64 `json:"logits"`
}

func authorsFixture(t *testing.T) authorsPredictions {
	t.Helper()
	var fx authorsPredictions
	raw, err := os.ReadFile("testdata/authors/predictions.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	return fx
}
