package ptx

import (
	"strings"
	"testing"
)

// reverseKernel reverses each block's 8-element chunk through shared
// memory; withBar false drops the barrier between the write and the read.
func reverseKernel(withBar bool) *Kernel {
	b := New("reverse")
	out, in := b.ParamPtr("out"), b.ParamPtr("in")
	sh := b.Shared("buf", 8)
	tid := b.Tid(X)
	g := b.MadU32(b.Ctaid(X), b.Ntid(X), tid)
	b.StSharedF32(b.AddU32(sh, b.ShlU32(tid, ImmU32(2))), 0, b.LdGlobalF32(b.Index4(in, g), 0))
	if withBar {
		b.Bar()
	}
	rev := b.SubU32(ImmU32(7), tid)
	v := b.LdSharedF32(b.AddU32(sh, b.ShlU32(rev, ImmU32(2))), 0)
	b.StGlobalF32(b.Index4(out, g), 0, v)
	return b.Build()
}

func TestRunSharedMemoryAndBarrier(t *testing.T) {
	var m Memory
	in := m.AllocF32([]float32{0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17})
	out := m.Alloc(16)
	if err := reverseKernel(true).Run(&m, D1(2), D1(8), out, in); err != nil {
		t.Fatal(err)
	}
	want := []float32{7, 6, 5, 4, 3, 2, 1, 0, 17, 16, 15, 14, 13, 12, 11, 10}
	got := m.ReadF32(out)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("out = %v, want %v", got, want)
		}
	}
}

func TestRunCatchesMissingBarrier(t *testing.T) {
	var m Memory
	in := m.AllocF32(make([]float32, 8))
	out := m.Alloc(8)
	err := reverseKernel(false).Run(&m, D1(1), D1(8), out, in)
	if err == nil || !strings.Contains(err.Error(), "no barrier between") {
		t.Fatalf("err = %v, want a shared-memory race", err)
	}
}

func TestRunCatchesOutOfBounds(t *testing.T) {
	var m Memory
	in := m.AllocF32(make([]float32, 8))
	out := m.Alloc(7) // one short
	err := reverseKernel(true).Run(&m, D1(1), D1(8), out, in)
	if err == nil || !strings.Contains(err.Error(), "past the end") {
		t.Fatalf("err = %v, want an out-of-bounds store", err)
	}
}

func TestRunCatchesSharedOverrun(t *testing.T) {
	b := New("overrun")
	sh := b.Shared("a", 4)
	b.Shared("b", 4)
	b.StSharedF32(sh, 16, ImmF32(1)) // word 4 of a 4-word array
	err := b.Build().Run(&Memory{}, D1(1), D1(1))
	if err == nil || !strings.Contains(err.Error(), "outside every shared array") {
		t.Fatalf("err = %v, want a shared overrun", err)
	}
}

func TestRunCatchesGlobalWriteRace(t *testing.T) {
	b := New("race")
	out := b.ParamPtr("out")
	b.StGlobalF32(out, 0, ImmF32(1)) // every thread writes word 0
	var m Memory
	p := m.Alloc(1)
	err := b.Build().Run(&m, D1(1), D1(2), p)
	if err == nil || !strings.Contains(err.Error(), "written by threads") {
		t.Fatalf("err = %v, want a global write race", err)
	}
}

func TestRunCatchesDivergentBarriers(t *testing.T) {
	b := New("diverge")
	odd := b.SetpU32(EQ, b.AndU32(b.Tid(X), ImmU32(1)), ImmU32(1))
	other := b.NewLabel()
	b.BraIf(odd, other)
	b.Bar()
	b.Ret()
	b.Place(other)
	b.Bar()
	err := b.Build().Run(&Memory{}, D1(1), D1(4))
	if err == nil || !strings.Contains(err.Error(), "different barriers") {
		t.Fatalf("err = %v, want divergent barriers", err)
	}
}

func TestRunCatchesEndlessLoop(t *testing.T) {
	defer func(old uint64) { maxSteps = old }(maxSteps)
	maxSteps = 1000
	b := New("forever")
	top := b.NewLabel()
	b.Place(top)
	b.Bra(top)
	err := b.Build().Run(&Memory{}, D1(1), D1(1))
	if err == nil || !strings.Contains(err.Error(), "ran more than 1000") {
		t.Fatalf("err = %v, want the step bound", err)
	}
}

func TestRunChecksArguments(t *testing.T) {
	k := reverseKernel(true)
	var m Memory
	p := m.Alloc(8)
	if err := k.Run(&m, D1(1), D1(8), p); err == nil {
		t.Fatal("missing argument accepted")
	}
	if err := k.Run(&m, D1(1), D1(8), p, uint32(3)); err == nil || !strings.Contains(err.Error(), "is a ptr") {
		t.Fatalf("err = %v, want a type error", err)
	}
}

func TestSpecialRegistersCoverGridAndBlock(t *testing.T) {
	b := New("ids")
	out := b.ParamPtr("out")
	// Linear id over a 2-d grid of 2-d blocks.
	bx, by := b.Ntid(X), b.Ntid(Y)
	tidLin := b.MadU32(b.Tid(Y), bx, b.Tid(X))
	blk := b.MadU32(b.Ctaid(Y), b.Nctaid(X), b.Ctaid(X))
	g := b.MadU32(blk, b.MulU32(bx, by), tidLin)
	b.StGlobalF32(b.Index4(out, g), 0, ImmF32(1))
	var m Memory
	p := m.Alloc(3 * 2 * 4 * 5)
	if err := b.Build().Run(&m, Dim3{3, 2, 1}, Dim3{4, 5, 1}, p); err != nil {
		t.Fatal(err)
	}
	for i, v := range m.ReadF32(p) {
		if v != 1 {
			t.Fatalf("word %d not written", i)
		}
	}
}
