package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
)

// Fingerprint identifies the data set's contents: the first 16 hex digits
// of a SHA-256 over N, C, H, W, the class names, the labels and the pixel
// values, sample by sample (so a view hashes what it shows, not its
// parent). Name is left out: it is a label for people. Values count, not
// storage: when every value is an 8-bit step (byte/255) the bytes are
// hashed, otherwise the float32 bits, so 8-bit and float32 copies of one
// image set agree. MNIST's 60000 training images take about 0.1 s.
func (d *Dataset) Fingerprint() string {
	h := sha256.New()
	var buf [8]byte
	word := func(v int) {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	h.Write([]byte("modeldoctor dataset v1\x00"))
	eightBit := d.eightBit()
	for _, v := range []int{d.N, d.C, d.H, d.W, len(d.Classes), boolInt(eightBit)} {
		word(v)
	}
	for _, c := range d.Classes {
		word(len(c))
		h.Write([]byte(c))
	}
	for _, l := range d.Labels {
		word(l)
	}
	sz := d.ImageSize()
	px := make([]byte, 4*sz)
	img := make([]float32, sz)
	for i := range d.N {
		s := d.stored(i) * sz
		switch {
		case len(d.Pixels) > 0:
			h.Write(d.Pixels[s : s+sz])
		case eightBit:
			for j, v := range d.Images[s : s+sz] {
				px[j] = byte(math.Round(float64(v) * 255))
			}
			h.Write(px[:sz])
		default:
			d.CopyImage(img, i)
			for j, v := range img {
				binary.LittleEndian.PutUint32(px[4*j:], math.Float32bits(v))
			}
			h.Write(px)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// eightBit reports whether every value of the samples is an 8-bit step
// byteUnit[b], i.e. whether the bytes describe the images exactly.
func (d *Dataset) eightBit() bool {
	if len(d.Pixels) > 0 || d.N == 0 {
		return true
	}
	sz := d.ImageSize()
	for i := range d.N {
		s := d.stored(i) * sz
		for _, v := range d.Images[s : s+sz] {
			if !(v >= 0 && v <= 1) || math.Float32bits(byteUnit[byte(math.Round(float64(v)*255))]) != math.Float32bits(v) {
				return false
			}
		}
	}
	return true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
