package autograd

import (
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// Benchmarks of the engine's per-op overhead: tensors of 4 elements, so
// the time is the recording (node, closure, allocations) and the backward
// traversal rather than arithmetic. Run with
//
//	go test ./autograd/ -run '^$' -bench . -benchmem

func benchTiny(seed uint64) (*Value, *Value) {
	r := tensor.NewRNG(seed)
	return Var(tensor.Uniform(r, -1, 1, 4)), Var(tensor.Uniform(r, -1, 1, 4))
}

// BenchmarkAddTinyRecorded: one Add of two [4] values that require
// gradients (a node is recorded).
func BenchmarkAddTinyRecorded(b *testing.B) {
	x, y := benchTiny(1)
	b.ReportAllocs()
	for b.Loop() {
		Add(x, y)
	}
}

// BenchmarkAddTinyNoGrad: the same Add under NoGrad (no node): the
// difference to the recorded case is the cost of recording.
func BenchmarkAddTinyNoGrad(b *testing.B) {
	x, y := benchTiny(1)
	b.ReportAllocs()
	NoGrad(func() {
		for b.Loop() {
			Add(x, y)
		}
	})
}

// BenchmarkAddTinyTensor: the raw tensor op, for reference.
func BenchmarkAddTinyTensor(b *testing.B) {
	x, y := benchTiny(1)
	b.ReportAllocs()
	for b.Loop() {
		tensor.Add(x.Tensor(), y.Tensor())
	}
}

// benchChain is a small chain of 7 recorded ops:
// Σ tanh(x·w + b)² · 0.5 + Σ exp(−|x|).
func benchChain(x, w, bias *Value) *Value {
	h := Tanh(Add(Mul(x, w), bias))
	return Add(MulScalar(SumAll(Square(h)), 0.5), SumAll(Exp(Neg(x))))
}

// BenchmarkChainTinyForwardBackward: forward and Backward of the chain on
// [4] values (gradients accumulate into three leaves).
func BenchmarkChainTinyForwardBackward(b *testing.B) {
	x, w := benchTiny(2)
	bias := Var(tensor.Full(0.1, 4))
	b.ReportAllocs()
	for b.Loop() {
		benchChain(x, w, bias).Backward()
		x.ZeroGrad()
		w.ZeroGrad()
		bias.ZeroGrad()
	}
}

// BenchmarkChainTinyForward: the forward pass alone.
func BenchmarkChainTinyForward(b *testing.B) {
	x, w := benchTiny(2)
	bias := Var(tensor.Full(0.1, 4))
	b.ReportAllocs()
	for b.Loop() {
		benchChain(x, w, bias)
	}
}

// BenchmarkChainTinySecondOrder: Grad with createGraph, then Backward of
// the gradient's squared norm (the shape of Model Doctor's penalty).
func BenchmarkChainTinySecondOrder(b *testing.B) {
	x, w := benchTiny(3)
	bias := Var(tensor.Full(0.1, 4))
	b.ReportAllocs()
	for b.Loop() {
		g := Grad([]*Value{benchChain(x, w, bias)}, []*Value{x}, nil, true)[0]
		SumAll(Square(g)).Backward()
		x.ZeroGrad()
		w.ZeroGrad()
		bias.ZeroGrad()
	}
}
