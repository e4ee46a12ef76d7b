package ptx

import (
	"fmt"
	"strings"
	"testing"
)

// panics runs f and returns its panic message, "" if it did not panic.
func panics(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestFreeLenLive(t *testing.T) {
	var m Memory
	a, b := m.AllocF32([]float32{1, 2, 3}), m.Alloc(0)
	if m.Live() != 2 || m.Len(a) != 3 || m.Len(b) != 0 {
		t.Fatalf("Live %d, Len %d and %d, want 2, 3 and 0", m.Live(), m.Len(a), m.Len(b))
	}
	m.Free(a)
	if m.Live() != 1 {
		t.Fatalf("Live = %d after a Free, want 1", m.Live())
	}
	// The slot is not reused: a new buffer gets a new address.
	if c := m.Alloc(3); c == a {
		t.Fatalf("Alloc after Free returned the freed address %#x", uint64(a))
	}
	for name, f := range map[string]func(){
		"ReadF32":     func() { m.ReadF32(a) },
		"ReadF32Into": func() { m.ReadF32Into(make([]float32, 1), a) },
		"WriteF32":    func() { m.WriteF32(a, []float32{1}) },
		"Len":         func() { m.Len(a) },
		"Free":        func() { m.Free(a) },
	} {
		if msg := panics(f); !strings.Contains(msg, "freed buffer") {
			t.Errorf("%s on a freed buffer: panic %q, want one naming a freed buffer", name, msg)
		}
	}
	if m.Live() != 2 {
		t.Fatalf("Live = %d, want 2 (a second Free must not count)", m.Live())
	}
}

func TestFreeNotABuffer(t *testing.T) {
	var m Memory
	p := m.Alloc(4)
	for _, q := range []Ptr{0, p + 4, p + 1<<ptrShift} {
		if msg := panics(func() { m.Free(q) }); !strings.Contains(msg, "not the start of a buffer") {
			t.Errorf("Free(%#x): panic %q, want not the start of a buffer", uint64(q), msg)
		}
	}
}

func TestRunCatchesUseAfterFree(t *testing.T) {
	var m Memory
	in := m.AllocF32(make([]float32, 8))
	out := m.Alloc(8)
	m.Free(in)
	err := reverseKernel(true).Run(&m, D1(1), D1(8), out, in)
	if err == nil || !strings.Contains(err.Error(), "freed buffer") {
		t.Fatalf("err = %v, want a load from a freed buffer", err)
	}
	in = m.AllocF32(make([]float32, 8))
	m.Free(out)
	err = reverseKernel(true).Run(&m, D1(1), D1(8), out, in)
	if err == nil || !strings.Contains(err.Error(), "freed buffer") {
		t.Fatalf("err = %v, want a store to a freed buffer", err)
	}
}

func TestPrefixReadWrite(t *testing.T) {
	var m Memory
	p := m.AllocF32([]float32{1, 2, 3, 4})
	m.WriteF32(p, []float32{9, 8})
	got := make([]float32, 3)
	m.ReadF32Into(got, p)
	if fmt.Sprint(got) != "[9 8 3]" {
		t.Fatalf("prefix round trip = %v, want [9 8 3]", got)
	}
	if msg := panics(func() { m.WriteF32(p, make([]float32, 5)) }); !strings.Contains(msg, "WriteF32 of 5 words") {
		t.Errorf("WriteF32 past the end: panic %q", msg)
	}
	if msg := panics(func() { m.ReadF32Into(make([]float32, 5), p) }); !strings.Contains(msg, "ReadF32Into of 5 words") {
		t.Errorf("ReadF32Into past the end: panic %q", msg)
	}
}
