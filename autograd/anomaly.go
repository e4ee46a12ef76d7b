package autograd

import (
	"fmt"
	"sync/atomic"

	"github.com/modeldoctor/modeldoctor/tensor"
)

// Anomaly detection (torch.autograd.set_detect_anomaly): while it is on,
// every op's output and every gradient a backward pass computes is checked
// for NaN and ±Inf, and the first one found panics with an *AnomalyError
// naming the op. Off, it costs one atomic load per op.

// anomalyDepth counts the DetectAnomaly scopes, plus one while
// SetDetectAnomaly(true) holds: the check is on when it is nonzero.
var (
	anomalyDepth atomic.Int32
	anomalySet   atomic.Bool
)

// anomalyQuiet is nonzero while a backward pass runs: the ops a backward
// function is made of are not checked one by one, since a bad value there
// belongs to the op being differentiated, whose gradients are checked as a
// whole. Graphs are differentiated by one goroutine at a time (see
// backwardNeed), so a plain variable serves.
var anomalyQuiet int

// DetectAnomaly runs f with anomaly detection on. Calls nest.
func DetectAnomaly(f func()) {
	anomalyDepth.Add(1)
	defer anomalyDepth.Add(-1)
	f()
}

// SetDetectAnomaly turns anomaly detection on or off for the whole
// process (a trainer's debug flag), independently of DetectAnomaly scopes.
func SetDetectAnomaly(on bool) {
	if anomalySet.Swap(on) != on {
		if on {
			anomalyDepth.Add(1)
		} else {
			anomalyDepth.Add(-1)
		}
	}
}

// AnomalyEnabled reports whether anomaly detection is on.
func AnomalyEnabled() bool { return anomalyDepth.Load() != 0 }

// AnomalyError describes the first non-finite value anomaly detection met.
type AnomalyError struct {
	Op    string // the registered name of the op
	Phase string // "forward" (its output) or "backward" (a gradient it computed)
	// Input is, in the backward phase, which of the op's inputs the bad
	// gradient is for (−1 in the forward phase).
	Input int
	Shape []int   // the shape of the checked output or gradient
	Index []int   // the coordinates of the first bad element
	Flat  int     // its row-major offset
	Value float32 // NaN, +Inf or −Inf
}

func (e *AnomalyError) Error() string {
	what := "output"
	if e.Phase == "backward" {
		what = fmt.Sprintf("gradient for input %d", e.Input)
	}
	return fmt.Sprintf("autograd: anomaly: %q %s: %s of shape %v has %v at %v (flat index %d)",
		e.Op, e.Phase, what, e.Shape, e.Value, e.Index, e.Flat)
}

// CatchAnomaly runs f and returns the *AnomalyError it panicked with, or
// nil. Any other panic goes on.
func CatchAnomaly(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(*AnomalyError)
			if !ok {
				panic(r)
			}
			err = a
		}
	}()
	f()
	return nil
}

// checkForward panics if the output t of op is not finite.
func checkForward(op *OpInfo, t *tensor.Tensor) {
	if anomalyQuiet == 0 {
		checkFinite(op, "forward", -1, t)
	}
}

// checkFinite panics with an *AnomalyError at t's first non-finite value.
func checkFinite(op *OpInfo, phase string, input int, t *tensor.Tensor) {
	if t.OnDevice() {
		// Anomaly detection is a debugging mode: on a device it reads
		// every output back (counted downloads).
		t = t.To(tensor.Host)
	}
	data := t.Borrow()
	i := FirstNonFinite(data)
	if i < 0 {
		return
	}
	shape := append([]int(nil), t.Shape()...)
	idx := make([]int, len(shape))
	for k, rem := len(shape)-1, i; k >= 0; k-- {
		idx[k] = rem % shape[k]
		rem /= shape[k]
	}
	panic(&AnomalyError{Op: op.Name, Phase: phase, Input: input, Shape: shape, Index: idx, Flat: i, Value: data[i]})
}

// quietAnomaly silences per-op checks for a backward pass; the returned
// function undoes it (deferred, so a panic inside the pass undoes it too).
func quietAnomaly() func() {
	anomalyQuiet++
	return func() { anomalyQuiet-- }
}
