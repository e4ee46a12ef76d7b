package doctor

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"sort"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/modeldoctor/modeldoctor/nn"
)

// ChannelOrder sorts channels so each class's channels form a block: by
// the class they respond to most, then by decreasing response. Using the
// same order for two diagnoses makes them comparable side by side.
func ChannelOrder(norm [][]float64) []int {
	c := len(norm[0])
	owner := make([]int, c)
	for ch := 0; ch < c; ch++ {
		for k := range norm {
			if norm[k][ch] > norm[owner[ch]][ch] {
				owner[ch] = k
			}
		}
	}
	order := make([]int, c)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if owner[a] != owner[b] {
			return owner[a] < owner[b]
		}
		return norm[owner[a]][a] > norm[owner[b]][b]
	})
	return order
}

// HeatmapPNG draws the normalised class × channel map (rows = classes,
// columns = channels in the given order), dark = 0, bright = 1, with a red
// bar under each row marking the channels in the class's mask, and the
// class names on the left.
func HeatmapPNG(path string, d *Diagnosis, order []int) error {
	k, c := len(d.Norm), d.Channels
	cw := max(3, min(24, 1200/max(c, 1)))
	const rh, bar, gap, top = 22, 3, 3, 20
	face := basicfont.Face7x13
	left := 10
	for _, name := range d.Classes {
		left = max(left, 7*len(name)+16)
	}
	title := fmt.Sprintf("%s: %d channels, sorted; red = in the mask (theta = %g)", d.Layer, c, d.Theta)
	width := max(left+c*cw+10, left+7*len([]rune(title))+10)
	img := image.NewRGBA(image.Rect(0, 0, width, top+k*(rh+bar+gap)+6))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	text := func(x, y int, s string) {
		(&font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(x, y)}).DrawString(s)
	}
	text(left, 14, title)
	for y := range k {
		y0 := top + y*(rh+bar+gap)
		if y < len(d.Classes) {
			text(6, y0+rh/2+5, d.Classes[y])
		}
		for x, ch := range order {
			x0 := left + x*cw
			draw.Draw(img, image.Rect(x0, y0, x0+cw, y0+rh), &image.Uniform{colormap(d.Norm[y][ch])}, image.Point{}, draw.Src)
			if d.Mask[y][ch] == 1 {
				draw.Draw(img, image.Rect(x0, y0+rh, x0+cw, y0+rh+bar), &image.Uniform{color.RGBA{220, 40, 40, 255}}, image.Point{}, draw.Src)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, buf.Bytes())
}

// colormap maps [0, 1] from dark blue through teal to yellow.
func colormap(v float64) color.RGBA {
	v = max(0, min(1, v))
	stops := [][3]float64{{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}
	f := v * float64(len(stops)-1)
	i := min(int(f), len(stops)-2)
	t := f - float64(i)
	a, b := stops[i], stops[i+1]
	return color.RGBA{uint8(a[0] + t*(b[0]-a[0])), uint8(a[1] + t*(b[1]-a[1])), uint8(a[2] + t*(b[2]-a[2])), 255}
}
