package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/cpuid/v2"
	"github.com/modeldoctor/modeldoctor/asm"
	"github.com/modeldoctor/modeldoctor/tensor"
)

func init() {
	commands["bench kernels"] = command{"time SGEMM and convolution kernels against the machine's FMA peak (--json for the rows)", runBenchKernels}
}

// benchConv is one convolution layer of the kernel benchmark.
type benchConv struct {
	Name                  string
	N, C, H, W, O, KH, KW int
	Stride, Pad, Groups   int
}

// benchConvs are the layers timed by "bench kernels": the four shapes the
// kernel work is judged on, then layers of ResNet-18, VGG16 and
// MobileNetV2 at 32×32 input, batch 32.
var benchConvs = []benchConv{
	{"conv3x3 64-64 32x32", 32, 64, 32, 32, 64, 3, 3, 1, 1, 1},
	{"conv3x3 128-128 16x16", 32, 128, 16, 16, 128, 3, 3, 1, 1, 1},
	{"dw3x3 x256 16x16", 32, 256, 16, 16, 256, 3, 3, 1, 1, 256},
	{"conv1x1 256-64 16x16", 32, 256, 16, 16, 64, 1, 1, 1, 0, 1},
	{"resnet18 layer3 3x3 256-256 8x8", 32, 256, 8, 8, 256, 3, 3, 1, 1, 1},
	{"resnet18 layer2.0 3x3/2 64-128 32x32", 32, 64, 32, 32, 128, 3, 3, 2, 1, 1},
	{"vgg16 conv4 3x3 512-512 4x4", 32, 512, 4, 4, 512, 3, 3, 1, 1, 1},
	{"mobilenetv2 1x1 24-144 16x16", 32, 24, 16, 16, 144, 1, 1, 1, 0, 1},
	{"mobilenetv2 dw3x3/2 x144 16x16", 32, 144, 16, 16, 144, 3, 3, 2, 1, 144},
}

func (c benchConv) params() tensor.ConvParams {
	return tensor.ConvParams{StrideH: c.Stride, StrideW: c.Stride, PadH: c.Pad, PadW: c.Pad, Groups: c.Groups}
}

// flops is the forward pass's floating-point operations (2 per
// multiply-add); the backward pass (input and weight gradients) is twice
// that.
func (c benchConv) flops() float64 {
	ho := tensor.ConvOutSize(c.H, c.KH, c.Stride, c.Pad, 1)
	wo := tensor.ConvOutSize(c.W, c.KW, c.Stride, c.Pad, 1)
	return 2 * float64(c.N*c.O*ho*wo) * float64(c.C/c.Groups*c.KH*c.KW)
}

// benchGemm is one SGEMM of the benchmark: square, or the shape of a
// convolution's GEMM.
type benchGemm struct {
	Name    string
	M, N, K int
}

var benchGemms = []benchGemm{
	{"sgemm 256", 256, 256, 256},
	{"sgemm 512", 512, 512, 512},
	{"sgemm 1024", 1024, 1024, 1024},
	{"sgemm 2048", 2048, 2048, 2048},
	{"conv-fwd 64x1024x576 (3x3 64ch 32x32, 1 image)", 64, 1024, 576},
	{"conv-fwd 128x256x1152 (3x3 128ch 16x16, 1 image)", 128, 256, 1152},
	{"conv-wgrad 576x64x1024 (3x3 64ch 32x32, 1 image)", 576, 64, 1024},
	{"conv-fwd 64x256x256 (1x1 256-64 16x16, 1 image)", 64, 256, 256},
}

// benchRow is one line of the table and of the JSON output.
type benchRow struct {
	Kind    string  `json:"kind"` // "peak", "sgemm" or "conv"
	Name    string  `json:"name"`
	Pass    string  `json:"pass,omitempty"` // conv: "fwd" or "fwd+bwd"
	Threads int     `json:"threads"`
	Ms      float64 `json:"ms"`     // wall time
	CPUMs   float64 `json:"cpu_ms"` // process CPU time (0 where unknown)
	GFLOPS  float64 `json:"gflops"`
	PctPeak float64 `json:"pct_peak"`
	// HostFallbacks counts the copies of ops a device computed on the
	// host for want of a kernel, over the row's runs (--device only).
	HostFallbacks int64      `json:"host_fallbacks,omitempty"`
	Gemm          *gemmShape `json:"gemm,omitempty"`
	Conv          *convShape `json:"conv,omitempty"`
}

