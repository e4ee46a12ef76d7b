package zoo

import (
	"os"
	"runtime"
	"runtime/metrics"
	"syscall"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// refLeNet is the LeNet of the PyTorch speed reference (and of
// bench/lenet_torch.py): conv 1→32 5×5, ReLU, 2×2 max-pool, conv 32→64
// 5×5, ReLU, 2×2 max-pool, fc 1024→512, ReLU, fc 512→10, on 1×28×28.
type refLeNet struct {
	nn.Base
	conv1, conv2 *nn.Conv2d
	fc1, fc2     *nn.Linear
}

func newRefLeNet(r *tensor.RNG) *refLeNet {
	m := &refLeNet{}
	m.conv1 = nn.Add(&m.Base, "conv1", nn.NewConv2d(r, 1, 32, 5, nn.ConvOptions{}))
	m.conv2 = nn.Add(&m.Base, "conv2", nn.NewConv2d(r, 32, 64, 5, nn.ConvOptions{}))
	m.fc1 = nn.Add(&m.Base, "fc1", nn.NewLinear(r, 1024, 512, true))
	m.fc2 = nn.Add(&m.Base, "fc2", nn.NewLinear(r, 512, 10, true))
	return m
}

// Forward implements nn.Module.
func (m *refLeNet) Forward(x *autograd.Value) *autograd.Value {
	x = autograd.MaxPool2D(autograd.Relu(nn.Forward(m.conv1, x)), lenetPool)
	x = autograd.MaxPool2D(autograd.Relu(nn.Forward(m.conv2, x)), lenetPool)
	x = autograd.Relu(nn.Forward(m.fc1, autograd.Flatten(x)))
	return nn.Forward(m.fc2, x)
}

// BenchmarkLeNetTrain measures SGD training steps (momentum 0.9, weight
// decay 5e-4, batch 64, as bench/lenet_torch.py does) of the two LeNets:
//
//   - lenet5: the zoo's LeNet-5 (6 and 16 channels, fc 400–120–84–10) on
//     1×32×32 inputs, the network `modeldoctor train --model lenet
//     --dataset mnist` trains;
//   - ref: the reference LeNet of the PyTorch comparison (32 and 64
//     channels, fc 1024–512–10) on 1×28×28 inputs.
//
// Besides images/s it reports cpu-ms/step (the process's CPU time per
// step), gc-% (the garbage collector's share of the process's CPU time
// during the timed steps, from runtime/metrics), pool-hit-% (allocations
// the tensor allocator served from its free lists) and peak-RSS-MiB (the
// process's high-water mark, meaningful when one sub-benchmark runs per
// process). bench/lenet_torch.py runs it next to
// PyTorch:
//
//	go test -c -o /tmp/zoo.test ./zoo
//	GOMAXPROCS=1 /tmp/zoo.test -test.run '^$' -test.bench 'LeNetTrain/ref$' -test.benchtime 30x
func BenchmarkLeNetTrain(b *testing.B) {
	const batch = 64
	for _, tc := range []struct {
		name  string
		build func(r *tensor.RNG) nn.Module
		hw    int
	}{
		{"lenet5", func(r *tensor.RNG) nn.Module { return newLeNet(Config{Classes: 10, InChannels: 1}, r) }, 32},
		{"ref", func(r *tensor.RNG) nn.Module { return newRefLeNet(r) }, 28},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m := tc.build(tensor.NewRNG(1))
			x := autograd.Const(tensor.Normal(tensor.NewRNG(2), 0, 1, batch, 1, tc.hw, tc.hw))
			labels := make([]int, batch)
			for i := range labels {
				labels[i] = i % 10
			}
			opt := optim.NewSGD(nn.Trainable(m), optim.SGDOptions{Momentum: 0.9, WeightDecay: 5e-4})
			// FreeValues: the step's activations go back to the allocator
			// for the next step's forward pass (LENET_FREE=0 turns it off,
			// to measure the difference).
			free := os.Getenv("LENET_FREE") != "0"
			step := func() {
				opt.ZeroGrad()
				loss := autograd.CrossEntropy(nn.Forward(m, x), labels)
				loss.BackwardWith(nil, autograd.GradOptions{FreeValues: free})
				opt.Step(0.01)
			}
			step() // warm up: momentum buffers, pools
			step()
			gc0, all0 := gcCPU()
			cpu0 := processCPU()
			ps0 := tensor.Stats()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step()
			}
			b.StopTimer()
			cpu1 := processCPU()
			gc1, all1 := gcCPU()
			b.ReportMetric(1000*(cpu1-cpu0)/float64(b.N), "cpu-ms/step")
			ps1 := tensor.Stats()
			if n := ps1.Hits + ps1.Misses - ps0.Hits - ps0.Misses; n > 0 {
				b.ReportMetric(100*float64(ps1.Hits-ps0.Hits)/float64(n), "pool-hit-%")
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "images/s")
			if all1 > all0 {
				b.ReportMetric(100*(gc1-gc0)/(all1-all0), "gc-%")
			}
			b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
		})
	}
}

// gcCPU returns the CPU seconds the garbage collector has used and the
// CPU seconds the process has used in all (runtime/metrics estimates;
// they are refreshed at each GC cycle, so a forced cycle brings them up to
// date).
func gcCPU() (gc, all float64) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/cpu/classes/total:cpu-seconds"},
		{Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(s)
	// The forced cycle is counted too; subtracting idle time leaves the
	// CPU time actually used.
	return s[0].Value.Float64(), s[1].Value.Float64() - s[2].Value.Float64()
}

// processCPU is the CPU time (user and system) the process has used, in
// seconds: on a shared machine a steadier measure of one thread's work than
// the wall clock.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// peakRSSMiB is the process's resident-set high-water mark.
func peakRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024 // kilobytes on Linux
}
