package optim

import (
	"math"
	"sort"
)

// Schedule gives the learning rate of an epoch (0-based) as a pure
// function of it.
type Schedule interface {
	LR(epoch int) float64
}

// Constant keeps the base rate.
type Constant struct{ Base float64 }

// LR implements Schedule.
func (c Constant) LR(int) float64 { return c.Base }

// StepLR multiplies the rate by Gamma every Step epochs.
type StepLR struct {
	Base, Gamma float64
	Step        int
}

// LR implements Schedule.
func (s StepLR) LR(e int) float64 { return s.Base * math.Pow(s.Gamma, float64(e/s.Step)) }

// MultiStepLR multiplies the rate by Gamma at each milestone epoch.
type MultiStepLR struct {
	Base, Gamma float64
	Milestones  []int
}

// LR implements Schedule.
func (m MultiStepLR) LR(e int) float64 {
	ms := append([]int(nil), m.Milestones...)
	sort.Ints(ms)
	n := sort.SearchInts(ms, e+1) // milestones ≤ e
	return m.Base * math.Pow(m.Gamma, float64(n))
}

// CosineAnnealingLR follows half a cosine from Base to Min over TMax
// epochs (PyTorch's closed form).
type CosineAnnealingLR struct {
	Base, Min float64
	TMax      int
}

// LR implements Schedule.
func (c CosineAnnealingLR) LR(e int) float64 {
	return c.Min + (c.Base-c.Min)*(1+math.Cos(math.Pi*float64(e)/float64(c.TMax)))/2
}

// Warmup scales Then's rate linearly from StartFactor to 1 over the first
// Epochs epochs (PyTorch's LinearLR chained before another schedule).
type Warmup struct {
	Epochs      int
	StartFactor float64
	Then        Schedule
}

// LR implements Schedule.
func (w Warmup) LR(e int) float64 {
	f := 1.0
	if e < w.Epochs {
		f = w.StartFactor + (1-w.StartFactor)*float64(e)/float64(w.Epochs)
	}
	return f * w.Then.LR(e)
}
