package doctor

import (
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The heat maps are drawn pixel by pixel (one cell per class and channel)
// with a fixed 7×13 bitmap font, so text is sharp at any channel count.

// textW is the width in pixels of s in the bitmap font.
func textW(s string) int { return 7 * len([]rune(s)) }

// text draws s with its baseline at y.
func text(img draw.Image, x, y int, s string, c color.Color) {
	(&font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}).DrawString(s)
}

// textUp draws s reading upwards in a 13-pixel-wide column whose top-left
// corner is (x, y), its last character at the top: labels under an axis.
func textUp(img *image.RGBA, x, y int, s string) {
	w := textW(s)
	tmp := image.NewRGBA(image.Rect(0, 0, w, 13))
	text(tmp, 0, 11, s, color.Black)
	for tx := range w {
		for ty := range 13 {
			if _, _, _, a := tmp.At(tx, ty).RGBA(); a > 0 {
				img.Set(x+ty, y+w-1-tx, tmp.At(tx, ty))
			}
		}
	}
}

// fill paints the w×h rectangle at (x, y).
func fill(img draw.Image, x, y, w, h int, c color.Color) {
	draw.Draw(img, image.Rect(x, y, x+w, y+h), image.NewUniform(c), image.Point{}, draw.Src)
}
