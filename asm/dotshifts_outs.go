package asm

import "fmt"

// DotShiftsLanesOuts is DotShiftsLanes for outs gradient planes that read
// the same source: for o < outs it adds to lanes[(o*taps+t)*16+l] what
// DotShiftsLanes(lanes[o*taps*16:(o+1)*taps*16], g[o*ldg:o*ldg+s.Len()], src, s)
// would, with exactly the same bits with the implementation in use.
//
// It is the weight gradient of a direct convolution over one input for
// several output channels at once: the assembly loads each shifted source
// vector once for a group of planes (up to 6 with AVX-512, 3 with AVX2)
// instead of once per plane. Like DotShiftsLanes it reads plane o's
// gradients only at g[o*ldg+q] for q < s.Len(), and a position that no tap
// enables may hold anything (NaN, infinities): it adds nothing. The floats
// between planes (q >= s.Len()) are never read.
func DotShiftsLanesOuts(lanes, g []float32, ldg, outs int, src []float32, s Shifts) {
	taps := s.Taps()
	if outs < 1 {
		panic(fmt.Sprintf("asm.DotShiftsLanesOuts: %d planes", outs))
	}
	if len(lanes)/outs != 16*taps || len(lanes)%outs != 0 {
		panic(fmt.Sprintf("asm.DotShiftsLanesOuts: %d lanes for %d planes of %d taps", len(lanes), outs, taps))
	}
	if ldg < s.n || (outs > 1 && ldg > (len(g)-s.n)/(outs-1)) || len(g) < s.n {
		panic(fmt.Sprintf("asm.DotShiftsLanesOuts: %d gradients with stride %d for %d planes of %d positions", len(g), ldg, outs, s.n))
	}
	s.check("DotShiftsLanesOuts", len(src))
	if s.n == 0 || len(src) == 0 || taps == 0 {
		return
	}
	ops := active.Load().ops
	switch {
	case ops.avx512:
		dotShiftsOutsA512(lanes, g, ldg, outs, src, s)
	case ops.avx2:
		dotShiftsOutsA2(lanes, g, ldg, outs, src, s)
	default:
		dotShiftsOutsGo(lanes, g, ldg, outs, src, s)
	}
}

// dotShiftsOutsGo is DotShiftsLanesOuts in Go: dotShiftsGo per plane.
func dotShiftsOutsGo(lanes, g []float32, ldg, outs int, src []float32, s Shifts) {
	taps := s.Taps()
	for o := range outs {
		dotShiftsGo(lanes[o*taps*16:(o+1)*taps*16], g[o*ldg:o*ldg+s.n], src, s, 0, taps)
	}
}

// outsGroups splits outs planes into the fewest groups of at most max,
// as even as possible, and calls f(o0, planes) for each in order.
func outsGroups(outs, max int, f func(o0, planes int)) {
	groups := (outs + max - 1) / max
	o0 := 0
	for i := range groups {
		p := outs / groups
		if i < outs%groups {
			p++
		}
		f(o0, p)
		o0 += p
	}
}
