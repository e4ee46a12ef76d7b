package cuda

import (
	"errors"
	"testing"
)

// fakeBacking hands out increasing addresses up to a byte limit.
type fakeBacking struct {
	next, used, limit int
	live              map[DevPtr]int
	allocs, frees     int
}

func newFakeBacking(limit int) *fakeBacking {
	return &fakeBacking{next: 1 << 20, limit: limit, live: map[DevPtr]int{}}
}

var errFakeOOM = errors.New("fake: out of memory")

func (f *fakeBacking) Alloc(n int) (DevPtr, error) {
	if f.used+n > f.limit {
		return 0, errFakeOOM
	}
	p := DevPtr(f.next)
	f.next += n
	f.used += n
	f.live[p] = n
	f.allocs++
	return p, nil
}

func (f *fakeBacking) Free(p DevPtr) error {
	n, ok := f.live[p]
	if !ok {
		return errors.New("fake: free of unknown block")
	}
	delete(f.live, p)
	f.used -= n
	f.frees++
	return nil
}

func TestSizeClass(t *testing.T) {
	prev := 0
	for n := 1; n < 1<<22; n += 1 + n/7 {
		c := SizeClass(n)
		if c < n || c < minClass {
			t.Fatalf("SizeClass(%d) = %d, too small", n, c)
		}
		if n > minClass && float64(c) > 1.25*float64(n) {
			t.Fatalf("SizeClass(%d) = %d wastes more than a fifth of the block", n, c)
		}
		if c < prev {
			t.Fatalf("SizeClass(%d) = %d < SizeClass of a smaller size (%d)", n, c, prev)
		}
		if SizeClass(c) != c {
			t.Fatalf("SizeClass(%d) = %d is not its own class", c, SizeClass(c))
		}
		prev = c
	}
	for n, want := range map[int]int{1: 512, 512: 512, 513: 640, 1000: 1024, 1025: 1280, 3 << 20: 3 << 20} {
		if got := SizeClass(n); got != want {
			t.Errorf("SizeClass(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestCacheReusesFreedBlocks(t *testing.T) {
	back := newFakeBacking(1 << 30)
	c := NewCache(back)
	a, err := c.Alloc(1000)
	if err != nil {
		t.Fatal(err)
	}
	if a.Bytes != 1000 || a.Class != 1024 {
		t.Fatalf("buffer %+v", a)
	}
	if err := c.Free(a); err != nil {
		t.Fatal(err)
	}
	b, _ := c.Alloc(900) // same class
	if b.Ptr != a.Ptr {
		t.Fatal("a freed block of the same class was not reused")
	}
	d, _ := c.Alloc(5000) // another class: fresh block
	if d.Ptr == a.Ptr {
		t.Fatal("a live block was handed out twice")
	}
	s := c.Stats()
	if s.Allocs != 3 || s.Hits != 1 || s.BackingAllocs != 2 || s.InUse != 1024+SizeClass(5000) || s.Cached != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestCacheRefusesBadFrees(t *testing.T) {
	c := NewCache(newFakeBacking(1 << 30))
	a, _ := c.Alloc(64)
	if err := c.Free(a); err != nil {
		t.Fatal(err)
	}
	if err := c.Free(a); err == nil {
		t.Fatal("double free accepted")
	}
	if err := c.Free(Buffer{Ptr: 12345, Bytes: 4, Class: 512}); err == nil {
		t.Fatal("free of a foreign block accepted")
	}
	if s := c.Stats(); s.Cached != 512 || s.InUse != 0 {
		t.Fatalf("bad frees changed the books: %+v", s)
	}
}

func TestCacheTrimsAndRetriesWhenBackingIsFull(t *testing.T) {
	back := newFakeBacking(4096)
	c := NewCache(back)
	a, _ := c.Alloc(2048)
	b, _ := c.Alloc(2048)
	c.Free(a)
	c.Free(b)
	// 3000 bytes is another class; the backing is full of cached blocks.
	d, err := c.Alloc(3000)
	if err != nil {
		t.Fatalf("alloc after trim: %v", err)
	}
	if back.frees != 2 || c.Stats().RetriesAfterOOM != 1 || c.Stats().Cached != 0 {
		t.Fatalf("backing frees %d, stats %+v", back.frees, c.Stats())
	}
	if _, err := c.Alloc(4096); !errors.Is(err, errFakeOOM) {
		t.Fatalf("err = %v, want the backing's out-of-memory", err)
	}
	c.Free(d)
	if err := c.Trim(); err != nil || back.used != 0 || len(back.live) != 0 {
		t.Fatalf("Trim left %d bytes in the backing (err %v)", back.used, err)
	}
}

func TestCacheRefusesEmptyAlloc(t *testing.T) {
	if _, err := NewCache(newFakeBacking(1024)).Alloc(0); err == nil {
		t.Fatal("zero-byte allocation accepted")
	}
}
