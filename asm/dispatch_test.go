package asm

import (
	"os"
	"slices"
	"testing"
	"time"
)

func TestUse(t *testing.T) {
	impls := Implementations()
	if len(impls) == 0 || impls[len(impls)-1] != "purego" {
		t.Fatalf("Implementations() = %v, want purego last", impls)
	}
	before, want := Current(), impls[0] // the best, unless $MODELDOCTOR_ASM names another
	if env := os.Getenv(startEnv); slices.Contains(impls, env) {
		want = env
	}
	if before != want {
		t.Fatalf("Current() = %q, want %q", before, want)
	}
	restore, err := Use("purego")
	if err != nil {
		t.Fatal(err)
	}
	if Current() != "purego" {
		t.Fatalf("after Use(purego), Current() = %q", Current())
	}
	restore()
	if Current() != before {
		t.Fatalf("after restore, Current() = %q, want %q", Current(), before)
	}
	if _, err := Use("nonsense"); err == nil {
		t.Fatal("Use(nonsense) succeeded")
	}
}

func TestBlockingDerivation(t *testing.T) {
	for _, c := range []caches{hostCaches, fallbackCaches, {l1: 1, l2: 1, l3: 1}, {l1: 1 << 30, l2: 1 << 30, l3: 1 << 40}} {
		for _, tile := range [][2]int{{14, 32}, {6, 16}, {2, 4}} {
			bs := deriveBlocking(tile[0], tile[1], c)
			if bs.kc < 1 || bs.mc < tile[0] || bs.mc%tile[0] != 0 || bs.nc < tile[1] || bs.nc%tile[1] != 0 {
				t.Errorf("deriveBlocking(%v, %v) = %+v", tile, c, bs)
			}
		}
	}
	for _, k := range []int{1, 7, 192, 193, 1000, 1024, 5000} {
		kc := splitK(k, 192)
		panels := (k + kc - 1) / kc
		if kc > 192 || kc < 1 || (panels-1)*kc >= k {
			t.Errorf("splitK(%d, 192) = %d", k, kc)
		}
	}
}

func TestMeasurePeak(t *testing.T) {
	forEachImpl(t, func(t *testing.T, k *kernel) {
		g := MeasurePeakGFLOPS(1, 20*time.Millisecond)
		if !(g > 0) {
			t.Fatalf("MeasurePeakGFLOPS = %v", g)
		}
		t.Logf("%s: %.1f GFLOP/s per thread", k.name, g)
	})
}

// TestSgemmPanics checks the argument validation the assembly relies on.
func TestSgemmPanics(t *testing.T) {
	buf := make([]float32, 100)
	for name, f := range map[string]func(){
		"negative m":  func() { Sgemm(false, false, -1, 2, 2, 1, buf, 2, buf, 2, 0, buf, 2) },
		"short lda":   func() { Sgemm(false, false, 2, 2, 3, 1, buf, 2, buf, 2, 0, buf, 2) },
		"short A":     func() { Sgemm(false, false, 20, 2, 10, 1, buf, 10, buf, 2, 0, buf, 2) },
		"short ldc":   func() { Sgemm(false, false, 2, 3, 2, 1, buf, 2, buf, 3, 0, buf, 2) },
		"short C":     func() { Sgemm(true, true, 2, 60, 2, 1, buf, 2, buf, 2, 0, buf, 60) },
		"nil source":  func() { SgemmSourceB(1, false, 2, 2, 2, 1, buf, 2, nil, 0, buf, 2) },
		"short trans": func() { Sgemm(true, false, 2, 2, 60, 1, buf, 2, buf, 2, 0, buf, 2) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
