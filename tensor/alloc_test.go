package tensor

import "testing"

func TestSizeClasses(t *testing.T) {
	prev := 0
	for n := poolMinLen; n < 1<<22; n += 1 + n/7 {
		c, size := sizeClass(n)
		if size < n || size > n+n/classesPerOctave+1 {
			t.Fatalf("n=%d: class size %d", n, size)
		}
		if c2, s2 := sizeClass(size); c2 != c || s2 != size {
			t.Fatalf("n=%d: its class size %d maps to class %d size %d, want %d %d", n, size, c2, s2, c, size)
		}
		if c < prev || c >= maxClasses {
			t.Fatalf("n=%d: class %d after %d", n, c, prev)
		}
		prev = c
	}
}

func TestReleaseRecyclesAndEmpties(t *testing.T) {
	a := Zeros(3000)
	if !a.Recyclable() {
		t.Fatal("a fresh large tensor is not recyclable")
	}
	before := Stats()
	if !Release(a) {
		t.Fatal("Release did not recycle")
	}
	if a.Data() != nil || !a.Released() {
		t.Fatal("a released tensor still has data")
	}
	mustPanic(t, "use after release", func() { _ = a.At(0) }, "")
	b := Full(7, 2999) // same class
	after := Stats()
	if after.Hits != before.Hits+1 {
		t.Errorf("the next allocation of the class missed the free list (hits %d → %d)", before.Hits, after.Hits)
	}
	for i, v := range b.data {
		if v != 7 {
			t.Fatalf("element %d is %v", i, v)
		}
	}
	// Zeros on a recycled buffer is zero again.
	Release(b)
	z := Zeros(3000)
	for i, v := range z.data {
		if v != 0 {
			t.Fatalf("recycled Zeros: element %d is %v", i, v)
		}
	}
}

func TestReleaseSparesWhatEscaped(t *testing.T) {
	// A slice handed out by Data, a view's Data, a pinned tensor, a tensor
	// wrapping a caller's slice, a small tensor: none is recycled.
	a := Zeros(4096)
	_ = a.Data()
	b := Zeros(4096)
	_ = b.Reshape(64, 64).Data()
	c := Zeros(4096)
	c.Pin()
	d := New(make([]float32, 4096), 4096)
	e := Zeros(10)
	for name, x := range map[string]*Tensor{"Data": a, "view's Data": b, "Pin": c, "New": d, "small": e} {
		if x.Recyclable() {
			t.Errorf("%s: recyclable", name)
		}
		if Release(x) {
			t.Errorf("%s: recycled", name)
		}
	}
	// A view shares the storage: releasing it recycles it once for both.
	f := Zeros(4096)
	v := f.Reshape(4, 1024)
	if !Release(v) || Release(f) || !f.Released() {
		t.Error("storage shared by a view was not recycled exactly once")
	}
}

func TestPoolLimit(t *testing.T) {
	old := SetPoolLimit(0)
	defer SetPoolLimit(old)
	a := Zeros(5000)
	before := Stats()
	if Release(a) != true {
		t.Fatal("Release reported no recycling")
	}
	if Stats().Dropped != before.Dropped+1 || Stats().HeldBytes != 0 {
		t.Error("a buffer beyond the limit was kept")
	}
}

func TestTrimPool(t *testing.T) {
	a := Zeros(5000)
	if !Release(a) || Stats().HeldBytes == 0 {
		t.Fatal("a released buffer was not kept")
	}
	limit := SetPoolLimit(1 << 30)
	SetPoolLimit(limit)
	TrimPool()
	if Stats().HeldBytes != 0 {
		t.Errorf("TrimPool left %d bytes in the free lists", Stats().HeldBytes)
	}
	if got := SetPoolLimit(limit); got != limit {
		t.Errorf("TrimPool changed the cap to %d, want %d", got, limit)
	}
	b := Zeros(5000)
	if !Release(b) || Stats().HeldBytes == 0 {
		t.Error("after TrimPool the free lists no longer keep buffers")
	}
}
