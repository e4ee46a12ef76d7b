package doctor

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"sort"

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
// columns = channels in the given order), dark = 0, bright = 1, with the
// mask's channels outlined by a brighter bar under each row.
func HeatmapPNG(path string, d *Diagnosis, order []int) error {
	k, c := len(d.Norm), d.Channels
	cw := max(2, min(12, 900/max(c, 1)))
	const rh, bar, gap = 18, 2, 2
	img := image.NewRGBA(image.Rect(0, 0, c*cw, k*(rh+bar+gap)))
	for y := range k {
		top := y * (rh + bar + gap)
		for x, ch := range order {
			col := colormap(d.Norm[y][ch])
			for py := top; py < top+rh; py++ {
				for px := x * cw; px < (x+1)*cw; px++ {
					img.Set(px, py, col)
				}
			}
			if d.Mask[y][ch] == 1 {
				for py := top + rh; py < top+rh+bar; py++ {
					for px := x * cw; px < (x+1)*cw; px++ {
						img.Set(px, py, color.RGBA{220, 40, 40, 255})
					}
				}
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
