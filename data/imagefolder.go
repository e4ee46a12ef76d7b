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

// ImageFolderOptions sets the image size of LoadImageFolder.
type ImageFolderOptions struct {
	// H, W: resize every image to H×W (bilinear, see Resize). Zero means
	// keep the size, which must then be the same for all images.
	H, W int
}

// LoadImageFolder loads torchvision's ImageFolder layout: every
// sub-directory of root is a class (names sorted, hidden ones skipped) and
// every .png/.jpg/.jpeg file below it, at any depth, an image of that
// class. Images become 3-channel RGB in [0, 1]; alpha is dropped without
// compositing, as PIL's convert("RGB") does.
func LoadImageFolder(root string, opts ImageFolderOptions) (*Dataset, error) {
	if (opts.H > 0) != (opts.W > 0) || opts.H < 0 || opts.W < 0 {
		return nil, fmt.Errorf("data: image folder %s: give both H and W (or neither), got %d×%d", root, opts.H, opts.W)
	}
	entries, err := os.ReadDir(root) // sorted by name
	if err != nil {
		return nil, fmt.Errorf("data: image folder: %w", err)
	}
	ds := &Dataset{Name: filepath.Base(root), C: 3, H: opts.H, W: opts.W}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		files, err := imageFiles(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, &FormatError{filepath.Join(root, e.Name()), "class folder holds no .png, .jpg or .jpeg image"}
		}
		label := len(ds.Classes)
		ds.Classes = append(ds.Classes, e.Name())
		for _, f := range files {
			x, err := decodeRGB(f)
			if err != nil {
				return nil, err
			}
			if opts.H > 0 {
				x = Resize{opts.H, opts.W}.Apply(x, nil)
			} else if ds.N == 0 {
				ds.H, ds.W = x.H, x.W
			} else if x.H != ds.H || x.W != ds.W {
				return nil, &FormatError{f, fmt.Sprintf("wrong size: image is %d×%d (H×W) but earlier images are %d×%d; give ImageFolderOptions.H and W to resize", x.H, x.W, ds.H, ds.W)}
			}
			ds.Images = append(ds.Images, x.Pix...)
			ds.Labels = append(ds.Labels, label)
			ds.N++
		}
	}
	if len(ds.Classes) == 0 {
		return nil, notFound("image folder %s has no class sub-directories (want ROOT/CLASS/IMAGE.png|jpg|jpeg)", root)
	}
	return ds, ds.Validate()
}

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

// decodeRGB decodes an image file into a 3×H×W CHW image in [0, 1].
func decodeRGB(path string) (CHW, error) {
	f, err := os.Open(path)
	if err != nil {
		return CHW{}, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return CHW{}, &FormatError{path, "cannot decode image: " + err.Error()}
	}
	b := img.Bounds()
	h, w := b.Dy(), b.Dx()
	if h == 0 || w == 0 {
		return CHW{}, &FormatError{path, "bad dims: image is empty"}
	}
	plane := h * w
	out := make([]float32, 3*plane)
	for y := range h {
		for x := range w {
			c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
			i := y*w + x
			out[i] = float32(c.R) / 255
			out[plane+i] = float32(c.G) / 255
			out[2*plane+i] = float32(c.B) / 255
		}
	}
	return CHW{Pix: out, C: 3, H: h, W: w}, nil
}
