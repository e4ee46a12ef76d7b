package cuda

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// gpuEnv opts the tests into the real driver: with it set to 1 and a
// driver present, the GPU tests launch every kernel on device 0.
const gpuEnv = "MODELDOCTOR_CUDA"

var gpu struct {
	once sync.Once
	ctx  *Context
	err  error
	mu   sync.Mutex
	rows [][4]string // kernel, shape, check, time
}

// gpuContext returns the shared context, or skips the test when the GPU
// was not asked for. Asked for but unavailable is a failure.
func gpuContext(t *testing.T) *Context {
	t.Helper()
	if os.Getenv(gpuEnv) != "1" {
		t.Skipf("GPU part skipped: set %s=1 on a machine with an NVIDIA driver (see gpucheck.sh)", gpuEnv)
	}
	gpu.once.Do(func() {
		if ok, why := Available(); !ok {
			gpu.err = fmt.Errorf("%s=1 but CUDA is unavailable: %s", gpuEnv, why)
			return
		}
		gpu.ctx, gpu.err = Open(0)
	})
	if gpu.err != nil {
		t.Fatal(gpu.err)
	}
	return gpu.ctx
}

// report adds a row to the table TestMain prints.
func report(kernel, shape, check, timing string) {
	gpu.mu.Lock()
	gpu.rows = append(gpu.rows, [4]string{kernel, shape, check, timing})
	gpu.mu.Unlock()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if gpu.ctx != nil {
		printTable()
		if err := gpu.ctx.Close(); err != nil {
			fmt.Println(err)
		}
	}
	os.Exit(code)
}

func printTable() {
	dev := gpu.ctx.Device()
	name, _ := dev.Name()
	major, minor, _ := dev.ComputeCapability()
	mem, _ := dev.TotalMem()
	ver, _ := DriverVersion()
	fmt.Printf("\nGPU check: %s, sm_%d%d, %.1f GiB, driver API %d.%d\n", name, major, minor,
		float64(mem)/(1<<30), ver/1000, ver%1000/10)
	w := [4]int{6, 5, 5, 4}
	head := [4]string{"kernel", "shape", "check", "time"}
	for _, r := range append([][4]string{head}, gpu.rows...) {
		for i, c := range r {
			w[i] = max(w[i], len(c))
		}
	}
	line := func(r [4]string) {
		fmt.Printf("| %-*s | %-*s | %-*s | %-*s |\n", w[0], r[0], w[1], r[1], w[2], r[2], w[3], r[3])
	}
	line(head)
	fmt.Printf("|%s|%s|%s|%s|\n", strings.Repeat("-", w[0]+2), strings.Repeat("-", w[1]+2),
		strings.Repeat("-", w[2]+2), strings.Repeat("-", w[3]+2))
	for _, r := range gpu.rows {
		line(r)
	}
}
