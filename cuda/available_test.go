package cuda

import (
	"strings"
	"testing"
)

func TestLoadDriverNamesMissingLibrary(t *testing.T) {
	_, err := loadDriver("libcuda-not-here.so.1")
	if err == nil {
		t.Fatal("a missing library loaded")
	}
	if !strings.HasPrefix(err.Error(), "cuda: ") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %q: want one line starting with cuda:", err)
	}
}

// TestAvailableSaysWhy: on a machine without a driver, Available is false
// with a one-line reason, and the other entry points fail the same way
// instead of panicking.
func TestAvailableSaysWhy(t *testing.T) {
	ok, why := Available()
	t.Logf("Available() = %v, %q", ok, why)
	if why == "" || strings.Contains(why, "\n") {
		t.Fatalf("reason %q: want one non-empty line", why)
	}
	if ok {
		return
	}
	if _, err := Open(0); err == nil {
		t.Fatal("Open(0) without a usable driver succeeded")
	}
	if _, err := GetDevice(0); err == nil {
		t.Fatal("GetDevice without a driver succeeded")
	}
}
