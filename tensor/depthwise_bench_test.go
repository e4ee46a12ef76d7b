package tensor

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Depthwise convolution benchmarks (batch 32): the two depthwise rows of
// `modeldoctor bench kernels`, then the zoo's depthwise layers at 32×32
// input. Run with
//
//	go test ./tensor/ -run '^$' -bench Depthwise -benchmem
var dwBenchShapes = []convBenchShape{
	{"dw3x3_256_16x16", 32, 256, 16, 256, 3, 1, 1, 256},   // bench kernels row; Xception
	{"dw3x3s2_144_16x16", 32, 144, 16, 144, 3, 2, 1, 144}, // bench kernels row (MobileNetV2)
	{"dw5x5s2_240_8x8", 32, 240, 8, 240, 5, 2, 2, 240},
	{"dw3x3_32_34x34", 32, 32, 34, 32, 3, 1, 1, 32},       // MobileNetV2
	{"dw3x3s2_96_34x34", 32, 96, 34, 96, 3, 2, 1, 96},     // MobileNetV2
	{"dw3x3_144_17x17", 32, 144, 17, 144, 3, 1, 1, 144},   // MobileNetV2
	{"dw3x3s2_144_17x17", 32, 144, 17, 144, 3, 2, 1, 144}, // MobileNetV2
	{"dw3x3_192_9x9", 32, 192, 9, 192, 3, 1, 1, 192},      // MobileNetV2
	{"dw3x3_576_5x5", 32, 576, 5, 576, 3, 1, 1, 576},      // MobileNetV2
	{"dw3x3s2_48_16x16", 32, 48, 16, 48, 3, 2, 1, 48},     // MnasNet
	{"dw5x5s2_72_8x8", 32, 72, 8, 72, 5, 2, 2, 72},        // MnasNet
	{"dw5x5_120_4x4", 32, 120, 4, 120, 5, 1, 2, 120},      // MnasNet
	{"dw5x5_480_2x2", 32, 480, 2, 480, 5, 1, 2, 480},      // MnasNet
	{"dw3x3_576_2x2", 32, 576, 2, 576, 3, 1, 1, 576},      // MnasNet, EfficientNetV2
	{"dw5x5_1152_1x1", 32, 1152, 1, 1152, 5, 1, 2, 1152},  // MnasNet
	{"dw3x3s2_256_4x4", 32, 256, 4, 256, 3, 2, 1, 256},    // EfficientNetV2
	{"dw3x3s2_24_32x32", 32, 24, 32, 24, 3, 2, 1, 24},     // ShuffleNetV2
	{"dw3x3_58_16x16", 32, 58, 16, 58, 3, 1, 1, 58},       // ShuffleNetV2
	{"dw3x3s2_116_16x16", 32, 116, 16, 116, 3, 2, 1, 116}, // ShuffleNetV2
	{"dw3x3_116_8x8", 32, 116, 8, 116, 3, 1, 1, 116},      // ShuffleNetV2
	{"dw3x3_232_4x4", 32, 232, 4, 232, 3, 1, 1, 232},      // ShuffleNetV2
	{"dw3x3_128_32x32", 32, 128, 32, 128, 3, 1, 1, 128},   // Xception
	{"dw3x3_728_8x8", 32, 728, 8, 728, 3, 1, 1, 728},      // Xception
	{"dw3x3_1536_4x4", 32, 1536, 4, 1536, 3, 1, 1, 1536},  // Xception
}

func BenchmarkDepthwise(b *testing.B) {
	for _, sh := range dwBenchShapes {
		r := NewRNG(7)
		x := randT(r, sh.n, sh.c, sh.h, sh.h)
		w := randT(r, sh.o, sh.c/sh.groups, sh.k, sh.k)
		p := ConvParams{StrideH: sh.s, StrideW: sh.s, PadH: sh.pd, PadW: sh.pd, Groups: sh.groups}.Norm()
		y := Conv2D(x, w, p)
		gy := randT(r, y.Shape()...)
		b.Run(fmt.Sprintf("%s/fwd", sh.name), func(b *testing.B) {
			for b.Loop() {
				Release(Conv2D(x, w, p))
			}
		})
		b.Run(fmt.Sprintf("%s/dx", sh.name), func(b *testing.B) {
			for b.Loop() {
				Release(Conv2DInputGrad(gy, w, p, x.Shape()))
			}
		})
		b.Run(fmt.Sprintf("%s/dw", sh.name), func(b *testing.B) {
			for b.Loop() {
				Release(Conv2DWeightGrad(x, gy, p, w.Shape()))
			}
		})
	}
}

// TestTuneDepthwise times each face of the depthwise benchmark shapes on
// one thread in thread CPU time (the minimum of interleaved runs, which on
// a shared machine measures the code rather than the neighbours), by the
// path the backend takes and by the channel-packed path alone. Skipped
// unless TENSOR_TUNE_DW is set (to a substring of the shape names, or
// "all"):
//
//	TENSOR_TUNE_DW=all go test -run TuneDepthwise -v ./tensor/
func TestTuneDepthwise(t *testing.T) {
	sel := os.Getenv("TENSOR_TUNE_DW")
	if sel == "" {
		t.Skip("set TENSOR_TUNE_DW to run")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	packed := func(f func()) func() {
		return func() {
			pm, s2 := planarMinWidth, stride2Planar
			planarMinWidth, stride2Planar = 1<<30, false
			defer func() { planarMinWidth, stride2Planar = pm, s2 }()
			f()
		}
	}
	for _, sh := range dwBenchShapes {
		if sel != "all" && !strings.Contains(sh.name, sel) {
			continue
		}
		r := NewRNG(7)
		x := randT(r, sh.n, sh.c, sh.h, sh.h)
		w := randT(r, sh.o, sh.c/sh.groups, sh.k, sh.k)
		p := ConvParams{StrideH: sh.s, StrideW: sh.s, PadH: sh.pd, PadW: sh.pd, Groups: sh.groups}.Norm()
		y := Conv2D(x, w, p)
		gy := randT(r, y.Shape()...)
		d := newConvDims(x.shape, w.shape, y.shape, p)
		gx, gw := newTensor(x.shape), newTensor(w.shape)
		fwd := func() { depthwiseForward(d, x.data, w.data, y.data) }
		dx := func() { depthwiseInputGrad(d, gy.data, w.data, gx.data) }
		dw := func() { depthwiseWeightGrad(d, x.data, gy.data, gw.data) }
		faces := []func(){fwd, packed(fwd), dx, packed(dx), dw, packed(dw)}
		times := make([][]float64, len(faces))
		for range 9 {
			for i, f := range faces {
				f()
				s := threadCPU()
				f()
				times[i] = append(times[i], ms(threadCPU()-s))
			}
		}
		m := make([]float64, len(faces))
		for i, v := range times {
			m[i] = slices.Min(v)
		}
		t.Logf("%-20s ms (packed path alone): fwd %6.3f (%6.3f) | dx %6.3f (%6.3f) | dw %6.3f (%6.3f) | total %6.3f (%6.3f)",
			sh.name, m[0], m[1], m[2], m[3], m[4], m[5], m[0]+m[2]+m[4], m[1]+m[3]+m[5])
	}
}
