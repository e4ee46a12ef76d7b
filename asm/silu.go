package asm

import (
	"fmt"
	"math"
)

// SiLU writes dst[i] = x·sigmoid(x) for x = src[i]; SiLUBackward writes
// dst[i] = g[i]·sigmoid(x)·(1 + x·(1 − sigmoid(x))), the derivative times
// g (EfficientNet's activation). The AVX-512 and AVX2 versions compute exp
// with a degree-7 polynomial of 2^f scaled by 2^n (VSCALEFPS, or two
// exponent-field powers on AVX2), within about 2 float32 ulp of the
// float64 reference twins, which the purego implementation runs; results
// differ between implementations in the last bits, never between runs.
func SiLU(dst, src []float32) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("asm.SiLU: %d outputs for %d inputs", len(dst), len(src)))
	}
	if len(src) == 0 {
		return
	}
	if active.Load().ops.avx512 {
		for lo := 0; lo < len(src); lo += siluChunk {
			hi := min(lo+siluChunk, len(src))
			siluAVX512(&dst[lo], &src[lo], nil, hi-lo)
		}
		return
	}
	if ops := active.Load().ops; !ops.avx512 && ops.avx2 {
		for lo := 0; lo < len(src); lo += siluChunk {
			hi := min(lo+siluChunk, len(src))
			siluAVX2(&dst[lo], &src[lo], nil, hi-lo)
		}
		return
	}
	siluGo(dst, src)
}

// SiLUBackward: see SiLU.
func SiLUBackward(dst, g, x []float32) {
	if len(dst) != len(x) || len(g) != len(x) {
		panic(fmt.Sprintf("asm.SiLUBackward: %d outputs, %d gradients for %d inputs", len(dst), len(g), len(x)))
	}
	if len(x) == 0 {
		return
	}
	if active.Load().ops.avx512 {
		for lo := 0; lo < len(x); lo += siluChunk {
			hi := min(lo+siluChunk, len(x))
			siluAVX512(&dst[lo], &x[lo], &g[lo], hi-lo)
		}
		return
	}
	if ops := active.Load().ops; !ops.avx512 && ops.avx2 {
		for lo := 0; lo < len(x); lo += siluChunk {
			hi := min(lo+siluChunk, len(x))
			siluAVX2(&dst[lo], &x[lo], &g[lo], hi-lo)
		}
		return
	}
	siluBackwardGo(dst, g, x)
}

// siluChunk bounds one assembly call (preemption).
const siluChunk = 1 << 14

func siluGo(dst, src []float32) {
	for i, v := range src {
		dst[i] = v * float32(1/(1+math.Exp(-float64(v))))
	}
}

func siluBackwardGo(dst, g, x []float32) {
	for i, v := range x {
		s := float32(1 / (1 + math.Exp(-float64(v))))
		dst[i] = g[i] * (s + v*s*(1-s))
	}
}
