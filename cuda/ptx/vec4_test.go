package ptx

import (
	"strings"
	"testing"
)

// vecReverseKernel has each of 8 threads move four words with every v4
// access: ld.global.v4 of its quad of in (at word 4·tid + skew), st.shared.v4
// into the shared array, and after a barrier ld.shared.v4 of the quad
// that thread 7-tid wrote, st.global.v4 to its quad of out (at word
// 4·tid + skew). A skew that is not a multiple of 4 misaligns the global
// accesses; sharedSkew (words) misaligns the shared ones.
func vecReverseKernel() *Kernel {
	b := New("vec_reverse")
	out, in := b.ParamPtr("out"), b.ParamPtr("in")
	skew, sharedSkew := b.ParamU32("skew"), b.ParamU32("shared_skew")
	b.Shared("pad", 3) // three words: the next array still starts 16-byte aligned
	sh := b.Shared("buf", 36)
	tid := b.Tid(X)
	g := b.AddU32(b.ShlU32(tid, ImmU32(2)), skew)
	v := b.LdGlobalV4F32(b.Index4(in, g), 0)
	shOff := b.ShlU32(b.AddU32(b.ShlU32(tid, ImmU32(2)), sharedSkew), ImmU32(2))
	b.StSharedV4F32(b.AddU32(sh, shOff), 0, v)
	b.Bar()
	rev := b.AddU32(b.ShlU32(b.SubU32(ImmU32(7), tid), ImmU32(2)), sharedSkew)
	var w [4]F32
	for i := range w {
		w[i] = b.NewF32()
	}
	b.LdSharedV4F32To(w, b.AddU32(sh, b.ShlU32(rev, ImmU32(2))), 0)
	b.StGlobalV4F32(b.Index4(out, g), 16, w) // the offset is in bytes: one quad on
	return b.Build()
}

func vecKernels() []*Kernel { return []*Kernel{vecReverseKernel()} }

func TestV4LoadsAndStores(t *testing.T) {
	var m Memory
	src := make([]float32, 36)
	for i := range src {
		src[i] = float32(100 + i)
	}
	in := m.AllocF32(src)
	for _, skew := range []uint32{0, 4} {
		for _, sharedSkew := range []uint32{0, 4} {
			out := m.Alloc(40)
			if err := vecReverseKernel().Run(&m, D1(1), D1(8), out, in, skew, sharedSkew); err != nil {
				t.Fatalf("skew %d, shared skew %d: %v", skew, sharedSkew, err)
			}
			got := m.ReadF32(out)
			for tid := range 8 {
				for i := range 4 {
					o := 4*tid + int(skew) + 4 + i
					want := src[4*(7-tid)+int(skew)+i]
					if got[o] != want {
						t.Fatalf("skew %d, shared skew %d: out[%d] = %g, want %g", skew, sharedSkew, o, got[o], want)
					}
				}
			}
		}
	}
}

func TestV4Misaligned(t *testing.T) {
	var m Memory
	in := m.AllocF32(make([]float32, 64))
	out := m.Alloc(64)
	for _, c := range []struct {
		skew, sharedSkew uint32
		want             string
	}{
		{1, 0, "(ld.global.v4.f32): global address"},
		{2, 0, "(ld.global.v4.f32): global address"},
		{3, 0, "(ld.global.v4.f32): global address"},
		{0, 1, "(st.shared.v4.f32): shared address"},
		{0, 2, "(st.shared.v4.f32): shared address"},
	} {
		err := vecReverseKernel().Run(&m, D1(1), D1(8), out, in, c.skew, c.sharedSkew)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "not 16-byte aligned") {
			t.Errorf("skew %d, shared skew %d: err = %v, want a misaligned %s", c.skew, c.sharedSkew, err, c.want)
		}
	}
	// A misaligned vector store faults before writing anything.
	b := New("st_mis")
	p := b.ParamPtr("p")
	one := b.MovF32(ImmF32(1))
	b.StGlobalV4F32(p, 8, [4]F32{one, one, one, one})
	dst := m.Alloc(8)
	if err := b.Build().Run(&m, D1(1), D1(1), dst); err == nil || !strings.Contains(err.Error(), "st.global.v4.f32") ||
		!strings.Contains(err.Error(), "not 16-byte aligned") {
		t.Errorf("st.global.v4 at byte 8: err = %v, want a misaligned access", err)
	}
	for i, v := range m.ReadF32(dst) {
		if v != 0 {
			t.Errorf("word %d = %g after a faulting store, want 0", i, v)
		}
	}
}

