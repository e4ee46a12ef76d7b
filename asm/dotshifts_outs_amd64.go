//go:build amd64 && !purego

package asm

// Assembly DotShiftsLanesOuts (dotshifts_outs_avx512_amd64.s,
// dotshifts_outs_avx2_amd64.s). DotShiftsLanesOuts checks every bound;
// these split the planes and taps into the groups the assembly takes and
// turn slices into pointers.

//go:noescape
func dotShiftsOutsAVX512(lanes *float32, ldl int, gs *float32, ldg int, outs int, full int, src *float32, deltas *int, masks *uint16, stride int, taps, tail int)

//go:noescape
func dotShiftsOutsAVX2(lanes *float32, ldl int, gs *float32, ldg int, outs int, full int, src *float32, deltas *int, masks *uint16, stride int, taps, tail, half int)

// outsTapsA512[p] is the most taps dotShiftsOutsAVX512 takes with p
// planes: p·T accumulators, p g vectors and a source vector fill at most
// the 32 registers.
var outsTapsA512 = [7]int{2: 12, 3: 8, 4: 6, 5: 5, 6: 4}

// dotShiftsOutsA512 runs groups of up to 6 planes by outsTapsA512 taps; a
// single plane is DotShiftsLanes's own kernel.
func dotShiftsOutsA512(lanes, g []float32, ldg, outs int, src []float32, s Shifts) {
	taps := s.Taps()
	_ = lanes[16*outs*taps-1]
	_ = g[(outs-1)*ldg+s.n-1]
	tail := 0
	if s.n%16 != 0 {
		tail = 1<<(s.n%16) - 1
	}
	outsGroups(outs, 6, func(o0, p int) {
		if p == 1 {
			pl := lanes[16*o0*taps : 16*(o0+1)*taps]
			for t0 := 0; t0 < taps; t0 += 16 {
				k := min(16, taps-t0)
				dotShiftsAVX512(&pl[16*t0], &g[o0*ldg], s.n/16, &src[0], &s.deltas[t0], &s.masks[t0*s.segs], s.segs, k, tail)
			}
			return
		}
		for t0 := 0; t0 < taps; t0 += outsTapsA512[p] {
			k := min(outsTapsA512[p], taps-t0)
			dotShiftsOutsAVX512(&lanes[16*(o0*taps+t0)], 16*taps, &g[o0*ldg], ldg, p, s.n/16, &src[0], &s.deltas[t0], &s.masks[t0*s.segs], s.segs, k, tail)
		}
	})
}

// outsTapsA2[p] is the most taps dotShiftsOutsAVX2 takes with p planes.
var outsTapsA2 = [4]int{2: 5, 3: 3}

// dotShiftsOutsA2 runs groups of up to 3 planes by outsTapsA2 taps, one
// 8-lane half at a time; a single plane is DotShiftsLanes's own kernel.
func dotShiftsOutsA2(lanes, g []float32, ldg, outs int, src []float32, s Shifts) {
	taps := s.Taps()
	_ = lanes[16*outs*taps-1]
	_ = g[(outs-1)*ldg+s.n-1]
	tail := 1<<(s.n%16) - 1
	outsGroups(outs, 3, func(o0, p int) {
		if p == 1 {
			dotShiftsA2(lanes[16*o0*taps:16*(o0+1)*taps], g[o0*ldg:o0*ldg+s.n], src, s, 0, taps)
			return
		}
		for t0 := 0; t0 < taps; t0 += outsTapsA2[p] {
			k := min(outsTapsA2[p], taps-t0)
			for half := range 2 {
				dotShiftsOutsAVX2(&lanes[16*(o0*taps+t0)], 16*taps, &g[o0*ldg], ldg, p, s.n/16, &src[0], &s.deltas[t0], &s.masks[t0*s.segs], s.segs, k, tail, half)
			}
		}
	})
}
