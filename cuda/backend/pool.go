package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// poolKernels are the pooling kernels: forwards one thread an output,
// adjoints gathers one thread an input pixel (never a scatter).
type poolKernels struct {
	max, avg, avgT, adaptive, adaptiveT *ptx.Kernel
}

func newPoolKernels() poolKernels {
	return poolKernels{max: maxPool(), avg: avgPool(), avgT: avgPoolT(), adaptive: adaptiveAvg(), adaptiveT: adaptiveAvgT()}
}

func (p poolKernels) list() []*ptx.Kernel {
	return []*ptx.Kernel{p.max, p.avg, p.avgT, p.adaptive, p.adaptiveT}
}
