//go:build linux

package asm

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// edgeFloats returns n floats that start right after an inaccessible page
// (atStart) or end right before one, so that a kernel reading or writing
// past them faults instead of passing unnoticed. free unmaps them.
func edgeFloats(t *testing.T, n int, atStart bool) (s []float32, free func()) {
	t.Helper()
	page := unix.Getpagesize()
	size := (4*n + page - 1) / page * page
	mem, err := unix.Mmap(-1, 0, size+2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	if err := unix.Mprotect(mem[:page], unix.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mprotect(mem[page+size:], unix.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	off := page
	if !atStart {
		off = page + size - 4*n
	}
	s = unsafe.Slice((*float32)(unsafe.Pointer(&mem[off])), n)
	return s, func() { unix.Munmap(mem) }
}

// TestDepthwiseEdges runs the planar and packed kernels on planes that
// start and end at inaccessible pages: the first vector of a plane read in
// place, whose top row lies before the plane, and the last, masked ones,
// must touch nothing outside their slices.
func TestDepthwiseEdges(t *testing.T) {
	forEachAsm(t, testDepthwiseEdges)
}

func testDepthwiseEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	fill := func(s []float32) {
		for i := range s {
			s[i] = 2*r.Float32() - 1
		}
	}
	for _, atStart := range []bool{true, false} {
		for _, sz := range [][2]int{{16, 16}, {4, 16}, {14, 16}, {16, 32}, {3, 32}, {9, 9}, {17, 17}, {8, 8}, {3, 5}, {1, 13}, {1, 16}} {
			h, w := sz[0], sz[1]
			n := h * w
			x, freeX := edgeFloats(t, 2*n, atStart)
			out, freeOut := edgeFloats(t, 2*n, atStart)
			fill(x)
			wt := randFloats(r, 18)
			g := NewSame3x3(h, w)
			Conv3x3(out, x, 2, wt, AlignedFloats(g.StageLen()), g)
			Dot3x3(make([]float32, 288), out, x, 2, AlignedFloats(g.StageLen()), g)
			if s2, ok := NewStride2x3(h, w); ok {
				m := s2.OutLen()
				y, freeY := edgeFloats(t, 2*m, atStart)
				ConvS2(y, x, 2, wt, AlignedFloats(s2.StageLen()), s2)
				DotS2(make([]float32, 288), y, x, 2, AlignedFloats(s2.StageLen()), s2)
				ConvTS2(out, y, 2, wt, AlignedFloats(s2.StageLen()), s2)
				freeY()
			}
			pos := make([]int32, n)
			for p := range pos {
				pos[p] = int32(p)
			}
			pm := NewPixelMap(pos)
			var offs [16]int
			for l := range offs {
				offs[l] = l % 2 * n
			}
			buf := AlignedFloats(16 * n)
			PackPlanes(buf, pm, x, &offs, 0)
			UnpackPlanes(out, &offs, 2, buf, pm, 0)
			freeX()
			freeOut()
		}
	}
}
