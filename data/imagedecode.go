package data

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register decoders for image.Decode
	_ "image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// imageFiles lists image files below dir in lexical order.
func imageFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".png", ".jpg", ".jpeg":
			if d.Type().IsRegular() {
				out = append(out, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data: image folder: %w", err)
	}
	return out, nil
}

// decodeRGB8 decodes an image file into 3×h×w bytes, CHW. Alpha is
// dropped without compositing, as PIL's convert("RGB") does.
func decodeRGB8(path string) (px []uint8, h, w int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, 0, 0, &FormatError{path, "cannot decode image: " + err.Error()}
	}
	b := img.Bounds()
	h, w = b.Dy(), b.Dx()
	if h == 0 || w == 0 {
		return nil, 0, 0, &FormatError{path, "bad dims: image is empty"}
	}
	plane := h * w
	px = make([]uint8, 3*plane)
	for y := range h {
		for x := range w {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			i := y*w + x
			px[i], px[plane+i], px[2*plane+i] = c.R, c.G, c.B
		}
	}
	return px, h, w, nil
}

// unitFloats maps 8-bit pixels to their float32 values.
func unitFloats(px []uint8) []float32 {
	out := make([]float32, len(px))
	for i, v := range px {
		out[i] = byteUnit[v]
	}
	return out
}
