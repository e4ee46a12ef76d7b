package tensor

import (
	"fmt"
	"os"
	"testing"

	"github.com/modeldoctor/modeldoctor/asm"
)

// Benchmarks of the memory-bound ops of a CNN training step, at the shapes
// MobileNetV2 and MnasNet see at batch 32 on 32×32 inputs ("s": 5×5
// planes, L2-resident; "l": 34×34 planes, several MiB) and LeNet's pooling
// shapes. Outputs are released every iteration, so the allocator reuses
// one buffer and no page faults are timed. Run with
//
//	GOMAXPROCS=1 go test ./tensor/ -run '^$' -bench 'Vec' -benchmem
//
// VEC_IMPL=avx2 (or purego) forces that asm implementation.

var vecBenchShapes = []struct {
	name  string
	shape []int
}{
	{"s", []int{32, 96, 5, 5}},
	{"l", []int{32, 32, 34, 34}},
}

// vecImpl forces the asm implementation VEC_IMPL names, if any, for b.
func vecImpl(b *testing.B) {
	if impl := os.Getenv("VEC_IMPL"); impl != "" {
		restore, err := asm.Use(impl)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(restore)
	}
}

func vecBench(b *testing.B, name string, bytesPerElem int, f func(b *testing.B, x *Tensor)) {
	vecImpl(b)
	for _, s := range vecBenchShapes {
		b.Run(s.name, func(b *testing.B) {
			x := Normal(NewRNG(1), 0, 3, s.shape...)
			b.SetBytes(int64(bytesPerElem * x.Len()))
			b.ReportAllocs()
			f(b, x)
		})
	}
}

func BenchmarkVecRelu6(b *testing.B) {
	vecBench(b, "Relu6", 8, func(b *testing.B, x *Tensor) {
		for b.Loop() {
			Release(Relu6(x))
		}
	})
}

func BenchmarkVecRelu6Backward(b *testing.B) {
	vecBench(b, "Relu6Backward", 12, func(b *testing.B, x *Tensor) {
		g := Normal(NewRNG(2), 0, 1, x.Shape()...)
		for b.Loop() {
			Release(Relu6Backward(g, x))
		}
	})
}

func BenchmarkVecRelu(b *testing.B) {
	vecBench(b, "Relu", 8, func(b *testing.B, x *Tensor) {
		for b.Loop() {
			Release(Relu(x))
		}
	})
}

func BenchmarkVecReluBackward(b *testing.B) {
	vecBench(b, "ReluBackward", 12, func(b *testing.B, x *Tensor) {
		g := Normal(NewRNG(2), 0, 1, x.Shape()...)
		for b.Loop() {
			Release(ReluBackward(g, x))
		}
	})
}

func BenchmarkVecChannelAffine(b *testing.B) {
	vecBench(b, "ChannelAffine", 8, func(b *testing.B, x *Tensor) {
		c := x.Shape()[1]
		s, t := Normal(NewRNG(2), 1, 1, c), Normal(NewRNG(3), 0, 1, c)
		for b.Loop() {
			Release(ChannelAffine(x, s, t))
		}
	})
}

func BenchmarkVecAddBias(b *testing.B) {
	vecBench(b, "AddBias", 8, func(b *testing.B, x *Tensor) {
		bias := Normal(NewRNG(2), 0, 1, x.Shape()[1])
		for b.Loop() {
			AddBiasInPlace(x, bias, 1)
		}
	})
}

func BenchmarkVecAddBiasRows(b *testing.B) {
	vecImpl(b)
	y := Normal(NewRNG(1), 0, 1, 64, 512)
	bias := Normal(NewRNG(2), 0, 1, 512)
	b.SetBytes(int64(8 * y.Len()))
	for b.Loop() {
		AddBiasInPlace(y, bias, 1)
	}
}

func BenchmarkVecBatchNormStats(b *testing.B) {
	vecBench(b, "BatchNormStats", 8, func(b *testing.B, x *Tensor) {
		for b.Loop() {
			BatchNormStats(x)
		}
	})
}

func BenchmarkVecBatchNormBackward(b *testing.B) {
	vecBench(b, "BatchNormBackward", 24, func(b *testing.B, x *Tensor) {
		c := x.Shape()[1]
		g := Normal(NewRNG(2), 0, 1, x.Shape()...)
		mean, v := BatchNormStats(x)
		inv := Unary(OpPowScalar, -0.5, AddScalar(v, 1e-5))
		gamma := Normal(NewRNG(3), 1, 0.2, c)
		for b.Loop() {
			gx, _, _ := BatchNormBackward(x, g, mean, inv, gamma)
			Release(gx)
		}
	})
}

func BenchmarkVecSumAxes023(b *testing.B) {
	vecBench(b, "Sum023", 4, func(b *testing.B, x *Tensor) {
		for b.Loop() {
			Sum(x, []int{0, 2, 3}, false)
		}
	})
}

func BenchmarkVecSumAxis0(b *testing.B) {
	vecImpl(b)
	x := Normal(NewRNG(1), 0, 1, 64, 1024)
	b.SetBytes(int64(4 * x.Len()))
	for b.Loop() {
		Sum(x, []int{0}, false)
	}
}

func BenchmarkVecMaxPool2x2(b *testing.B) {
	vecImpl(b)
	for _, tc := range []struct {
		shape []int
		relu  bool // non-negative input, as after a ReLU
	}{
		{[]int{64, 6, 28, 28}, true},
		{[]int{64, 16, 10, 10}, true},
		{[]int{32, 32, 16, 16}, false},
	} {
		shape := tc.shape
		b.Run(fmt.Sprint(shape[1:], map[bool]string{true: "relu", false: "mixed"}[tc.relu]), func(b *testing.B) {
			x := Normal(NewRNG(1), 0, 1, shape...)
			if tc.relu {
				x = Relu(x)
			}
			p := PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2}
			b.SetBytes(int64(4*x.Len() + 2*x.Len()))
			b.ReportAllocs()
			for b.Loop() {
				y, pi := MaxPool2DWithIndices(x, p)
				Release(y)
				pi.Release()
			}
		})
	}
}

func BenchmarkVecPoolScatter(b *testing.B) {
	vecImpl(b)
	x := Normal(NewRNG(1), 0, 1, 64, 6, 28, 28)
	y, pi := MaxPool2DWithIndices(x, PoolParams{KH: 2, KW: 2, StrideH: 2, StrideW: 2})
	b.SetBytes(int64(4*x.Len() + 2*x.Len()))
	for b.Loop() {
		Release(PoolScatter(y, pi))
	}
}