// gemmShape is C (m×n) = A (m×k)·B (k×n), all untransposed.
type gemmShape struct {
	M int `json:"m"`
	N int `json:"n"`
	K int `json:"k"`
}

// convShape is a convolution of x [batch, c, h, w] with w [o, c/groups,
// kh, kw], PyTorch's conv2d(x, w, stride=stride, padding=pad,
// groups=groups).
type convShape struct {
	Batch  int `json:"batch"`
	C      int `json:"c"`
	H      int `json:"h"`
	W      int `json:"w"`
	O      int `json:"o"`
	KH     int `json:"kh"`
	KW     int `json:"kw"`
	Stride int `json:"stride"`
	Pad    int `json:"pad"`
	Groups int `json:"groups"`
}

type benchReport struct {
	CPU        string     `json:"cpu"`
	Device     string     `json:"device,omitempty"` // --device's device; empty: the CPU
	Impl       string     `json:"impl"`
	GOMAXPROCS int        `json:"gomaxprocs"`
	Date       string     `json:"date"`
	Reps       int        `json:"reps"`
	Rows       []benchRow `json:"rows"`
}

func runBenchKernels(args []string) error {
	fs := flag.NewFlagSet("bench kernels", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: modeldoctor bench kernels [flags]\n\nMeasures the FMA peak (best of five 100 ms windows), then times SGEMM and\nconvolution layers (forward, and forward + input and weight gradients) on 1\nand all threads. Each time is the median of --reps runs after two warm-ups,\nin wall time and in process CPU time; GFLOP/s and % of peak count 2 flops\nper multiply-add and use the wall time.\n\nWith --device cuda (or sim) the same ops run on device tensors, uploaded\nonce: each run is the op followed by a one-value read-back, which waits for\nthe kernels queued before it, so the wall time covers their execution.\nThere is no peak row and one thread count (the host only launches).\n\nFlags:")
		fs.PrintDefaults()
	}
	jsonPath := fs.String("json", "", "also write the rows as JSON to `FILE` (- for standard output, which then gets no table)")
	threadList := fs.String("threads", "", "comma-separated thread counts (default: 1 and GOMAXPROCS)")
	reps := fs.Int("reps", 7, "timed runs per row")
	only := fs.String("only", "all", "which rows: all, sgemm or conv")
	filter := fs.String("filter", "", "only rows whose name contains `TEXT`")
	impl := fs.String("impl", "", "force an asm implementation (one of "+strings.Join(asm.Implementations(), ", ")+")")
	var device string
	registerDevice(fs, &device)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *reps < 1 {
		return fmt.Errorf("-reps %d: need at least 1", *reps)
	}
	if *only != "all" && *only != "sgemm" && *only != "conv" {
		return fmt.Errorf("-only %q: want all, sgemm or conv", *only)
	}
	threads, err := parseThreads(*threadList)
	if err != nil {
		return err
	}
	if err := checkDeviceName(device); err != nil {
		return err
	}
	if device != "cpu" && *threadList != "" {
		return fmt.Errorf("--threads: the CPU's kernels' threads; with --device %s the rows run once, on the device", device)
	}
	dev, err := resolveDevice(device)
	if err != nil {
		return err
	}
	onDevice := dev != tensor.Host
	if onDevice {
		threads = []int{runtime.GOMAXPROCS(0)}
	}
	if *impl != "" {
		restore, err := asm.Use(*impl)
		if err != nil {
			return err
		}
		defer restore()
	}

	maxProcs := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(maxProcs)
	rep := benchReport{CPU: cpuid.CPU.BrandName, Impl: asm.Current(), GOMAXPROCS: maxProcs,
		Date: time.Now().UTC().Format(time.RFC3339), Reps: *reps}
	if onDevice {
		rep.Device = string(dev)
	}
	out := io.Writer(os.Stdout)
	if *jsonPath == "-" {
		out = io.Discard
	}
	if onDevice {
		fmt.Fprintf(out, "device %s (host CPU %s), median of %d runs, each synchronized by a read-back\n\n", dev, rep.CPU, *reps)
	} else {
		fmt.Fprintf(out, "CPU %s, asm %s, GOMAXPROCS %d, median of %d runs\n\n", rep.CPU, rep.Impl, maxProcs, *reps)
	}
	const rowFormat = "%-50s %-8s %7v %10v %10v %8v %7v\n"
	fmt.Fprintf(out, rowFormat, "row", "pass", "threads", "ms", "cpu ms", "GFLOP/s", "% peak")
	emit := func(r benchRow) {
		rep.Rows = append(rep.Rows, r)
		ms, cpu, pct := "-", "-", "-"
		if r.Ms > 0 {
			ms = fmt.Sprintf("%.3f", r.Ms)
		}
		if r.CPUMs > 0 {
			cpu = fmt.Sprintf("%.3f", r.CPUMs)
		}
		if r.PctPeak > 0 {
			pct = fmt.Sprintf("%.1f", r.PctPeak)
		}
		fmt.Fprintf(out, rowFormat, r.Name, r.Pass, r.Threads, ms, cpu, fmt.Sprintf("%.1f", r.GFLOPS), pct)
		if r.HostFallbacks > 0 {
			fmt.Fprintf(out, "  (%d copies of ops computed on the host for want of a device kernel are in this row's times)\n", r.HostFallbacks)
		}
	}
	// On a device, sync reads one value back after every run: copies to
	// the host wait for the kernels queued before them.
	var probe *tensor.Tensor
	if onDevice {
		probe = tensor.ZerosOn(dev, 1)
	}
	sync := func() {
		if probe != nil {
			probe.Item()
		}
	}
	// fallbacks counts the host-fallback copies made while f runs.
	fallbacks := func(f func() timing) (timing, int64) {
		before := tensor.Transfers().FallbackCopies
		tm := f()
		return tm, tensor.Transfers().FallbackCopies - before
	}
	peak := map[int]float64{}
	for _, t := range threads {
		if onDevice {
			break // the CPU's peak says nothing of a device's
		}
		runtime.GOMAXPROCS(t)
		// The best of several short windows: on a shared machine a single
		// long one mostly measures the neighbours.
		for range 5 {
			peak[t] = max(peak[t], asm.MeasurePeakGFLOPS(t, 100*time.Millisecond))
		}
		emit(benchRow{Kind: "peak", Name: "FMA peak", Threads: t, GFLOPS: peak[t], PctPeak: 100})
	}
	keep := func(name string) bool { return *filter == "" || strings.Contains(name, *filter) }
	if *only != "conv" {
		for _, g := range benchGemms {
			if !keep(g.Name) {
				continue
			}
			r := rand.New(rand.NewPCG(uint64(g.M), uint64(g.N)))
			a, b, c := randSlice(r, g.M*g.K), randSlice(r, g.K*g.N), make([]float32, g.M*g.N)
			flops := 2 * float64(g.M) * float64(g.N) * float64(g.K)
			if onDevice {
				// tensor.MatMul on device operands: the device's GEMM.
				da, db := tensor.New(a, g.M, g.K).To(dev), tensor.New(b, g.K, g.N).To(dev)
				tm, fb := fallbacks(func() timing {
					return timeMedian(*reps, func() { tensor.Release(tensor.MatMul(da, db)); sync() })
				})
				row := gflopsRow(benchRow{Kind: "sgemm", Name: g.Name, Threads: threads[0], Gemm: &gemmShape{g.M, g.N, g.K}}, tm, flops, 0)
				row.HostFallbacks = fb
				emit(row)
				tensor.Release(da)
				tensor.Release(db)
				continue
			}
			for _, t := range threads {
				runtime.GOMAXPROCS(t)
				tm := timeMedian(*reps, func() { asm.Sgemm(false, false, g.M, g.N, g.K, 1, a, g.K, b, g.N, 0, c, g.N) })
				emit(gflopsRow(benchRow{Kind: "sgemm", Name: g.Name, Threads: t, Gemm: &gemmShape{g.M, g.N, g.K}}, tm, flops, peak[t]))
			}
		}
	}
	if *only != "sgemm" {
		for _, cv := range benchConvs {
			if !keep(cv.Name) {
				continue
			}
			rng := tensor.NewRNG(1)
			p := cv.params()
			x := tensor.Uniform(rng, -1, 1, cv.N, cv.C, cv.H, cv.W)
			w := tensor.Uniform(rng, -1, 1, cv.O, cv.C/cv.Groups, cv.KH, cv.KW)
			y := tensor.Conv2D(x, w, p)
			gy := tensor.Uniform(rng, -1, 1, y.Shape()...)
			if onDevice { // uploaded once; the ops below run on the device
				x, w, gy = x.To(dev), w.To(dev), gy.To(dev)
			}
			base := benchRow{Kind: "conv", Name: cv.Name, Conv: &convShape{Batch: cv.N, C: cv.C, H: cv.H, W: cv.W, O: cv.O,
				KH: cv.KH, KW: cv.KW, Stride: cv.Stride, Pad: cv.Pad, Groups: cv.Groups}}
			for _, t := range threads {
				runtime.GOMAXPROCS(t)
				// Outputs are released after each run, as a training step
				// releases its dead intermediates, so the runs reuse pooled
				// storage instead of timing fresh, page-faulted memory.
				tm, fb := fallbacks(func() timing {
					return timeMedian(*reps, func() { tensor.Release(tensor.Conv2D(x, w, p)); sync() })
				})
				r := base
				r.Pass, r.Threads = "fwd", t
				r = gflopsRow(r, tm, cv.flops(), peak[t])
				r.HostFallbacks = fb
				emit(r)
				tm, fb = fallbacks(func() timing {
					return timeMedian(*reps, func() {
						tensor.Release(tensor.Conv2D(x, w, p))
						tensor.Release(tensor.Conv2DInputGrad(gy, w, p, x.Shape()))
						tensor.Release(tensor.Conv2DWeightGrad(x, gy, p, w.Shape()))
						sync()
					})
				})
				r.Pass = "fwd+bwd"
				r = gflopsRow(r, tm, 3*cv.flops(), peak[t])
				r.HostFallbacks = fb
				emit(r)
			}
			if onDevice {
				tensor.Release(x)
				tensor.Release(w)
				tensor.Release(gy)
			}
		}
	}
	if *jsonPath != "" {
		return writeBenchJSON(*jsonPath, rep)
	}
	return nil
}

