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
