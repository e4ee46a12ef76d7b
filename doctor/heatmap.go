package doctor

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
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

// HeatmapPNG draws the normalised class × channel map: rows are classes
// (named on the left), columns channels in the given order (their indices
// below), dark = 0 and bright = 1, a red bar under each cell whose channel
// is in the class's mask, and a colour bar with θ marked under it all.
func HeatmapPNG(path string, d *Diagnosis, order []int) error {
	k, c := len(d.Norm), d.Channels
	cw := max(3, min(24, 1200/max(c, 1)))
	const rh, bar, gap, top = 22, 3, 3, 26
	left := 10
	for _, name := range d.Classes {
		left = max(left, textW(name)+16)
	}
	title := fmt.Sprintf("%s: %d channels, grouped by the class each serves most", d.Layer, c)
	gridH := k * (rh + bar + gap)
	ticks := channelTicks(order, cw)
	labelH := 0
	for _, t := range ticks {
		labelH = max(labelH, textW(t.text))
	}
	axisY := top + gridH + 4 + labelH + 18 // baseline of the axis title
	scaleY := axisY + 34                   // top of the colour bar
	const scaleW, scaleH = 256, 12
	key := fmt.Sprintf("red bar under a cell = channel in the class's mask (value > theta = %g)", d.Theta)
	width := max(left+c*cw, left+textW(title), left+scaleW+textW("theta = 0.25")+8, left+textW(scaleTitle), left+20+textW(key)) + 10
	img := image.NewRGBA(image.Rect(0, 0, width, scaleY+scaleH+44))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	text(img, left, 16, title, color.Black)
	for y := range k {
		y0 := top + y*(rh+bar+gap)
		name := className(d.Classes, y)
		text(img, left-8-textW(name), y0+rh/2+5, name, color.Black)
		for x, ch := range order {
			x0 := left + x*cw
			fill(img, x0, y0, cw, rh, colormap(d.Norm[y][ch]))
			if d.Mask[y][ch] == 1 {
				fill(img, x0, y0+rh, cw, bar, maskRed)
			}
		}
	}
	for _, t := range ticks {
		cx := left + t.pos*cw + cw/2
		fill(img, cx, top+gridH-gap, 1, 4, color.Black)
		textUp(img, cx-6, top+gridH+3, t.text)
	}
	axis := "channel index"
	if len(ticks) < c {
		axis = fmt.Sprintf("channel index (one column in %d labelled)", ticks[1].pos-ticks[0].pos)
	}
	text(img, left, axisY, axis, color.Black)
	colourScale(img, left, scaleY, scaleW, scaleH, d.Theta, key)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, buf.Bytes())
}

// maskRed marks the channels in a class's mask, and θ on the scale.
var maskRed = color.RGBA{220, 40, 40, 255}

const scaleTitle = "normalised gradient (per class: 0 = its weakest channel, 1 = its strongest)"

// colourScale draws the colour bar of the normalised map with ticks at
// 0, 0.25, …, 1, θ marked in red, and the key to the red mask bars below.
func colourScale(img *image.RGBA, x, y, w, h int, theta float64, key string) {
	text(img, x, y-6, scaleTitle, color.Black)
	for i := range w {
		fill(img, x+i, y, 1, h, colormap(float64(i)/float64(w-1)))
	}
	for i := 0; i <= 4; i++ {
		tx := x + i*(w-1)/4
		fill(img, tx, y+h, 1, 4, color.Black)
		v := fmt.Sprint(float64(i) / 4)
		text(img, tx-textW(v)/2, y+h+16, v, color.Black)
	}
	tx := x + int(math.Round(max(0, min(1, theta))*float64(w-1)))
	fill(img, tx-1, y-2, 3, h+4, maskRed)
	text(img, x+w+8, y+h-1, fmt.Sprintf("theta = %g", theta), maskRed)
	fill(img, x, y+h+24, 14, 3, maskRed)
	text(img, x+20, y+h+30, key, color.Black)
}

// tick labels the column at pos.
type tick struct {
	pos  int
	text string
}

// channelTicks labels every column when a vertical label fits in one,
// else every n-th with n from 2, 5, 10, 20, 50, …
func channelTicks(order []int, cw int) []tick {
	step := 1
	for n := 0; step*cw < 16; n++ {
		step = [3]int{2, 5, 10}[n%3] * int(math.Pow10(n/3))
	}
	var out []tick
	for i := 0; i < len(order); i += step {
		out = append(out, tick{i, fmt.Sprint(order[i])})
	}
	return out
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
