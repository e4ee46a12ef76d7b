package doctor

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestChannelTicks: every column is labelled with its channel index when
// a label fits its width; narrower columns get round strides.
func TestChannelTicks(t *testing.T) {
	order := []int{3, 1, 0, 2}
	if got, want := channelTicks(order, 24), []tick{{0, "3"}, {1, "1"}, {2, "0"}, {3, "2"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("wide columns: %v, want %v", got, want)
	}
	long := make([]int, 512)
	for i := range long {
		long[i] = 511 - i
	}
	got := channelTicks(long, 3)
	if got[1].pos != 10 || got[1].text != "501" || len(got) != 52 {
		t.Errorf("3-pixel columns: %d ticks, second %v; want a stride of 10", len(got), got[1])
	}
}

// TestColourScaleMarksTheta: the bar runs from the map's 0 colour to its 1
// colour, and θ is marked in red at its place on the bar.
func TestColourScaleMarksTheta(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 700, 120))
	colourScale(img, 10, 30, 257, 12, 0.25, "key")
	if img.RGBAAt(10, 35) != colormap(0) || img.RGBAAt(266, 35) != colormap(1) {
		t.Errorf("bar ends %v %v, want %v %v", img.RGBAAt(10, 35), img.RGBAAt(266, 35), colormap(0), colormap(1))
	}
	if got := img.RGBAAt(10+64, 35); got != maskRed {
		t.Errorf("theta = 0.25 not marked at a quarter of the bar: %v", got)
	}
}

// TestTextUpReadsUpwards: the first character of a vertical label is at
// the bottom, the last at the top, inside a 13-pixel column.
func TestTextUpReadsUpwards(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 20, 20))
	textUp(img, 0, 0, "1.") // "1" has more ink than "."
	ink := func(x0, x1, y0, y1 int) (n int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if img.RGBAAt(x, y).A > 0 {
					n++
				}
			}
		}
		return n
	}
	if ink(13, 20, 0, 20) > 0 || ink(0, 20, 14, 20) > 0 {
		t.Errorf("ink outside the 13×14 label column")
	}
	if ink(0, 13, 7, 14) <= ink(0, 13, 0, 7) {
		t.Errorf("the first character is not at the bottom")
	}
}

// TestHeatmapPNGHoldsAllItsText: the image is wide enough for its longest
// text line and tall enough for the grid, the channel labels and the scale.
func TestHeatmapPNGHoldsAllItsText(t *testing.T) {
	d := reportInput("").Before
	path := filepath.Join(t.TempDir(), "h.png")
	if err := HeatmapPNG(path, d, ChannelOrder(d.Norm)); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width < textW(scaleTitle) || cfg.Height < 3*28+120 {
		t.Errorf("heat map %d×%d is too small for its text", cfg.Width, cfg.Height)
	}
}
