package autograd

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modeldoctor/modeldoctor/cuda/backend"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// missRecorder wraps the simulated device and records, by op and its
// variant (Unary's function, Binary's, Reduce's), every op the device had
// no kernel for: tensor then computes it on host copies (a fallback).
type missRecorder struct {
	tensor.DeviceBackend
	mu     sync.Mutex
	misses map[string]int
}

func (m *missRecorder) Run(op tensor.Op, in, out []*tensor.Tensor) bool {
	if m.DeviceBackend.Run(op, in, out) {
		return true
	}
	m.mu.Lock()
	m.misses[opLabel(op)]++
	m.mu.Unlock()
	return false
}

func (m *missRecorder) take() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var s []string
	for k := range m.misses {
		s = append(s, k)
	}
	sort.Strings(s)
	m.misses = map[string]int{}
	return s
}

func opLabel(op tensor.Op) string {
	switch a := op.Args.(type) {
	case tensor.UnaryArgs:
		return op.Name + "." + a.Op.String()
	case tensor.BinaryArgs:
		return op.Name + "." + a.Op.String()
	case tensor.ReduceArgs:
		return op.Name + "." + a.Op.String()
	}
	return op.Name
}

func simDevice(t *testing.T) (tensor.Device, *missRecorder) {
	t.Helper()
	s, err := backend.NewSim("cuda:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &missRecorder{DeviceBackend: s, misses: map[string]int{}}
	tensor.RegisterDevice(m)
	t.Cleanup(func() { tensor.UnregisterDevice("cuda:0") })
	return "cuda:0", m
}

// dotD is dot for tensors anywhere: both are read back to the host.
func dotD(a, b *tensor.Tensor) float64 { return dot(a.To(tensor.Host), b.To(tensor.Host)) }

// shiftedD is shifted for x and u anywhere: x + h·u on the host, then on d.
func shiftedD(x, u *tensor.Tensor, h float64, d tensor.Device) *tensor.Tensor {
	return shifted(x.To(tensor.Host), u.To(tensor.Host), h).To(d)
}

func upload(ts []*tensor.Tensor, d tensor.Device) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(ts))
	for i, t := range ts {
		out[i] = t.To(d)
	}
	return out
}

// checkFirstOrderOn is checkFirstOrder with the inputs, the output
// gradient and the shifted inputs on d; random draws are the host check's.
func checkFirstOrderOn(t *testing.T, c gradCase, r *tensor.RNG, d tensor.Device) {
	xs := c.inputs(r)
	vs := vars(upload(xs, d))
	out := c.f(vs)
	if out.Device() != d {
		t.Fatalf("%s: output on %s, want %s", c.name, out.Device(), d)
	}
	gout := away(r, out.Shape()...)
	grads := Grad([]*Value{out}, vs, []*Value{Const(gout.To(d))}, false)
	for trial := 0; trial < 2; trial++ {
		us := make([]*tensor.Tensor, len(xs))
		var analytic float64
		for i, x := range xs {
			us[i] = tensor.Uniform(r, -1, 1, x.Shape()...)
			if grads[i].Device() != d {
				t.Fatalf("%s: gradient %d on %s, want %s", c.name, i, grads[i].Device(), d)
			}
			analytic += dotD(grads[i].t, us[i])
		}
		eval := func(h float64) float64 {
			var y float64
			NoGrad(func() {
				in := make([]*Value, len(xs))
				for i, x := range xs {
					in[i] = Const(shiftedD(x, us[i], h, d))
				}
				y = dotD(c.f(in).t, gout)
			})
			return y
		}
		numeric := (eval(fdStep) - eval(-fdStep)) / (2 * fdStep)
		if !close(analytic, numeric) {
			t.Errorf("%s: first order on %s: analytic %.6g, finite difference %.6g", c.name, d, analytic, numeric)
		}
	}
}

// checkSecondOrderOn is checkSecondOrder on d.
func checkSecondOrderOn(t *testing.T, c gradCase, r *tensor.RNG, d tensor.Device) {
	xs := c.inputs(r)
	out0 := func() *Value { var o *Value; NoGrad(func() { o = c.f(vars(upload(xs, d))) }); return o }()
	gout := away(r, out0.Shape()...)
	vs := make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		vs[i] = away(r, x.Shape()...).To(d)
	}
	s := func(xin []*tensor.Tensor, g *tensor.Tensor, create bool) (*Value, []*Value, *Value) {
		xv := vars(xin)
		gv := Var(g)
		grads := Grad([]*Value{c.f(xv)}, xv, []*Value{gv}, create)
		total := ScalarOn(d, 0)
		for i, gi := range grads {
			total = Add(total, SumAll(Mul(gi, Const(vs[i]))))
		}
		return total, xv, gv
	}
	total, xv, gv := s(upload(xs, d), gout.To(d), true)
	wrt := append(append([]*Value{}, xv...), gv)
	var hs []*Value
	if total.RequiresGrad() {
		hs = Grad([]*Value{total}, wrt, nil, false)
	} else {
		for _, w := range wrt {
			hs = append(hs, Const(tensor.ZerosLike(w.t)))
		}
	}
	us := make([]*tensor.Tensor, len(wrt))
	var analytic float64
	for i, w := range wrt {
		us[i] = tensor.Uniform(r, -1, 1, w.Shape()...)
		if hs[i].Device() != d {
			t.Fatalf("%s: second-order gradient %d on %s, want %s", c.name, i, hs[i].Device(), d)
		}
		analytic += dotD(hs[i].t, us[i])
	}
	eval := func(h float64) float64 {
		xin := make([]*tensor.Tensor, len(xs))
		for i, x := range xs {
			xin[i] = shiftedD(x, us[i], h, d)
		}
		v, _, _ := s(xin, shiftedD(gout, us[len(xs)], h, d), false)
		return float64(v.Item())
	}
	numeric := (eval(fdStep) - eval(-fdStep)) / (2 * fdStep)
	if !close(analytic, numeric) {
		t.Errorf("%s: second order on %s: analytic %.6g, finite difference %.6g", c.name, d, analytic, numeric)
	}
}

