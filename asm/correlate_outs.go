package asm

import "fmt"

// CorrelateOuts is Correlate for outs output planes that read the same
// source: dst[o*ldd+q] = Σ_t w[o*taps+t]·src[q+Delta[t]] for o < outs and
// q < s.Len(), where taps = s.Taps(); each plane gets exactly the bits
// Correlate gives it with the implementation in use.
//
// The assembly versions load each shifted source vector once per tap and
// use it for a group of planes (up to 6 with AVX-512, 4 with AVX2), where
// Correlate per plane would load it once per plane: a direct convolution
// with several output channels over one input is then bound by its
// multiply-adds rather than by its loads. The elements of dst between the
// planes (q >= s.Len()) are left as they are.
func CorrelateOuts(dst []float32, ldd, outs int, src []float32, s Shifts, w []float32) {
	taps := s.Taps()
	if outs < 1 {
		panic(fmt.Sprintf("asm.CorrelateOuts: %d output planes", outs))
	}
	if len(w)/outs != taps || len(w)%outs != 0 {
		panic(fmt.Sprintf("asm.CorrelateOuts: %d weights for %d planes of %d taps", len(w), outs, taps))
	}
	if ldd < s.n {
		panic(fmt.Sprintf("asm.CorrelateOuts: plane stride %d shorter than the %d positions", ldd, s.n))
	}
	if len(dst) < s.n || outs > 1 && (len(dst)-s.n)/(outs-1) < ldd {
		panic(fmt.Sprintf("asm.CorrelateOuts: %d outputs for %d planes of %d positions, stride %d", len(dst), outs, s.n, ldd))
	}
	if s.n == 0 {
		return
	}
	s.check("CorrelateOuts", len(src))
	if taps == 0 || len(src) == 0 {
		for o := range outs {
			clear(dst[o*ldd : o*ldd+s.n])
		}
		return
	}
	ops := active.Load().ops
	if ops.avx512 {
		correlateOutsA512(dst, ldd, outs, src, s, w)
		return
	}
	if ops.avx2 {
		correlateOutsA2(dst, ldd, outs, src, s, w)
		return
	}
	correlateOutsGo(dst, ldd, outs, src, s, w)
}

// correlateOutsGo is correlateGo per plane.
func correlateOutsGo(dst []float32, ldd, outs int, src []float32, s Shifts, w []float32) {
	taps := s.Taps()
	for o := range outs {
		correlateGo(dst[o*ldd:o*ldd+s.n], src, s, w[o*taps:(o+1)*taps])
	}
}