func TestV4PastTheEnd(t *testing.T) {
	var m Memory
	// 30 words: the last thread's quad (28..31) runs off the end.
	in := m.AllocF32(make([]float32, 30))
	out := m.Alloc(64)
	err := vecReverseKernel().Run(&m, D1(1), D1(8), out, in, uint32(0), uint32(0))
	if err == nil || !strings.Contains(err.Error(), "past the end") {
		t.Fatalf("err = %v, want a load past the end", err)
	}
	// A store that runs off the end writes none of its words.
	b := New("st_end")
	p := b.ParamPtr("p")
	one := b.MovF32(ImmF32(1))
	b.StGlobalV4F32(p, 16, [4]F32{one, one, one, one})
	dst := m.Alloc(6)
	if err := b.Build().Run(&m, D1(1), D1(1), dst); err == nil || !strings.Contains(err.Error(), "past the end") {
		t.Fatalf("err = %v, want a store past the end", err)
	}
	for i, v := range m.ReadF32(dst) {
		if v != 0 {
			t.Errorf("word %d = %g after a faulting store, want 0", i, v)
		}
	}
}

func TestV4SharedRace(t *testing.T) {
	// Thread 1 reads, with no barrier, the quad that thread 0 wrote.
	b := New("v4_race")
	sh := b.Shared("buf", 8)
	tid := b.Tid(X)
	one := b.MovF32(ImmF32(1))
	b.StSharedV4F32(b.AddU32(sh, b.ShlU32(tid, ImmU32(4))), 0, [4]F32{one, one, one, one})
	b.LdSharedV4F32(b.AddU32(sh, b.ShlU32(b.SubU32(ImmU32(1), tid), ImmU32(4))), 0)
	var m Memory
	if err := b.Build().Run(&m, D1(1), D1(2)); err == nil || !strings.Contains(err.Error(), "no barrier") {
		t.Fatalf("err = %v, want a shared race", err)
	}
}

func TestV4Emit(t *testing.T) {
	text := vecReverseKernel().PTX()
	for _, re := range []string{
		"\tld.global.v4.f32 {%f0, %f1, %f2, %f3}, [%rd",
		"\tst.shared.v4.f32 [%r",
		"], {%f0, %f1, %f2, %f3};\n",
		"\tld.shared.v4.f32 {%f4, %f5, %f6, %f7}, [%r",
		"+16], {%f4, %f5, %f6, %f7};\n",
		"\tst.global.v4.f32 [%rd",
		".shared .align 16 .b8 vec_reverse_buf[144];",
	} {
		if !strings.Contains(text, re) {
			t.Errorf("PTX lacks %q:\n%s", re, text)
		}
	}
}

func TestV4BuilderMisuse(t *testing.T) {
	b := New("misuse")
	p := b.ParamPtr("p")
	f := b.NewF32()
	if msg := panics(func() { b.LdGlobalV4F32To([4]F32{f, b.NewF32(), f, b.NewF32()}, p, 0) }); !strings.Contains(msg, "distinct") {
		t.Errorf("repeated destination: panic %q", msg)
	}
	if msg := panics(func() { b.StGlobalV4F32(p, 0, [4]F32{f, f, ImmF32(1), f}) }); !strings.Contains(msg, "register") {
		t.Errorf("immediate source: panic %q", msg)
	}
}