// deviceVariants lists the cases whose f makes tensors of its own on the
// host (a condition, running statistics): on the device their ops would
// mix devices and panic, so the device check runs the same function with
// those tensors uploaded. TestGradCheckOnSimDevice checks that each
// original f does panic on the device, so an entry that is no longer
// needed fails the test.
var deviceVariants = map[string]func(d tensor.Device) func(x []*Value) *Value{
	"where": func(d tensor.Device) func(x []*Value) *Value {
		return func(x []*Value) *Value {
			cond := tensor.New([]float32{1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1}, 3, 4).To(d)
			return Square(Where(cond, x[0], x[1]))
		}
	},
	"batchnorm_eval_2d": func(d tensor.Device) func(x []*Value) *Value {
		return func(x []*Value) *Value {
			st := &BatchNormState{RunningMean: tensor.New([]float32{0.1, -0.2, 0.3}, 3).To(d), RunningVar: tensor.New([]float32{1.5, 0.7, 1.1}, 3).To(d), Eps: 1e-5}
			return Tanh(BatchNorm(x[0], x[1], x[2], st, false))
		}
	},
}

// simFallbacks lists, per case, the device ops the simulated device had
// no kernel for (Unary, Binary and Reduce by their function), which the
// case's forward or backward computes on host copies. Cases not listed
// run with host fallbacks refused; a listed case fails on any fallback
// the table does not name, and logs those it names that no longer happen
// (a kernel landed: trim the table).
var simFallbacks = map[string][]string{
	// PowScalar has kernels for the powers the host computes without
	// math.Pow (2, 1, ½); these cases use others (batch norm's −½).
	"scalar_ops":                   {"Unary.PowScalar"},
	"batchnorm_train_4d":           {"Unary.PowScalar"},
	"batchnorm_train_2d_no_affine": {"Unary.PowScalar"},
}

// TestGradCheckOnSimDevice runs every gradient case, first and second
// order, with its inputs on the simulated CUDA device (kernels in the ptx
// interpreter), and records per case which ops fell back to the host.
// The whole table is cheap enough on the interpreter (about a second), so
// no case is left out.
func TestGradCheckOnSimDevice(t *testing.T) {
	d, rec := simDevice(t)
	defer tensor.AllowHostFallback(tensor.AllowHostFallback(true))
	covered := map[string]bool{}
	for _, name := range sortedKeys(simFallbacks) {
		if !hasCase(name) {
			t.Errorf("simFallbacks lists %q, which is not a gradient case", name)
		}
	}
	for i, c := range gradCases {
		t.Run(c.name, func(t *testing.T) {
			if dv, ok := deviceVariants[c.name]; ok {
				if msg := panicOf(func() { c.f(vars(upload(c.inputs(tensor.NewRNG(uint64(100+i))), d))) }); !strings.Contains(msg, "different devices") {
					t.Errorf("%s: on the device its own f no longer mixes devices (panic %q): drop it from deviceVariants", c.name, msg)
				}
				c.f = dv(d)
			}
			want := simFallbacks[c.name]
			tensor.AllowHostFallback(len(want) > 0)
			rec.take()
			tensor.ResetTransfers()
			start := time.Now()
			if msg := panicOf(func() {
				checkFirstOrderOn(t, c, tensor.NewRNG(uint64(100+i)), d)
				checkSecondOrderOn(t, c, tensor.NewRNG(uint64(200+i)), d)
			}); msg != "" {
				t.Fatalf("%s on %s: %s", c.name, d, msg)
			}
			got, counts := rec.take(), tensor.Transfers().Fallbacks
			t.Logf("%s: %.2fs on %s, host fallbacks %v", c.name, time.Since(start).Seconds(), d, counts)
			for _, g := range got {
				if !slices.Contains(want, g) {
					t.Errorf("%s: %s fell back to the host, simFallbacks lists only %v", c.name, g, want)
				}
			}
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Logf("%s: %s ran on the device: a kernel landed, drop it from simFallbacks", c.name, w)
				}
			}
			// tensor's own count names ops without their function.
			names := map[string]bool{}
			for _, g := range got {
				names[strings.SplitN(g, ".", 2)[0]] = true
			}
			if len(names) != len(counts) {
				t.Errorf("%s: tensor counted fallbacks %v, the device missed %v", c.name, counts, got)
			}
			for n := range counts {
				if !names[n] {
					t.Errorf("%s: tensor counted fallbacks %v, the device missed %v", c.name, counts, got)
				}
			}
			for _, op := range c.covers {
				covered[op] = true
			}
		})
	}
	for _, op := range RegisteredOps() {
		if !covered[op] {
			t.Errorf("op %q was not checked on the device", op)
		}
	}
}

func hasCase(name string) bool {
	for _, c := range gradCases {
		if c.name == name {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// panicOf runs f and returns what it panicked with, or "".
func panicOf(f func()) (msg string) {
	defer func() {
		if e := recover(); e != nil {
			msg = fmt.Sprint(e)
			if msg == "" {
				msg = "panic"
			}
		}
	}()
	f()
	return ""
}
