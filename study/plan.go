package study

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/modeldoctor/modeldoctor/nn"
)

// Protocol is what every cell of a plan does.
type Protocol struct {
	// Pre-training: SGD with momentum, cosine schedule from PretrainLR.
	PretrainEpochs int     `json:"pretrain_epochs"`
	PretrainLR     float64 `json:"pretrain_lr"`
	// Fine-tuning: every arm runs FinetuneEpochs from the pre-trained
	// weights at each learning rate PretrainLR × LRFactors[i] (1 is the
	// authors' restart at the pre-training rate), cosine schedule.
	FinetuneEpochs int       `json:"finetune_epochs"`
	LRFactors      []float64 `json:"lr_factors"`
	// Alphas is the grid of the channel constraint's weight.
	Alphas      []float64 `json:"alphas"`
	Momentum    float64   `json:"momentum"`
	WeightDecay float64   `json:"weight_decay"`
	Batch       int       `json:"batch"`
	Size        int       `json:"size"`
	// ValFraction of the training split is held out, stratified by class,
	// for every choice (1/12: 5,000 of Fashion-MNIST's 60,000).
	ValFraction float64 `json:"val_fraction"`
	// Limit, when positive, keeps a stratified subset of the training
	// split, drawn per seed (tests, quick looks, and plans whose models
	// cannot afford the whole split; the tables say so).
	Limit int `json:"limit,omitempty"`
	// The doctor: images per class to diagnose from, to annotate, and the
	// mask threshold.
	N     int     `json:"n"`
	NLow  int     `json:"n_low"`
	Theta float64 `json:"theta"`
	// Optional arms. FeatureNoise, when positive, adds a cross-entropy run
	// per learning rate with N(0, FeatureNoise²) noise added to the doctor
	// layer's output (the authors' early hook). Scratch adds the released
	// code's treatment: Model Doctor at the authors' α from the same
	// random initialisation, for as long as pre-training, compared with
	// pre-training itself (a cross-entropy run from scratch of equal
	// length, same seed and data order).
	FeatureNoise float64 `json:"feature_noise,omitempty"`
	Scratch      bool    `json:"scratch,omitempty"`
}

// Pretraining is the cell's number of pre-training epochs: its own
// PretrainEpochs when set, else the protocol's.
func (c Cell) Pretraining(pr Protocol) int {
	if c.PretrainEpochs > 0 {
		return c.PretrainEpochs
	}
	return pr.PretrainEpochs
}

// Runs lists a cell's fine-tuning runs in the order a cell runs them: per
// learning rate, the control, Model Doctor at each α, then the optional
// arms (the from-scratch one once, at the restart rate).
func (p Protocol) Runs() []Run {
	var runs []Run
	for _, f := range p.LRFactors {
		lr := p.LR(f)
		runs = append(runs, Run{Arm: "control", LR: lr})
		for _, a := range p.Alphas {
			runs = append(runs, Run{Arm: "md", Alpha: a, LR: lr})
		}
		if p.FeatureNoise > 0 {
			runs = append(runs, Run{Arm: "noise", LR: lr})
		}
		if p.Scratch && f == 1 {
			runs = append(runs, Run{Arm: "scratch-md", Alpha: AuthorsAlpha(p.Alphas), LR: lr})
		}
	}
	return runs
}

// LR is the fine-tuning learning rate of factor f: the pre-training rate
// times f, rounded to 12 significant digits so that 0.05 × 0.1 reads 0.005
// in names and tables.
func (p Protocol) LR(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(p.PretrainLR*f, 'g', 12, 64), 64)
	return v
}

// DefaultProtocol is the protocol "study plan" starts from.
func DefaultProtocol() Protocol {
	return Protocol{PretrainEpochs: 30, PretrainLR: 0.05, FinetuneEpochs: 10, LRFactors: []float64{1, 0.1},
		Alphas: []float64{0.1, 1, 10}, Momentum: 0.9, WeightDecay: 5e-4, Batch: 128, Size: 32,
		ValFraction: 1.0 / 12, N: 50, NLow: 20, Theta: 0.2}
}

// Cell is one (model, width, data set, seed) of a plan.
type Cell struct {
	Model   string  `json:"model"`
	Width   float64 `json:"width"`
	Dataset string  `json:"dataset"`
	Seed    uint64  `json:"seed"`
	// PretrainEpochs, when positive, overrides the protocol's for this
	// cell (a larger model may need longer to reach its plateau).
	PretrainEpochs int `json:"pretrain_epochs,omitempty"`
}

