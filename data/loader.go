package data

import (
	"fmt"
	"iter"
	"sync"
)

// Batch is a mini-batch: X holds N images of C×H×W (after the transform),
// Labels and Indices (positions in the Dataset) one per image. Epoch and
// Index say which batch of which epoch it is, for checkpoints.
type Batch struct {
	X            []float32
	N, C, H, W   int
	Labels       []int
	Indices      []int
	Epoch, Index int
}

// LoaderOptions configures a Loader. The zero value is a sequential,
// unshuffled, synchronous loader with batches of 1.
type LoaderOptions struct {
	BatchSize int    // samples per batch; <= 0 means 1
	Shuffle   bool   // permute the samples each epoch
	Seed      uint64 // seeds the shuffle and the transforms
	DropLast  bool   // drop a final batch smaller than BatchSize
	Transform Transform
	// Workers is the number of goroutines building batches ahead of the
	// consumer; 0 builds each batch in the consumer's goroutine. Results
	// are identical for every value.
	Workers int
	// Prefetch bounds how many batches may be built ahead; <= 0 means
	// 2*Workers.
	Prefetch int
}

// Loader turns a Dataset into batches. Everything it yields is a pure
// function of (options, epoch, batch index): the order of epoch e comes
// from DeriveSeed(Seed, shuffleStream, e) and the transform of sample i in
// epoch e draws from its own DeriveSeed(Seed, transformStream, e, i). So a
// run resumed at (e, k) sees exactly the batches it would have seen, and
// worker scheduling cannot change a single value.
//
// A Loader is safe for concurrent use; it does not modify the Dataset.
type Loader struct {
	ds   *Dataset
	opts LoaderOptions
}

// Stream tags keep the package's generators (shuffle, transforms,
// train/validation splits, limits) independent of each other for one seed.
const (
	shuffleStream         = 1
	transformStream       = 2
	splitStream           = 3
	limitStream           = 4
	stratifiedSplitStream = 5
)

// NewLoader returns a loader over ds. It panics on an invalid Dataset
// (loaders in this package return only valid ones).
func NewLoader(ds *Dataset, opts LoaderOptions) *Loader {
	if err := ds.Validate(); err != nil {
		panic(err)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1
	}
	if opts.Workers < 0 {
		opts.Workers = 0
	}
	if opts.Prefetch <= 0 {
		opts.Prefetch = 2 * opts.Workers
	}
	return &Loader{ds: ds, opts: opts}
}

// NumBatches is the number of batches per epoch.
func (l *Loader) NumBatches() int {
	n, b := l.ds.N, l.opts.BatchSize
	if l.opts.DropLast {
		return n / b
	}
	return (n + b - 1) / b
}

// Order returns the sample order of epoch e: the identity without Shuffle,
// otherwise a permutation that depends only on (Seed, e).
func (l *Loader) Order(e int) []int {
	if !l.opts.Shuffle {
		p := make([]int, l.ds.N)
		for i := range p {
			p[i] = i
		}
		return p
	}
	return NewRand(DeriveSeed(l.opts.Seed, shuffleStream, uint64(e))).Perm(l.ds.N)
}

// Batch builds batch k of epoch e directly (what Epoch yields at k).
func (l *Loader) Batch(e, k int) Batch { return l.build(l.Order(e), e, k) }

// Epoch iterates over the batches of epoch e. Breaking out of the loop
// stops the workers; none is left running once the loop has ended.
func (l *Loader) Epoch(e int) iter.Seq[Batch] { return l.EpochFrom(e, 0) }

// EpochFrom iterates over batches k, k+1, ... of epoch e: resuming a run
// mid-epoch yields exactly the tail of the full epoch.
func (l *Loader) EpochFrom(e, k int) iter.Seq[Batch] {
	return func(yield func(Batch) bool) {
		order := l.Order(e)
		nb := l.NumBatches()
		if l.opts.Workers == 0 {
			for b := max(k, 0); b < nb; b++ {
				if !yield(l.build(order, e, b)) {
					return
				}
			}
			return
		}
		l.parallel(order, e, max(k, 0), nb, yield)
	}
}

