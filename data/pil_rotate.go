package data

import (
	"math"
	"strconv"
)

// RandomRotation rotates the image by an angle drawn uniformly from
// [-Degrees, Degrees], counter-clockwise, about its centre, keeping its
// size, with nearest-neighbour sampling and zeros where the rotated image
// does not reach: torchvision's RandomRotation(degrees) on a PIL image.
type RandomRotation struct{ Degrees float64 }

func (t RandomRotation) Apply(x CHW, rng *Rand) CHW {
	return PILRotate(x, -t.Degrees+2*t.Degrees*rng.Float64())
}

// PILRotate is Pillow's Image.rotate(angle, Image.NEAREST) (expand off,
// fill 0): the same affine matrix, rounded to 15 decimals as Pillow rounds
// it, and Pillow's 16.16 fixed-point nearest-neighbour walk, so the
// output's pixels are Pillow's.
func PILRotate(x CHW, degrees float64) CHW {
	angle := math.Mod(degrees, 360)
	if angle < 0 { // Python's %, which Pillow uses, is never negative
		angle += 360
	}
	switch {
	case angle == 0:
		return x
	case angle == 180:
		return pilMap(x, x.H, x.W, func(y, c int) (int, int) { return x.H - 1 - y, x.W - 1 - c })
	case angle == 90 && x.H == x.W: // Pillow transposes
		return pilMap(x, x.W, x.H, func(y, c int) (int, int) { return c, x.W - 1 - y })
	case angle == 270 && x.H == x.W:
		return pilMap(x, x.W, x.H, func(y, c int) (int, int) { return x.H - 1 - c, y })
	}
	rad := -angle * math.Pi / 180
	cos, sin := round15(math.Cos(rad)), round15(math.Sin(rad))
	a := [6]float64{cos, sin, 0, round15(-math.Sin(rad)), cos, 0}
	cx, cy := float64(x.W)/2, float64(x.H)/2
	// float64(...) keeps Go from fusing a multiply-add that Python rounds.
	a[2] = float64(a[0]*-cx) + float64(a[1]*-cy) + cx
	a[5] = float64(a[3]*-cx) + float64(a[4]*-cy) + cy
	fix := func(v float64) int32 { return int32(math.Floor(v*65536 + 0.5)) }
	a0, a1, a3, a4 := fix(a[0]), fix(a[1]), fix(a[3]), fix(a[4])
	a2 := fix(a[2] + a[0]*0.5 + a[1]*0.5)
	a5 := fix(a[5] + a[3]*0.5 + a[4]*0.5)
	out := make([]float32, len(x.Pix))
	plane := x.H * x.W
	for y := range x.H {
		xx, yy := a2, a5
		for c := range x.W {
			xin, yin := int(xx>>16), int(yy>>16)
			if xin >= 0 && xin < x.W && yin >= 0 && yin < x.H {
				for ch := range x.C {
					out[ch*plane+y*x.W+c] = x.Pix[ch*plane+yin*x.W+xin]
				}
			}
			xx += a0
			yy += a3
		}
		a2 += a1
		a5 += a4
	}
	return CHW{Pix: out, C: x.C, H: x.H, W: x.W}
}

// round15 is Python's round(v, 15): v to the nearest 15-decimal number.
func round15(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 15, 64), 64)
	return r
}

// pilMap builds an h×w image whose pixel (y, x) is x's pixel src(y, x).
func pilMap(x CHW, h, w int, src func(y, c int) (int, int)) CHW {
	out := make([]float32, x.C*h*w)
	for y := range h {
		for c := range w {
			sy, sx := src(y, c)
			for ch := range x.C {
				out[(ch*h+y)*w+c] = x.Pix[(ch*x.H+sy)*x.W+sx]
			}
		}
	}
	return CHW{Pix: out, C: x.C, H: h, W: w}
}
