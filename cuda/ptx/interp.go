package ptx

import (
	"fmt"
	"math"
)

// Dim3 is a grid or block size.
type Dim3 struct{ X, Y, Z uint32 }

// D1 is a one-dimensional size.
func D1(x uint32) Dim3 { return Dim3{x, 1, 1} }

func (d Dim3) count() int {
	return int(max(d.X, 1)) * int(max(d.Y, 1)) * int(max(d.Z, 1))
}

// maxSteps bounds the instructions one thread may run, so that a kernel
// whose loop never ends fails its test instead of hanging it.
var maxSteps uint64 = 1 << 32

// sharedGuard is the gap the interpreter leaves between shared arrays, so
// that running off the end of one array is an error rather than a quiet
// read of the next.
const sharedGuard = 64

// Run interprets the kernel over grid×block threads on mem. args follow
// Params: a Ptr for each pointer, a uint32 for u32, a float32 for f32.
// Blocks run one after another; the error names the first fault.
func (k *Kernel) Run(mem *Memory, grid, block Dim3, args ...any) error {
	vals, err := k.argBits(args)
	if err != nil {
		return err
	}
	l := &launch{k: k, mem: mem, grid: norm(grid), block: norm(block), args: vals,
		gwriter: map[uint64]int{}}
	l.layoutShared()
	for bz := uint32(0); bz < l.grid.Z; bz++ {
		for by := uint32(0); by < l.grid.Y; by++ {
			for bx := uint32(0); bx < l.grid.X; bx++ {
				if err := l.runBlock(Dim3{bx, by, bz}); err != nil {
					return fmt.Errorf("ptx: %s block (%d,%d,%d): %w", k.name, bx, by, bz, err)
				}
			}
		}
	}
	return nil
}

func norm(d Dim3) Dim3 { return Dim3{max(d.X, 1), max(d.Y, 1), max(d.Z, 1)} }

func (k *Kernel) argBits(args []any) ([]uint64, error) {
	if len(args) != len(k.params) {
		return nil, fmt.Errorf("ptx: %s takes %d arguments, got %d", k.name, len(k.params), len(args))
	}
	vals := make([]uint64, len(args))
	for i, a := range args {
		p := k.params[i]
		switch v := a.(type) {
		case Ptr:
			if p.Kind == ParamPtr {
				vals[i] = uint64(v)
				continue
			}
		case uint32:
			if p.Kind == ParamU32 {
				vals[i] = uint64(v)
				continue
			}
		case float32:
			if p.Kind == ParamF32 {
				vals[i] = uint64(math.Float32bits(v))
				continue
			}
		}
		return nil, fmt.Errorf("ptx: %s argument %d (%s) is a %s, got %T", k.name, i, p.Name, p.Kind, a)
	}
	return vals, nil
}

// launch is the state of one Run.
type launch struct {
	k            *Kernel
	mem          *Memory
	grid, block  Dim3
	args         []uint64
	sharedBase   []uint32 // byte offset of each shared array
	sharedWords  int
	gwriter      map[uint64]int // global byte address -> writing thread, whole launch
	cta          Dim3
	shared       []uint32
	owner        []int32 // per shared word: thread that wrote it since the last barrier, or -1
	reader       []int32 // per shared word: thread that read it since the last barrier, -1 none, -2 several
	blockThreads int
}

func (l *launch) layoutShared() {
	off := uint32(sharedGuard)
	for _, s := range l.k.shared {
		l.sharedBase = append(l.sharedBase, off)
		// Every array starts 16-byte aligned, as the PTX declares them
		// (.align 16), so that v4 accesses fault exactly where a GPU's
		// would.
		off = (off + uint32(4*s.Words) + sharedGuard + 15) &^ 15
	}
	l.sharedWords = int(off / 4)
}

// thread is one thread's registers and position.
type thread struct {
	tid   Dim3
	lin   int // linear index within the block
	regs  []uint64
	pc    int
	done  bool
	steps uint64
}

func (l *launch) runBlock(cta Dim3) error {
	l.cta = cta
	n := l.block.count()
	l.blockThreads = n
	l.shared = make([]uint32, l.sharedWords)
	l.owner = make([]int32, l.sharedWords)
	l.reader = make([]int32, l.sharedWords)
	l.resetRace()
	ths := make([]thread, n)
	regs := make([]uint64, n*len(l.k.regs))
	for i := range ths {
		b := l.block
		ths[i] = thread{
			tid:  Dim3{uint32(i) % b.X, uint32(i) / b.X % b.Y, uint32(i) / (b.X * b.Y)},
			lin:  i,
			regs: regs[i*len(l.k.regs) : (i+1)*len(l.k.regs)],
		}
	}
	for {
		for i := range ths {
			if !ths[i].done {
				if err := l.step(&ths[i]); err != nil {
					return fmt.Errorf("thread (%d,%d,%d): %w", ths[i].tid.X, ths[i].tid.Y, ths[i].tid.Z, err)
				}
			}
		}
		// Every live thread now waits at a barrier; all must wait at the same one.
		bar := -1
		for i := range ths {
			if ths[i].done {
				continue
			}
			if bar >= 0 && ths[i].pc != bar {
				return fmt.Errorf("threads wait at different barriers (instructions %d and %d)", bar, ths[i].pc)
			}
			bar = ths[i].pc
		}
		if bar < 0 {
			return nil
		}
		for i := range ths {
			ths[i].pc++
		}
		l.resetRace()
	}
}

func (l *launch) resetRace() {
	for i := range l.owner {
		l.owner[i] = -1
		l.reader[i] = -1
	}
}
