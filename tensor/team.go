package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/modeldoctor/modeldoctor/asm"
)

// The team: helper goroutines that run parallelFor's ranges.
//
// A training step of a small network is a few dozen operations of tens of
// microseconds each. Starting a goroutine per operation left the second
// core asleep most of the time: waking an idle thread takes about as long
// as the work it is woken for (LeNet-5 at two threads was no faster than
// at one). The helpers instead live as long as the program and, after a
// job, spin for a short while (teamSpin) watching for the next one before
// they park, as OpenMP's threads do; a job only wakes parked helpers.
//
// One job is published at a time (the latest); a caller always works on
// its own job until every range is claimed and waits for the claimed ones,
// so concurrent or nested parallelFor calls stay correct, only less
// parallel.

// teamJob is one parallelFor call. Its chunks are dealt out in
// contiguous segments, one per worker (the caller is worker 0, helper k is
// worker k): each worker first runs its own segment, in order, then takes
// what is left of the others'. A network's operations split their work
// along the batch in the same proportions, so each core keeps working on
// the same images from one operation to the next and finds them in its
// own cache, while the stealing still balances uneven work and a worker
// that the scheduler parks.
type teamJob struct {
	body      func(lo, hi int)
	n, chunks int
	helpers   int // how many helpers the caller wants
	segs      []segment
	done      atomic.Int64
}

// segment is one worker's share of a job's chunks, claimed with its own
// counter (on its own cache line: the workers claim concurrently).
type segment struct {
	next   atomic.Int64
	lo, hi int
	_      [40]byte
}

func newTeamJob(body func(lo, hi int), n, chunks, helpers int) *teamJob {
	j := &teamJob{body: body, n: n, chunks: chunks, helpers: helpers, segs: make([]segment, helpers+1)}
	for w := range j.segs {
		j.segs[w].lo, j.segs[w].hi = w*chunks/(helpers+1), (w+1)*chunks/(helpers+1)
	}
	return j
}

// run claims and runs ranges, starting with worker w's segment, until
// none is left.
func (j *teamJob) run(w int) {
	for k := range j.segs {
		s := &j.segs[(w+k)%len(j.segs)]
		for {
			c := s.lo + int(s.next.Add(1)-1)
			if c >= s.hi {
				break
			}
			j.body(c*j.n/j.chunks, (c+1)*j.n/j.chunks)
			j.done.Add(1)
		}
	}
}

var team struct {
	current    atomic.Pointer[teamJob]
	generation atomic.Uint64 // bumped when a job is published
	sleeping   atomic.Int32  // helpers parked (or about to)
	mu         sync.Mutex    // guards started; the cond's lock
	wake       *sync.Cond
	started    int
}

// teamSpin is how many polls a helper makes for the next job before it
// parks: about 0.4 ms here (20,000 polls, 0.1 ms, left LeNet-5's two-thread
// step 10% slower: some serial stretches of a step are longer than that).
const teamSpin = 200000

func init() {
	team.wake = sync.NewCond(&team.mu)
	// Threaded GEMMs run their regions on the team too (region i on
	// worker i), instead of starting and waking a goroutine per region:
	// a 64×120×400 product on two threads took 59–61 µs that way, 35–38
	// µs on the team.
	asm.SetRunner(func(n int, f func(i int)) {
		runTeam(newTeamJob(func(lo, hi int) {
			for i := lo; i < hi; i++ {
				f(i)
			}
		}, n, n, min(n, runtime.GOMAXPROCS(0))-1))
	})
}

// runTeam publishes j, works on it and returns when all of it is done.
func runTeam(j *teamJob) {
	team.mu.Lock()
	for team.started < j.helpers {
		team.started++
		go helper(team.started)
	}
	team.mu.Unlock()
	team.current.Store(j)
	team.generation.Add(1)
	if team.sleeping.Load() > 0 {
		team.mu.Lock()
		team.wake.Broadcast()
		team.mu.Unlock()
	}
	j.run(0)
	for spins := 0; j.done.Load() < int64(j.chunks); spins++ {
		if spins%64 == 63 {
			runtime.Gosched()
		}
	}
}

// helper number id (1-based) runs the ranges of published jobs that want
// at least id helpers.
func helper(id int) {
	var seen uint64
	for {
		spins := 0
		for team.generation.Load() == seen {
			if spins++; spins < teamSpin {
				if spins%64 == 0 {
					runtime.Gosched()
				}
				continue
			}
			team.mu.Lock()
			team.sleeping.Add(1)
			for team.generation.Load() == seen {
				team.wake.Wait()
			}
			team.sleeping.Add(-1)
			team.mu.Unlock()
		}
		seen = team.generation.Load()
		if j := team.current.Load(); j != nil && j.helpers >= id {
			j.run(id)
		}
	}
}
