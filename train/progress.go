package train

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a live bar with rate and ETA on a terminal; elsewhere it
// stays silent (the per-epoch log line is enough for files and CI logs).
type progress struct {
	w         io.Writer
	label     string
	total, n  int
	began, at time.Time
	loss      float64
	live      bool
}

func newProgress(o Options, label string, total int) *progress {
	p := &progress{w: o.Log, label: label, total: total, began: time.Now()}
	p.live = o.Log != nil && (o.Progress || isTerminal(o.Log))
	return p
}

func (p *progress) step(loss float64) {
	p.n++
	p.loss = loss
	if !p.live || (time.Since(p.at) < 200*time.Millisecond && p.n < p.total) {
		return
	}
	p.at = time.Now()
	el := time.Since(p.began).Seconds()
	rate := float64(p.n) / el
	eta := time.Duration(float64(p.total-p.n)/rate) * time.Second
	const width = 30
	fill := width * p.n / max(p.total, 1)
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d  loss %.4f  %.1f batch/s  ETA %s ", p.label,
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), p.n, p.total, p.loss, rate, eta.Round(time.Second))
}

func (p *progress) done() {
	if p.live {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
