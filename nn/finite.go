package nn

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// NonFiniteTensor names a parameter, buffer or gradient holding NaN or
// ±Inf, with how many and where the first is.
type NonFiniteTensor struct {
	Name     string // state-dict name
	Grad     bool   // the parameter's gradient, not its value
	NaN, Inf int    // how many of each
	Len      int    // elements in the tensor
	First    int    // flat index of the first non-finite element
}

func (n NonFiniteTensor) String() string {
	what := n.Name
	if n.Grad {
		what = "gradient of " + n.Name
	}
	return fmt.Sprintf("%s: %d NaN, %d Inf of %d (first at %d)", what, n.NaN, n.Inf, n.Len, n.First)
}

// NonFinite lists the parameters and buffers of m holding NaN or ±Inf, in
// state-dict order (nil when all are finite): the check to run before
// evaluating or saving weights. A model on a device is read back to do it.
func NonFinite(m Module) []NonFiniteTensor {
	var out []NonFiniteTensor
	for _, e := range StateDict(m) {
		if bad, ok := nonFinite(e.Name, e.Tensor.To(tensor.Host).Borrow()); ok {
			out = append(out, bad)
		}
	}
	return out
}

// FirstNonFiniteGrad returns the first parameter, in the order given,
// whose gradient holds NaN or ±Inf; parameters without a gradient are
// skipped. Made to run after every backward pass, before the optimizer
// step spreads a bad value into the weights: the gradients are read once,
// by vectorised scans spread over the available cores when they are
// large, and only a failing gradient is searched and counted.
func FirstNonFiniteGrad(params []NamedParam) (NonFiniteTensor, bool) {
	if len(params) > 0 && params[0].Value.Device() != tensor.Host {
		return firstNonFiniteGradOnDevice(params)
	}
	grads := make([][]float32, len(params))
	for i, p := range params {
		grads[i] = p.Value.BorrowGrad()
	}
	if allFinite(grads) {
		return NonFiniteTensor{}, false
	}
	for i, g := range grads {
		if bad, ok := nonFinite(params[i].Name, g); ok {
			bad.Grad = true
			return bad, true
		}
	}
	return NonFiniteTensor{}, false
}

// scanChunk is the most elements one goroutine scans at a time (1 MiB),
// and the least that one more goroutine is started for: below it a
// goroutine's start costs more than the scan it takes over.
const scanChunk = 1 << 18

// allFinite reports whether the slices hold no NaN or ±Inf, splitting
// large inputs into chunks scanned by up to GOMAXPROCS goroutines (a
// trainer's step is spread over the cores: a one-core check would weigh
// on it more, the more cores there are).
func allFinite(xs [][]float32) bool {
	var chunks [][]float32
	total := 0
	for _, x := range xs {
		total += len(x)
		for len(x) > 0 {
			n := min(len(x), scanChunk)
			chunks = append(chunks, x[:n])
			x = x[n:]
		}
	}
	workers := min(runtime.GOMAXPROCS(0), total/scanChunk+1)
	var next atomic.Int64
	var bad atomic.Bool
	scan := func() {
		for !bad.Load() {
			i := int(next.Add(1)) - 1
			if i >= len(chunks) {
				return
			}
			if autograd.FirstNonFinite(chunks[i]) >= 0 {
				bad.Store(true)
			}
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(scan)
	}
	scan()
	wg.Wait()
	return !bad.Load()
}

// nonFinite describes x when it holds a non-finite value. Counting runs
// only then: the all-finite case costs the scan alone.
func nonFinite(name string, x []float32) (NonFiniteTensor, bool) {
	first := autograd.FirstNonFinite(x)
	if first < 0 {
		return NonFiniteTensor{}, false
	}
	n := NonFiniteTensor{Name: name, Len: len(x), First: first}
	for _, v := range x[first:] {
		switch {
		case math.IsNaN(float64(v)):
			n.NaN++
		case math.IsInf(float64(v), 0):
			n.Inf++
		}
	}
	return n, true
}