// parseThreads reads a list like "1,2"; empty means 1 and GOMAXPROCS.
func parseThreads(s string) ([]int, error) {
	if s == "" {
		if p := runtime.GOMAXPROCS(0); p > 1 {
			return []int{1, p}, nil
		}
		return []int{1}, nil
	}
	var ts []int
	for _, f := range strings.Split(s, ",") {
		t, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || t < 1 {
			return nil, fmt.Errorf("-threads %q: want positive integers separated by commas", s)
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// timing is the median wall and process CPU time of a row's runs, in ms.
type timing struct{ wall, cpu float64 }

// gflopsRow fills in a row's times and rates. GFLOP/s and % peak are
// computed from the wall time.
func gflopsRow(r benchRow, tm timing, flops, peak float64) benchRow {
	r.Ms, r.CPUMs = tm.wall, tm.cpu
	r.GFLOPS = flops / tm.wall / 1e6
	if peak > 0 {
		r.PctPeak = 100 * r.GFLOPS / peak
	}
	return r
}

// timeMedian runs f twice to warm up (after a garbage collection, so that
// earlier rows' garbage is not collected inside this one's timing), then
// reps times, and returns the median wall and process CPU times. On a
// shared machine the CPU time is the steadier of the two: it does not count
// the time the scheduler gives to other processes.
func timeMedian(reps int, f func()) timing {
	runtime.GC()
	f()
	f()
	wall, cpu := make([]float64, reps), make([]float64, reps)
	for i := range reps {
		c0, ok := processCPU()
		start := time.Now()
		f()
		wall[i] = float64(time.Since(start).Nanoseconds()) / 1e6
		if c1, _ := processCPU(); ok {
			cpu[i] = float64((c1 - c0).Nanoseconds()) / 1e6
		}
	}
	return timing{median(wall), median(cpu)}
}

func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*r.Float32() - 1
	}
	return s
}

// writeBenchJSON writes the report to path (or standard output for "-"),
// through a synced temporary file renamed into place.
func writeBenchJSON(path string, rep benchReport) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if path == "-" {
		_, err := os.Stdout.Write(data)
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("-json %s: %v", path, err)
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("-json %s: %v", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("-json %s: %v", path, err)
	}
	return nil
}
