package asm

import "github.com/klauspost/cpuid/v2"

// blocking holds the cache block sizes of the five-loop algorithm:
//
//	kc: depth of one packed panel; a kc×nr micro-panel of B is reused by
//	    the kernel against every A micro-panel of the block.
//	mc: rows of a packed A block (mc×kc), sized to stay in L2.
//	nc: columns of a packed B panel (kc×nc), sized to stay in (a share of) L3.
//
// mc is a multiple of mr and nc a multiple of nr, so only the right and
// bottom edges of C ever see partial tiles.
type blocking struct{ mc, kc, nc int }

// caches are data cache sizes in bytes.
type caches struct{ l1, l2, l3 int }

// Fallbacks for caches cpuid cannot see (VMs often hide L3): modest sizes
// found on any desktop or server core of the last decade.
var fallbackCaches = caches{l1: 32 << 10, l2: 256 << 10, l3: 4 << 20}

var hostCaches = detectCaches()

func detectCaches() caches {
	c := fallbackCaches
	if v := cpuid.CPU.Cache.L1D; v > 0 {
		c.l1 = v
	}
	if v := cpuid.CPU.Cache.L2; v > 0 {
		c.l2 = v
	}
	if v := cpuid.CPU.Cache.L3; v > 0 {
		c.l3 = v
	}
	return c
}

// deriveBlocking sizes the blocks for an mr×nr kernel:
//
//	kc = L1 / (4·nr)        B micro-panel as large as L1
//	mc = (L2/2) / (4·kc)    A block in half of L2
//	nc = (L3/2) / (4·kc)    B panel in half of L3
//
// The textbook kc keeps the B micro-panel in half of L1. Current cores
// stream both packed operands from L2 as fast as the kernel consumes them
// (the 14×32 kernel needs ~13 bytes/cycle), so a deeper kc costs nothing
// there and halves the per-call overhead: the C tile is loaded and stored
// once per kc steps. On the Zen 5 this was tuned on, kc = 384 ran SGEMM
// 1024³ ~5% faster than kc = 192.
//
// kc is clamped to [128, 512] and kept a multiple of 16 (the width of the
// assembly A-packing transposes); mc and nc are multiples of mr and nr.
func deriveBlocking(mr, nr int, c caches) blocking {
	const f32 = 4
	kc := clamp(c.l1/(f32*nr), 128, 512) &^ 15
	mc := clamp(c.l2/2/(f32*kc), mr, 4096) / mr * mr
	nc := clamp(c.l3/2/(f32*kc), nr, 8192) / nr * nr
	return blocking{mc: mc, kc: kc, nc: nc}
}

// splitK returns the panel depth used for a product of depth k: the K range
// is cut into the fewest panels no deeper than maxKC, of equal depth
// rounded up to a multiple of 16 (so only the last is shallower, and the
// packing transposes rarely need their scalar tail). The result depends only
// on k and maxKC, never on the thread count, which keeps the summation
// order of every C element fixed.
func splitK(k, maxKC int) int {
	panels := (k + maxKC - 1) / maxKC
	kc := (k + panels - 1) / panels
	if maxKC >= 16 {
		kc = min(roundUp(kc, 16), maxKC)
	}
	return kc
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }
