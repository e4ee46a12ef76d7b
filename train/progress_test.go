package train

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgressSilentUnlessTerminalOrForced: a buffer is no terminal, so
// the bar stays silent there unless forced; a nil writer is always silent.
func TestProgressSilentUnlessTerminalOrForced(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf, "sift", 3)
	for range 3 {
		p.Step()
	}
	p.Done()
	if buf.Len() != 0 {
		t.Errorf("unforced bar wrote to a non-terminal: %q", buf.String())
	}
	q := NewProgress(nil, "sift", 2).Force(true)
	q.StepLoss(1)
	q.Done() // must not panic
}

// TestProgressForcedDrawsCountUnitAndErases: the forced bar shows the
// final count, the unit's rate and the note, and erases itself at the end.
func TestProgressForcedDrawsCountUnitAndErases(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf, "diagnose", 2).Force(true).Unit("class")
	p.StepNote("cat")
	p.StepNote("dog")
	p.Done()
	out := buf.String()
	for _, want := range []string{"\rdiagnose [", "2/2  dog", "class/", "ETA", "\r\033[K"} {
		if !strings.Contains(out, want) {
			t.Errorf("bar lacks %q:\n%q", want, out)
		}
	}
	if !strings.Contains(out, "[==============================]") {
		t.Errorf("bar not full at the last step:\n%q", out)
	}
}

// TestProgressSlowUnitsShowSecondsEach: under one unit a second the rate
// reads as seconds per unit rather than 0.0 units a second.
func TestProgressSlowUnitsShowSecondsEach(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf, "diagnose", 4).Force(true).Unit("class")
	p.began = time.Now().Add(-5 * time.Second)
	p.Step()
	if out := buf.String(); !strings.Contains(out, " s/class") || strings.Contains(out, "0.0 class/s") {
		t.Errorf("slow rate not shown as seconds per class: %q", out)
	}
}