// ID names the cell in file names: model-wWIDTH-dataset-sSEED.
func (c Cell) ID() string {
	return fmt.Sprintf("%s-w%s-%s-s%d", c.Model, strconv.FormatFloat(c.Width, 'g', -1, 64), fileSafe(c.Dataset), c.Seed)
}

// fileSafe maps what a file name cannot hold (a folder data set's path:
// "folder:/data/x") to underscores; named data sets pass unchanged.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// Group names the cells whose seeds are compared with each other.
func (c Cell) Group() string {
	return fmt.Sprintf("%s (width %s) on %s", c.Model, strconv.FormatFloat(c.Width, 'g', -1, 64), c.Dataset)
}

// Plan is a study: its protocol and its cells, in order (a cell's index in
// Cells is what "study run --cell" takes).
type Plan struct {
	Name     string   `json:"name"`
	Protocol Protocol `json:"protocol"`
	Cells    []Cell   `json:"cells"`
}

// Grid builds the cells of every model × data set × seed, in that order.
// A model is NAME or NAME:WIDTH.
func Grid(models, datasets []string, seeds []uint64) ([]Cell, error) {
	var cells []Cell
	for _, m := range models {
		name, width := m, 1.0
		if n, w, ok := strings.Cut(m, ":"); ok {
			v, err := strconv.ParseFloat(w, 64)
			if err != nil || !(v > 0) {
				return nil, fmt.Errorf("model %q: want NAME or NAME:WIDTH with a positive width", m)
			}
			name, width = n, v
		}
		for _, d := range datasets {
			for _, s := range seeds {
				cells = append(cells, Cell{Model: name, Width: width, Dataset: d, Seed: s})
			}
		}
	}
	return cells, nil
}

// Validate checks the plan's protocol and that cell IDs are unique.
func (p *Plan) Validate() error {
	pr := p.Protocol
	switch {
	case pr.PretrainEpochs < 1 || pr.FinetuneEpochs < 1:
		return fmt.Errorf("pretrain_epochs and finetune_epochs must be at least 1")
	case !(pr.PretrainLR > 0) || len(pr.LRFactors) == 0 || len(pr.Alphas) == 0:
		return fmt.Errorf("pretrain_lr must be positive, lr_factors and alphas non-empty")
	case pr.Batch < 1 || pr.Size < 1 || pr.N < 1 || pr.NLow < 0:
		return fmt.Errorf("batch, size and n must be at least 1, n_low at least 0")
	case !(pr.ValFraction > 0 && pr.ValFraction < 1):
		return fmt.Errorf("val_fraction %g: want a fraction in (0, 1): every choice is made on validation", pr.ValFraction)
	case !(pr.FeatureNoise >= 0) || math.IsInf(pr.FeatureNoise, 0):
		return fmt.Errorf("feature_noise %g: want a standard deviation ≥ 0", pr.FeatureNoise)
	case !(pr.Theta >= 0 && pr.Theta < 1):
		return fmt.Errorf("theta %g: want [0, 1)", pr.Theta)
	case len(p.Cells) == 0:
		return fmt.Errorf("no cells")
	}
	for _, f := range pr.LRFactors {
		if !(f > 0) {
			return fmt.Errorf("lr_factors: %g is not positive", f)
		}
	}
	if !slices.Contains(pr.LRFactors, 1) {
		return fmt.Errorf("lr_factors: include 1, the authors' restart at the pre-training rate (their selection is reported beside ours)")
	}
	for _, a := range pr.Alphas {
		if !(a > 0) {
			return fmt.Errorf("alphas: %g is not positive (α = 0 is the control, which every cell runs)", a)
		}
	}
	seen := map[string]int{}
	pretraining := map[string]int{} // a group's seeds are averaged: one length each
	for i, c := range p.Cells {
		if j, dup := seen[c.ID()]; dup {
			return fmt.Errorf("cells %d and %d are both %s", j, i, c.ID())
		}
		seen[c.ID()] = i
		if n, ok := pretraining[c.Group()]; ok && n != c.Pretraining(pr) {
			return fmt.Errorf("cell %d (%s): pretrain_epochs %d, but another seed of %s has %d: a group's seeds must share one length", i, c.ID(), c.Pretraining(pr), c.Group(), n)
		}
		pretraining[c.Group()] = c.Pretraining(pr)
	}
	return nil
}

// WritePlan writes a plan as indented JSON, atomically.
func WritePlan(path string, p *Plan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, append(b, '\n'))
}

// ReadPlan reads and validates a plan file.
func ReadPlan(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Plan
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: not a study plan: %v", path, err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &p, nil
}
