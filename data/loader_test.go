package data

import (
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// augment is a random pipeline that changes shape, so the test covers
// transforms in workers.
var augment = Compose{RandomCrop{H: 4, W: 4, Padding: 1}, RandomHorizontalFlip{P: 0.5}, Resize{6, 6}}

func collect(l *Loader, e, k int) []Batch {
	var out []Batch
	for b := range l.EpochFrom(e, k) {
		out = append(out, b)
	}
	return out
}

func TestLoaderDeterministicAcrossWorkers(t *testing.T) {
	ds := tinyDataset(23, 2, 5, 5, 3)
	opts := LoaderOptions{BatchSize: 4, Shuffle: true, Seed: 11, Transform: augment}
	ref := collect(NewLoader(ds, opts), 3, 0)
	if len(ref) != 6 || ref[5].N != 3 || ref[0].C != 2 || ref[0].H != 6 || len(ref[0].X) != 4*2*6*6 {
		t.Fatalf("got %d batches, last N=%d, shape %d×%d×%d", len(ref), ref[len(ref)-1].N, ref[0].C, ref[0].H, ref[0].W)
	}
	for _, w := range []int{1, 2, 5} {
		o := opts
		o.Workers = w
		if got := collect(NewLoader(ds, o), 3, 0); !reflect.DeepEqual(got, ref) {
			t.Errorf("Workers=%d gives different batches", w)
		}
	}
	if got := collect(NewLoader(ds, opts), 3, 0); !reflect.DeepEqual(got, ref) {
		t.Error("same seed, different batches")
	}
	o := opts
	o.Seed = 12
	if got := collect(NewLoader(ds, o), 3, 0); reflect.DeepEqual(got[0].Indices, ref[0].Indices) {
		t.Error("another seed gives the same order")
	}
	if got := collect(NewLoader(ds, opts), 4, 0); reflect.DeepEqual(got[0].Indices, ref[0].Indices) {
		t.Error("another epoch gives the same order")
	}
}

func TestLoaderResume(t *testing.T) {
	ds := tinyDataset(30, 1, 3, 3, 5)
	for _, w := range []int{0, 3} {
		l := NewLoader(ds, LoaderOptions{BatchSize: 7, Shuffle: true, Seed: 5, Transform: augment, Workers: w, DropLast: true})
		if l.NumBatches() != 4 {
			t.Fatalf("NumBatches = %d, want 4", l.NumBatches())
		}
		full := collect(l, 2, 0)
		for k := range 6 {
			tail := collect(l, 2, k)
			want := full[min(k, len(full)):]
			if len(tail) != len(want) || (len(want) > 0 && !reflect.DeepEqual(tail, want)) {
				t.Errorf("Workers=%d: resume at %d differs from the tail of the epoch", w, k)
			}
		}
		if !reflect.DeepEqual(l.Batch(2, 1), full[1]) {
			t.Error("Batch(e, k) differs from the iterator's batch k")
		}
	}
}

func TestLoaderCoversEpoch(t *testing.T) {
	ds := tinyDataset(10, 1, 2, 2, 3)
	l := NewLoader(ds, LoaderOptions{BatchSize: 3, Shuffle: true, Seed: 1, Workers: 2})
	var idx []int
	for b := range l.Epoch(0) {
		idx = append(idx, b.Indices...)
		for j, i := range b.Indices {
			if b.Labels[j] != ds.Labels[i] || !slices.Equal(b.X[j*4:(j+1)*4], ds.Image(i)) {
				t.Fatalf("batch %d sample %d does not match dataset sample %d", b.Index, j, i)
			}
		}
	}
	slices.Sort(idx)
	if !slices.Equal(idx, NewLoader(ds, LoaderOptions{}).Order(0)) {
		t.Errorf("epoch visits %v", idx)
	}
	if ord := NewLoader(ds, LoaderOptions{}).Order(7); ord[0] != 0 || ord[9] != 9 {
		t.Errorf("unshuffled order %v", ord)
	}
}

// Breaking out of the loop must stop every worker.
func TestLoaderBreakStopsWorkers(t *testing.T) {
	ds := tinyDataset(200, 1, 4, 4, 2)
	l := NewLoader(ds, LoaderOptions{BatchSize: 2, Shuffle: true, Workers: 4, Transform: augment})
	before := runtime.NumGoroutine()
	for b := range l.Epoch(0) {
		if b.Index == 2 {
			break
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after break, %d before", n, before)
	}
}

// A transform's panic in a worker reaches the consumer's goroutine.
func TestLoaderWorkerPanic(t *testing.T) {
	ds := tinyDataset(8, 1, 2, 2, 2)
	// Samples from 3 on come back with a wrong length (pixel 0 is i/1000).
	bad := TransformFunc(func(x CHW, _ *Rand) CHW {
		if x.Pix[0] > 0.0025 {
			return CHW{Pix: x.Pix, C: 1, H: 1, W: 1}
		}
		return x
	})
	l := NewLoader(ds, LoaderOptions{BatchSize: 2, Workers: 2, Transform: bad})
	got := 0
	func() {
		defer func() {
			p := recover()
			if s, _ := p.(string); !strings.Contains(s, "sample 3") {
				t.Errorf("recovered %v", p)
			}
		}()
		for range l.Epoch(0) {
			got++
		}
	}()
	if got != 1 {
		t.Errorf("%d batches before the panic, want 1", got)
	}
}
