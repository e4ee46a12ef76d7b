package data

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ImageFolderOptions sets the image size and the class list of
// LoadImageFolder.
type ImageFolderOptions struct {
	// H, W: resize every image to H×W (bilinear, see Resize). Zero means
	// keep the size, which must then be the same for all images.
	H, W int
	// Classes, when not empty, is the class list to label by, e.g. the
	// training split's Dataset.Classes when loading its test split, so
	// that label l means the same class in both. Each sub-directory takes
	// the label of its name in Classes; one whose name is not there is an
	// error, and a class without a sub-directory just has no samples.
	// Empty: the sorted sub-directory names are the classes.
	Classes []string
}

// LoadImageFolder loads torchvision's ImageFolder layout: every
// sub-directory of root is a class (names sorted, hidden ones skipped) and
// every .png/.jpg/.jpeg file below it, at any depth, an image of that
// class. Images become 3-channel RGB in [0, 1]; alpha is dropped without
// compositing, as PIL's convert("RGB") does.
//
// The Dataset keeps the decoded bytes (Pixels) unless some image had to be
// resized: bilinear values fall between the 1/255 steps, and rounding
// them to bytes would change what the model sees, so such a folder is
// kept as float32 (Images), four times the memory.
func LoadImageFolder(root string, opts ImageFolderOptions) (*Dataset, error) {
	if (opts.H > 0) != (opts.W > 0) || opts.H < 0 || opts.W < 0 {
		return nil, fmt.Errorf("data: image folder %s: give both H and W (or neither), got %d×%d", root, opts.H, opts.W)
	}
	labelOf := make(map[string]int, len(opts.Classes))
	for l, name := range opts.Classes {
		if _, dup := labelOf[name]; dup {
			return nil, fmt.Errorf("data: image folder %s: class %q given twice in the class list", root, name)
		}
		labelOf[name] = l
	}
	entries, err := os.ReadDir(root) // sorted by name
	if err != nil {
		return nil, fmt.Errorf("data: image folder: %w", err)
	}
	ds := &Dataset{Name: filepath.Base(root), C: 3, H: opts.H, W: opts.W, Classes: slices.Clone(opts.Classes)}
	dirs := 0
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dirs++
		dir := filepath.Join(root, e.Name())
		label, ok := labelOf[e.Name()]
		if len(opts.Classes) == 0 {
			label = len(ds.Classes)
			ds.Classes = append(ds.Classes, e.Name())
		} else if !ok {
			return nil, &FormatError{dir, fmt.Sprintf("class sub-directory not among the %d classes given (%s)", len(opts.Classes), namesPreview(opts.Classes))}
		}
		files, err := imageFiles(dir)
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, &FormatError{dir, "class folder holds no .png, .jpg or .jpeg image"}
		}
		for _, f := range files {
			px, h, w, err := decodeRGB8(f)
			if err != nil {
				return nil, err
			}
			if err := appendImage(ds, f, px, h, w, opts); err != nil {
				return nil, err
			}
			ds.Labels = append(ds.Labels, label)
			ds.N++
		}
	}
	if dirs == 0 {
		return nil, notFound("image folder %s has no class sub-directories (want ROOT/CLASS/IMAGE.png|jpg|jpeg)", root)
	}
	return ds, ds.Validate()
}

// appendImage stores one decoded h×w image, resized to opts' size when
// one is set. The first image that needs resizing turns the storage from
// bytes to float32 for good (see LoadImageFolder).
func appendImage(ds *Dataset, path string, px []uint8, h, w int, opts ImageFolderOptions) error {
	switch {
	case opts.H > 0 && (h != opts.H || w != opts.W):
		if ds.Images == nil {
			ds.Images, ds.Pixels = unitFloats(ds.Pixels), nil
		}
		x := Resize{opts.H, opts.W}.Apply(CHW{Pix: unitFloats(px), C: 3, H: h, W: w}, nil)
		ds.Images = append(ds.Images, x.Pix...)
		return nil
	case opts.H == 0 && ds.N == 0:
		ds.H, ds.W = h, w
	case opts.H == 0 && (h != ds.H || w != ds.W):
		return &FormatError{path, fmt.Sprintf("wrong size: image is %d×%d (H×W) but earlier images are %d×%d; give ImageFolderOptions.H and W to resize", h, w, ds.H, ds.W)}
	}
	if ds.Images != nil {
		ds.Images = append(ds.Images, unitFloats(px)...)
	} else {
		ds.Pixels = append(ds.Pixels, px...)
	}
	return nil
}

// namesPreview lists the first few names, for error messages.
func namesPreview(names []string) string {
	if len(names) <= 5 {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:5], ", ") + ", …"
}
