package conformance_test

import (
	"math"
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/conformance"
)

// Backends with one deliberate fault each, and the one subtest that must
// catch it: a suite that passes them is not testing anything.

// nanRelu maps NaN to 0 (a plain x > 0 ? x : 0), where tensor lets it through.
type nanRelu struct{ tensor.CPU }

func (nanRelu) Unary(op tensor.UnaryOp, p float32, x, out *tensor.Tensor) {
	tensor.CPU{}.Unary(op, p, x, out)
	if op == tensor.OpRelu {
		for i, v := range out.Borrow() {
			if math.IsNaN(float64(v)) {
				out.Borrow()[i] = 0
			}
		}
	}
}

// noBroadcast reads b as if it had out's shape, wrapping around.
type noBroadcast struct{ tensor.CPU }

func (noBroadcast) Binary(op tensor.BinaryOp, a, b, out *tensor.Tensor) {
	if tensor.SameShape(a.Shape(), b.Shape()) {
		tensor.CPU{}.Binary(op, a, b, out)
		return
	}
	one := tensor.Zeros(1)
	bs := b.Borrow()
	for i := range out.Borrow() {
		tensor.CPU{}.Binary(op, tensor.New([]float32{a.Borrow()[i%a.Len()]}, 1), tensor.New([]float32{bs[i%len(bs)]}, 1), one)
		out.Borrow()[i] = one.Borrow()[0]
	}
}

// dropLast leaves the last element of each sum out.
type dropLast struct{ tensor.CPU }

func (dropLast) Reduce(op tensor.ReduceOp, x *tensor.Tensor, reduce []bool, out *tensor.Tensor) {
	y := x.Clone()
	if op == tensor.OpSum {
		y.Borrow()[y.Len()-1] = 0
	}
	tensor.CPU{}.Reduce(op, y, reduce, out)
}

// shortK drops the last term of every dot product.
type shortK struct{ tensor.CPU }

func (shortK) Gemm(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	tensor.CPU{}.Gemm(ta, tb, m, n, max(k-1, 0), alpha, a, lda, b, ldb, beta, c, ldc)
}

// pastRow also writes one element past each row of C, into the padding.
type pastRow struct{ tensor.CPU }

func (pastRow) Gemm(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	tensor.CPU{}.Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	for i := 0; i < m; i++ {
		if i*ldc+n < len(c) && ldc > n {
			c[i*ldc+n] = 0
		}
	}
}

// skipFirstImage leaves the first image out of the weight gradient.
type skipFirstImage struct{ tensor.CPU }

func (skipFirstImage) Conv2DWeightGrad(x, gy *tensor.Tensor, p tensor.ConvParams, gw *tensor.Tensor) {
	x2 := x.Clone()
	per := x.Len() / x.Shape()[0]
	clear(x2.Borrow()[:per])
	tensor.CPU{}.Conv2DWeightGrad(x2, gy, p, gw)
}

// idxOffByOne reports the window's maximum at the wrong column.
type idxOffByOne struct{ tensor.CPU }

func (idxOffByOne) MaxPool2D(x *tensor.Tensor, p tensor.PoolParams, out *tensor.Tensor, idx []int32) {
	tensor.CPU{}.MaxPool2D(x, p, out, idx)
	idx[len(idx)-1]++
}

var broken = map[string]struct {
	b    tensor.Backend
	fail string
}{
	"nanRelu":        {nanRelu{}, "Unary"},
	"noBroadcast":    {noBroadcast{}, "Binary"},
	"dropLast":       {dropLast{}, "Reduce"},
	"shortK":         {shortK{}, "Gemm"},
	"pastRow":        {pastRow{}, "Gemm"},
	"skipFirstImage": {skipFirstImage{}, "Conv2DWeightGrad"},
	"idxOffByOne":    {idxOffByOne{}, "MaxPool2D"},
}

const brokenEnv = "CONFORMANCE_BROKEN_BACKEND"

// TestBrokenBackend runs the suite on one broken backend; only the child
// process of TestSuiteCatchesFaults runs it.
func TestBrokenBackend(t *testing.T) {
	name := os.Getenv(brokenEnv)
	if name == "" {
		t.Skip("run by TestSuiteCatchesFaults")
	}
	conformance.Run(t, broken[name].b)
}

func TestSuiteCatchesFaults(t *testing.T) {
	failed := regexp.MustCompile(`--- FAIL: TestBrokenBackend/(\w+)`)
	for name, c := range broken {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenBackend$", "-test.v")
			cmd.Env = append(os.Environ(), brokenEnv+"="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a backend with a fault in %s:\n%s", c.fail, out)
			}
			var ops []string
			for _, m := range failed.FindAllStringSubmatch(string(out), -1) {
				ops = append(ops, m[1])
			}
			if len(ops) != 1 || ops[0] != c.fail {
				t.Fatalf("failed subtests %v, want only %s:\n%s", ops, c.fail, out)
			}
		})
	}
}

// TestReferencePasses: the reference agrees with itself, so every failure
// above is the fault's.
func TestReferencePasses(t *testing.T) { conformance.Run(t, tensor.CPU{}) }
