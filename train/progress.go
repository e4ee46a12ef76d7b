package train

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress draws a live bar with rate and ETA on a terminal; elsewhere it
// stays silent (the per-epoch log line is enough for files and CI logs),
// unless forced on.
type Progress struct {
	w         io.Writer
	label     string
	unit      string
	total, n  int
	began, at time.Time
	note      string
	live      bool
}

// NewProgress returns a bar over total steps of one unit ("batch" until
// Unit says otherwise) that draws on w only when w is a terminal. A nil w
// gives a silent bar, so callers need no nil checks.
func NewProgress(w io.Writer, label string, total int) *Progress {
	return &Progress{w: w, label: label, unit: "batch", total: total, began: time.Now(), live: w != nil && isTerminal(w)}
}

// Force draws the bar even when w is not a terminal (on = true); false
// keeps the terminal detection.
func (p *Progress) Force(on bool) *Progress {
	p.live = p.w != nil && (p.live || on)
	return p
}

// Unit names what one step counts ("batch", "class"), for the rate.
func (p *Progress) Unit(u string) *Progress {
	p.unit = u
	return p
}

// Step counts one unit done.
func (p *Progress) Step() { p.StepNote("") }

// StepLoss counts one unit done and shows the loss of the step.
func (p *Progress) StepLoss(loss float64) {
	p.n++
	if p.due() {
		p.note = fmt.Sprintf("loss %.4f", loss)
		p.draw()
	}
}

// StepNote counts one unit done and shows note after the count.
func (p *Progress) StepNote(note string) {
	p.n++
	if p.due() {
		p.note = note
		p.draw()
	}
}

// due limits redraws to five a second, but always draws the last step.
func (p *Progress) due() bool {
	return p.live && (time.Since(p.at) >= 200*time.Millisecond || p.n >= p.total)
}

func (p *Progress) draw() {
	p.at = time.Now()
	el := max(time.Since(p.began).Seconds(), 1e-9)
	rate := float64(p.n) / el
	eta := time.Duration(float64(p.total-p.n)/rate) * time.Second
	// Slow units (a class of the diagnosis) read better as seconds each.
	speed := fmt.Sprintf("%.1f %s/s", rate, p.unit)
	if rate < 1 {
		speed = fmt.Sprintf("%.1f s/%s", 1/rate, p.unit)
	}
	const width = 30
	fill := width * min(p.n, p.total) / max(p.total, 1)
	note := ""
	if p.note != "" {
		note = "  " + p.note
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d%s  %s  ETA %s ", p.label,
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), p.n, p.total, note, speed, eta.Round(time.Second))
}

// Done erases the bar, leaving the line free for the next message.
func (p *Progress) Done() {
	if p.live {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// newProgress is the trainer's bar: on Options.Log, forced by
// Options.Progress.
func newProgress(o Options, label string, total int) *Progress {
	return NewProgress(o.Log, label, total).Force(o.Progress)
}

// step and done keep the trainer's loop short.
func (p *Progress) step(loss float64) { p.StepLoss(loss) }
func (p *Progress) done()             { p.Done() }