// parallel builds batches start..nb-1 on Workers goroutines and yields them
// in order. Each job carries its own 1-slot result channel; the dispatcher
// queues those channels in batch order (at most Prefetch ahead), so the
// consumer just drains the queue.
func (l *Loader) parallel(order []int, e, start, nb int, yield func(Batch) bool) {
	// A worker's panic (e.g. a misconfigured transform) is carried to the
	// consumer and re-raised there, where the caller can see or recover it.
	type result struct {
		b     Batch
		panic any
	}
	type job struct {
		k   int
		out chan result
	}
	done := make(chan struct{})
	jobs := make(chan job)
	queue := make(chan chan result, l.opts.Prefetch)
	var wg sync.WaitGroup
	defer func() {
		close(done)
		wg.Wait()
	}()

	wg.Add(1)
	go func() { // dispatcher
		defer wg.Done()
		defer close(jobs)
		defer close(queue)
		for k := start; k < nb; k++ {
			out := make(chan result, 1)
			select {
			case queue <- out:
			case <-done:
				return
			}
			select {
			case jobs <- job{k, out}:
			case <-done:
				return
			}
		}
	}()
	for range l.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				func() {
					defer func() {
						if p := recover(); p != nil {
							j.out <- result{panic: p}
						}
					}()
					j.out <- result{b: l.build(order, e, j.k)} // buffered: never blocks
				}()
			}
		}()
	}
	for out := range queue {
		r := <-out
		if r.panic != nil {
			panic(r.panic)
		}
		if !yield(r.b) {
			return
		}
	}
}

// build assembles batch k of epoch e from the epoch's order. Images are
// converted to float32 here, one at a time, so a data set stored as bytes
// never exists as float32 beyond the batch.
func (l *Loader) build(order []int, e, k int) Batch {
	bs := l.opts.BatchSize
	idx := order[k*bs : min((k+1)*bs, len(order))]
	b := Batch{N: len(idx), Labels: make([]int, len(idx)), Indices: append([]int(nil), idx...), Epoch: e, Index: k}
	ds := l.ds
	if l.opts.Transform == nil {
		sz := ds.ImageSize()
		b.C, b.H, b.W = ds.C, ds.H, ds.W
		b.X = make([]float32, len(idx)*sz)
		for j, i := range idx {
			ds.CopyImage(b.X[j*sz:], i)
			b.Labels[j] = ds.Labels[i]
		}
		return b
	}
	// Transforms must not keep or write their input, so one scratch image
	// serves the whole batch.
	scratch := make([]float32, ds.ImageSize())
	for j, i := range idx {
		ds.CopyImage(scratch, i)
		rng := NewRand(DeriveSeed(l.opts.Seed, transformStream, uint64(e), uint64(i)))
		x := l.opts.Transform.Apply(CHW{Pix: scratch, C: ds.C, H: ds.H, W: ds.W}, rng)
		if len(x.Pix) != x.C*x.H*x.W {
			panic(fmt.Sprintf("data: Loader: transform gave sample %d %d values for shape %d×%d×%d", i, len(x.Pix), x.C, x.H, x.W))
		}
		if j == 0 {
			b.C, b.H, b.W = x.C, x.H, x.W
			b.X = make([]float32, len(idx)*len(x.Pix))
		} else if x.C != b.C || x.H != b.H || x.W != b.W {
			panic(fmt.Sprintf("data: Loader: transform gave sample %d shape %d×%d×%d but sample %d %d×%d×%d; a batch needs one shape",
				i, x.C, x.H, x.W, idx[0], b.C, b.H, b.W))
		}
		copy(b.X[j*len(x.Pix):], x.Pix)
		b.Labels[j] = ds.Labels[i]
	}
	return b
}
