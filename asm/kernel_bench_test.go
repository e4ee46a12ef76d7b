package asm

import (
	"fmt"
	"testing"
)

// BenchmarkKernel times the micro-kernel alone, the way loop 1 of the
// driver uses it: one packed B micro-panel against every A micro-panel of a
// packed mc×kc block, no packing. The gap between this and BenchmarkSgemm
// is the cost of packing and of C traffic.
func BenchmarkKernel(b *testing.B) {
	for _, impl := range Implementations() {
		b.Run(impl, func(b *testing.B) {
			defer mustUse(b, impl)()
			k := active.Load()
			kc, mc := k.blocks.kc, k.blocks.mc
			ap := make([]float32, mc*kc)
			bp := make([]float32, 4*k.nr*kc)
			c := make([]float32, mc*4*k.nr)
			ldc := 4 * k.nr
			for i := range ap {
				ap[i] = float32(i%7) - 3
			}
			for i := range bp {
				bp[i] = float32(i%5) - 2
			}
			b.Run(fmt.Sprintf("mc=%d/kc=%d", mc, kc), func(b *testing.B) {
				for b.Loop() {
					for jr := 0; jr < 4*k.nr; jr += k.nr {
						for ir := 0; ir+k.mr <= mc; ir += k.mr {
							k.tile(kc, ap[ir*kc:], bp[jr*kc:], c[ir*ldc+jr:], ldc, 1, 1)
						}
					}
				}
				flops := 2 * float64(mc/k.mr*k.mr) * float64(4*k.nr) * float64(kc)
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		})
	}
}
