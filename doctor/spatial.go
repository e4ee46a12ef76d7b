package doctor

import (
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"

	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// labelmeFile is the part of a labelme annotation the method uses.
type labelmeFile struct {
	Shapes []struct {
		Label     string       `json:"label"`
		Points    [][2]float64 `json:"points"`
		ShapeType string       `json:"shape_type"`
	} `json:"shapes"`
	ImageHeight int `json:"imageHeight"`
	ImageWidth  int `json:"imageWidth"`
}

// ReadLabelme reads a labelme JSON annotation and fills the polygon of
// its first shape (as the authors' code does) into an [H, W] 0/1 mask.
func ReadLabelme(path string) (*tensor.Tensor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f labelmeFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: not a labelme JSON file: %v", path, err)
	}
	if f.ImageHeight <= 0 || f.ImageWidth <= 0 {
		return nil, fmt.Errorf("%s: imageHeight/imageWidth missing or not positive (%d×%d)", path, f.ImageHeight, f.ImageWidth)
	}
	if f.ImageHeight*f.ImageWidth > 1<<26 {
		return nil, fmt.Errorf("%s: image size %d×%d is implausibly large", path, f.ImageHeight, f.ImageWidth)
	}
	if len(f.Shapes) == 0 {
		return nil, fmt.Errorf("%s: no shapes: the image is not annotated", path)
	}
	s := f.Shapes[0]
	if s.ShapeType != "" && s.ShapeType != "polygon" {
		return nil, fmt.Errorf("%s: first shape is a %q, want a polygon", path, s.ShapeType)
	}
	if len(s.Points) < 3 {
		return nil, fmt.Errorf("%s: first shape has %d points, a polygon needs at least 3", path, len(s.Points))
	}
	return FillPolygon(s.Points, f.ImageHeight, f.ImageWidth), nil
}

// FillPolygon rasterises a polygon (x, y points in pixel coordinates) into
// an [h, w] mask: a pixel is inside when its centre is (even-odd rule).
func FillPolygon(pts [][2]float64, h, w int) *tensor.Tensor {
	m := tensor.Zeros(h, w)
	d := m.Data()
	for y := 0; y < h; y++ {
		cy := float64(y) + 0.5
		for x := 0; x < w; x++ {
			cx := float64(x) + 0.5
			inside := false
			for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
				xi, yi, xj, yj := pts[i][0], pts[i][1], pts[j][0], pts[j][1]
				if (yi > cy) != (yj > cy) && cx < (xj-xi)*(cy-yi)/(yj-yi)+xi {
					inside = !inside
				}
			}
			if inside {
				d[y*w+x] = 1
			}
		}
	}
	return m
}

// ReadMaskPNG reads a PNG mask: non-black pixels are foreground.
func ReadMaskPNG(path string) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PNG mask: %v", path, err)
	}
	return imageMask(img), nil
}

func imageMask(img image.Image) *tensor.Tensor {
	r := img.Bounds()
	m := tensor.Zeros(r.Dy(), r.Dx())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr+cg+cb > 0 {
				m.Set(1, y-r.Min.Y, x-r.Min.X)
			}
		}
	}
	return m
}

// AutoMasks is the automatic annotation for plain-background images (an
// extension beyond the paper, which needs hand annotation): the
// foreground of image i is every pixel whose mean over channels exceeds
// threshold in the raw data set (values in [0, 1]). It returns masks for
// the given indices.
func AutoMasks(ds *data.Dataset, indices []int, threshold float32) map[int]*tensor.Tensor {
	out := make(map[int]*tensor.Tensor, len(indices))
	hw := ds.H * ds.W
	for _, i := range indices {
		img := ds.Image(i)
		m := tensor.Zeros(ds.H, ds.W)
		for p := 0; p < hw; p++ {
			var s float32
			for c := 0; c < ds.C; c++ {
				s += img[c*hw+p]
			}
			if s/float32(ds.C) > threshold {
				m.Data()[p] = 1
			}
		}
		out[i] = m
	}
	return out
}
