package backend

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// TestBernoulliKernelThresholdIsStrict: the kernel's compare is z>>11 <
// Threshold exactly. For a chosen element j, Threshold = u_j gives 0 there
// and u_j + 1 gives 1; every other element follows the host formula too,
// Threshold 0 gives all zeros and 2⁵³ all ones.
func TestBernoulliKernelThresholdIsStrict(t *testing.T) {
	const n = 300 // more than one block of 256
	k := bernoulliK()
	draw := func(s uint64, i int) uint64 {
		z := s + uint64(i+1)*splitmixGamma
		z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
		z = (z ^ z>>27) * 0x94D049BB133111EB
		return (z ^ z>>31) >> 11
	}
	g := uint64(splitmixGamma)
	for _, s := range []uint64{0, math.MaxUint64, 0xFFFFFFFF, -g, 0x0123456789ABCDEF} {
		for _, j := range []int{0, 1, 255, 256, n - 1} {
			u := draw(s, j)
			for _, thr := range []uint64{u, u + 1, 0, 1 << 53} {
				var m ptx.Memory
				y := m.Alloc(n)
				grid, block := launch3(n, 1, 1)
				if err := k.Run(&m, grid, block, y, uint32(s), uint32(s>>32), uint32(thr), uint32(thr>>32), uint32(n)); err != nil {
					t.Fatal(err)
				}
				got := m.ReadF32(y)
				for i, v := range got {
					want := float32(0)
					if draw(s, i) < thr {
						want = 1
					}
					if math.Float32bits(v) != math.Float32bits(want) {
						t.Fatalf("state %#x threshold %#x: y[%d] = %v, want %v", s, thr, i, v, want)
					}
				}
				if got[j] != map[bool]float32{true: 1, false: 0}[thr > u] {
					t.Fatalf("state %#x: element %d with threshold %#x (draw %#x) is %v", s, j, thr, u, got[j])
				}
			}
		}
	}
}
