package data

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func pngBytes(t *testing.T, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLoadImageFolder(t *testing.T) {
	root := t.TempDir()
	rgb := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	rgb.Set(2, 1, color.NRGBA{R: 255, G: 51, B: 0, A: 128}) // alpha is dropped
	gray := image.NewGray(image.Rect(0, 0, 3, 2))
	gray.SetGray(0, 0, color.Gray{Y: 102})
	writeFile(t, root, "zebra/a.png", pngBytes(t, rgb))
	writeFile(t, root, "cat/b.PNG", pngBytes(t, gray))
	writeFile(t, root, "cat/nested/c.png", pngBytes(t, rgb))
	writeFile(t, root, "cat/notes.txt", []byte("not an image"))
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, image.NewGray(image.Rect(0, 0, 3, 2)), nil); err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "dog/d.jpeg", jb.Bytes())
	writeFile(t, root, ".hidden/e.png", pngBytes(t, rgb))

	ds, err := LoadImageFolder(root, ImageFolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.N != 4 || ds.C != 3 || ds.H != 2 || ds.W != 3 {
		t.Fatalf("shape %d×%d×%d×%d", ds.N, ds.C, ds.H, ds.W)
	}
	if want := []string{"cat", "dog", "zebra"}; !slices.Equal(ds.Classes, want) {
		t.Errorf("classes %v, want %v", ds.Classes, want)
	}
	if want := []int{0, 0, 1, 2}; !slices.Equal(ds.Labels, want) {
		t.Errorf("labels %v, want %v", ds.Labels, want)
	}
	// cat/b.PNG: gray 102 in every channel at (0,0).
	if im := ds.Image(0); im[0] != 0.4 || im[6] != 0.4 || im[12] != 0.4 {
		t.Errorf("gray pixel %v %v %v", im[0], im[6], im[12])
	}
	// zebra/a.png: (x=2, y=1) is index 5 of each 2×3 plane.
	if im := ds.Image(3); im[5] != 1 || im[6+5] != 0.2 || im[12+5] != 0 {
		t.Errorf("rgb pixel %v %v %v", im[5], im[11], im[17])
	}

	rs, err := LoadImageFolder(root, ImageFolderOptions{H: 4, W: 6})
	if err != nil || rs.H != 4 || rs.W != 6 || len(rs.Images) != 4*3*4*6 {
		t.Fatalf("resize: %v", err)
	}
}

func TestLoadImageFolderErrors(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a/1.png", pngBytes(t, image.NewGray(image.Rect(0, 0, 2, 2))))
	p := writeFile(t, root, "a/2.png", pngBytes(t, image.NewGray(image.Rect(0, 0, 3, 2))))
	_, err := LoadImageFolder(root, ImageFolderOptions{})
	wantFormatError(t, err, p, "wrong size", "2×3", "2×2")

	root = t.TempDir()
	p = writeFile(t, root, "a/1.jpg", []byte("garbage"))
	_, err = LoadImageFolder(root, ImageFolderOptions{H: 2, W: 2})
	wantFormatError(t, err, p, "cannot decode image")

	root = t.TempDir()
	writeFile(t, root, "a/readme.txt", nil)
	_, err = LoadImageFolder(root, ImageFolderOptions{})
	wantFormatError(t, err, filepath.Join(root, "a"), "no .png, .jpg or .jpeg image")

	_, err = LoadImageFolder(t.TempDir(), ImageFolderOptions{})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("empty root: %v", err)
	}
	if _, err := LoadImageFolder(root, ImageFolderOptions{H: 3}); err == nil {
		t.Error("H without W accepted")
	}
}

// grayPNG is a 2×2 PNG of one gray level.
func grayPNG(t *testing.T, y uint8) []byte {
	img := image.NewGray(image.Rect(0, 0, 2, 2))
	for i := range img.Pix {
		img.Pix[i] = y
	}
	return pngBytes(t, img)
}

// A test split loaded with the training split's classes labels by name:
// sub-directories may be a subset, in any order, of the training classes.
func TestLoadImageFolderClasses(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"train/cat/1.png", "train/dog/1.png", "train/emu/1.png"} {
		writeFile(t, root, p, grayPNG(t, 1))
	}
	writeFile(t, root, "test/emu/a.png", grayPNG(t, 30))
	writeFile(t, root, "test/cat/b.png", grayPNG(t, 10))
	train, err := LoadImageFolder(filepath.Join(root, "train"), ImageFolderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	test, err := LoadImageFolder(filepath.Join(root, "test"), ImageFolderOptions{Classes: train.Classes})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(test.Classes, []string{"cat", "dog", "emu"}) || !slices.Equal(test.Labels, []int{0, 2}) {
		t.Errorf("classes %v labels %v, want [cat dog emu] [0 2]", test.Classes, test.Labels)
	}
	if test.NumClasses() != 3 || test.Image(1)[0] != float32(30)/255 {
		t.Errorf("NumClasses %d, emu pixel %v", test.NumClasses(), test.Image(1)[0])
	}
	// Without the list the test split numbers its own classes: cat 0, emu 1.
	own, err := LoadImageFolder(filepath.Join(root, "test"), ImageFolderOptions{})
	if err != nil || !slices.Equal(own.Labels, []int{0, 1}) {
		t.Errorf("own classes: %v %v", err, own.Labels)
	}
	// The list is copied: editing the training classes does not rename.
	train.Classes[0] = "lion"
	if test.Classes[0] != "cat" {
		t.Error("Dataset.Classes aliases the option's slice")
	}

	writeFile(t, root, "test/yak/c.png", grayPNG(t, 1))
	_, err = LoadImageFolder(filepath.Join(root, "test"), ImageFolderOptions{Classes: []string{"cat", "dog", "emu"}})
	wantFormatError(t, err, filepath.Join(root, "test", "yak"), "not among the 3 classes given (cat, dog, emu)")
	_, err = LoadImageFolder(filepath.Join(root, "test"), ImageFolderOptions{Classes: []string{"cat", "cat"}})
	if err == nil || !strings.Contains(err.Error(), `class "cat" given twice`) {
		t.Errorf("duplicate class: %v", err)
	}
}

// Folders keep bytes unless an image is resized; resized images keep the
// float32 values of the bilinear resize.
func TestLoadImageFolderStorage(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a/1.png", grayPNG(t, 51))
	writeFile(t, root, "a/2.png", grayPNG(t, 102))
	ds, err := LoadImageFolder(root, ImageFolderOptions{H: 2, W: 2})
	if err != nil || len(ds.Pixels) != 2*3*4 || ds.Images != nil {
		t.Fatalf("same-size folder: %v, %d bytes, %d floats", err, len(ds.Pixels), len(ds.Images))
	}
	writeFile(t, root, "b/3.png", pngBytes(t, image.NewGray(image.Rect(0, 0, 3, 3))))
	ds, err = LoadImageFolder(root, ImageFolderOptions{H: 2, W: 2})
	if err != nil || ds.Pixels != nil || len(ds.Images) != 3*3*4 {
		t.Fatalf("resized folder: %v, %d bytes, %d floats", err, len(ds.Pixels), len(ds.Images))
	}
	if ds.Image(0)[0] != 0.2 || ds.Image(1)[3] != 0.4 {
		t.Errorf("images stored before the resize changed: %v %v", ds.Image(0)[0], ds.Image(1)[3])
	}
}
