//go:build linux

package cuda

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

func openFake(t *testing.T) (*fakeDriver, *Context) {
	t.Helper()
	f := newFakeDriver()
	c, err := open(f.api, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

// TestContextCallsRunOnOneThread hammers a context from many goroutines:
// every driver call must still come from the context's one OS thread.
func TestContextCallsRunOnOneThread(t *testing.T) {
	f, c := openFake(t)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				b, err := c.Alloc(256)
				if err != nil {
					t.Error(err)
					return
				}
				c.Synchronize()
				c.Free(b)
			}
		}()
	}
	wg.Wait()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if len(f.threads) != 1 {
		t.Fatalf("driver called from %d OS threads, want 1", len(f.threads))
	}
	if err := c.Synchronize(); !errors.Is(err, errClosed) {
		t.Fatalf("call after Close: %v", err)
	}
}

func TestCopiesRoundTrip(t *testing.T) {
	_, c := openFake(t)
	defer c.Close()
	b, _ := c.Alloc(16)
	if err := c.CopyToDevice(b, []float32{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, 4)
	if err := c.CopyFromDevice(got, b); err != nil {
		t.Fatal(err)
	}
	if got[0] != 1 || got[3] != 4 {
		t.Fatalf("round trip gave %v", got)
	}
	c.Memset32(b, 0x3f800000, 2) // 1.0f
	c.CopyFromDevice(got, b)
	if got[1] != 1 || got[2] != 3 {
		t.Fatalf("memset gave %v", got)
	}
	if err := c.CopyToDevice(b, make([]float32, 5)); err == nil {
		t.Fatal("copy past the buffer accepted")
	}
}

func TestDriverErrorsNameCallAndResult(t *testing.T) {
	_, c := openFake(t)
	defer c.Close()
	_, err := c.Alloc(2 << 20) // the fake refuses more than 1 MiB
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error", err)
	}
	want := "cuda: cuMemAlloc_v2(2097152 bytes) failed: out of memory (CUDA_ERROR_OUT_OF_MEMORY = 2)"
	if err.Error() != want {
		t.Fatalf("err = %q\nwant %q", err, want)
	}
	if got := c.api.check("cuFoo", 999).Error(); !strings.Contains(got, "cuFoo") || !strings.Contains(got, "999") {
		t.Fatalf("unknown result: %q", got)
	}
}

func TestLoadPTXReturnsJITLog(t *testing.T) {
	f, c := openFake(t)
	defer c.Close()
	if _, err := c.LoadPTX(".version 7.0\nBROKEN"); err == nil || !strings.Contains(err.Error(), "line 3; error : BROKEN here") ||
		!strings.Contains(err.Error(), "CUDA_ERROR_INVALID_PTX") {
		t.Fatalf("err = %v, want the JIT error log", err)
	}
	if _, err := c.LoadPTX(".version 7.0\n"); err != nil || f.ptx != ".version 7.0\n" {
		t.Fatalf("load: %v; driver saw %q", err, f.ptx)
	}
}

// TestLaunchPacksParameters checks the parameter block as the driver reads
// it: one pointer per parameter, to 8-byte pointers and 4-byte scalars.
func TestLaunchPacksParameters(t *testing.T) {
	f, c := openFake(t)
	defer c.Close()
	b := ptx.New("k")
	b.ParamPtr("p")
	b.ParamU32("n")
	b.ParamF32("a")
	fn, _, err := c.LoadKernel(b.Build())
	if err != nil {
		t.Fatal(err)
	}
	buf, _ := c.Alloc(64)
	f.kinds = []int{8, 4, 4}
	if err := fn.Launch(ptx.D1(2), ptx.D1(32), 0, nil, buf, uint32(7), float32(-2.5)); err != nil {
		t.Fatal(err)
	}
	got := f.launches[0]
	if DevPtr(got[0]) != buf.Ptr || got[1] != 7 || got[2] != f32bits(-2.5) {
		t.Fatalf("driver read %#x, want [%#x 7 %#x]", got, buf.Ptr, f32bits(-2.5))
	}
	if err := fn.Launch(ptx.D1(1), ptx.D1(1), 0, nil, uint32(1), uint32(7), float32(1)); err == nil {
		t.Fatal("a u32 accepted for a pointer parameter")
	}
	if err := fn.Launch(ptx.D1(1), ptx.D1(1), 0, nil, buf); err == nil {
		t.Fatal("missing arguments accepted")
	}
}
