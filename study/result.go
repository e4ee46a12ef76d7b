package study

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/modeldoctor/modeldoctor/nn"
)

// Epoch is one epoch of a run: accuracy on the validation split and on the
// test split (top-1, in [0, 1]).
type Epoch struct {
	Epoch int     `json:"epoch"`
	Val   float64 `json:"val"`
	Test  float64 `json:"test"`
}

// Run is one fine-tuning run of a cell: an arm at a learning rate.
type Run struct {
	// Arm is "control" (cross-entropy only), "md" (Model Doctor), or one
	// of the optional arms: "noise" (cross-entropy with feature noise) and
	// "scratch-md" (Model Doctor from the random initialisation).
	Arm   string  `json:"arm"`
	Alpha float64 `json:"alpha,omitempty"`
	LR    float64 `json:"lr"`
	// Epochs holds every epoch's validation and test accuracy.
	Epochs []Epoch `json:"epochs"`
	// Selected is the epoch chosen on validation; SelectedCorrect says
	// which test images its model classified correctly (a bitmap, see
	// train.DecodeCorrect), for McNemar's test between two runs.
	Selected        int    `json:"selected_epoch"`
	SelectedCorrect string `json:"selected_test_correct"`
	// Diverged says why the run stopped early (a NaN or infinite loss or
	// gradient); Epochs then holds the epochs it finished, possibly none.
	Diverged string `json:"diverged,omitempty"`
}

// Name identifies a run within its cell.
func (r Run) Name() string {
	switch r.Arm {
	case "control", "noise":
		return fmt.Sprintf("%s-lr%g", r.Arm, r.LR)
	case "scratch-md":
		return fmt.Sprintf("scratch-md-a%g", r.Alpha)
	}
	return fmt.Sprintf("md-a%g-lr%g", r.Alpha, r.LR)
}

// Result is a cell's result file: everything the tables need, and nothing
// that depends on when or how fast it ran (timings are in Timing), so an
// interrupted and resumed cell writes the same bytes as an uninterrupted
// one.
type Result struct {
	Plan     string   `json:"plan"`
	Cell     Cell     `json:"cell"`
	Protocol Protocol `json:"protocol"`
	// Pretrain is the pre-training curve; its last epoch is arm (a), the
	// model before any fine-tuning, whose test correctness is
	// PretrainCorrect.
	Pretrain        []Epoch `json:"pretrain"`
	PretrainCorrect string  `json:"pretrain_test_correct"`
	TestImages      int     `json:"test_images"`
	// Sparsity is the mean fraction of the doctor layer's channels in a
	// class's mask, before treatment.
	Sparsity float64 `json:"mask_sparsity"`
	Runs     []Run   `json:"runs"`
}

// Timing is a cell's timings, kept apart from its result: seconds of
// training (no evaluation) per epoch, by run name, and for pre-training.
type Timing struct {
	Cell         Cell               `json:"cell"`
	Pretrain     float64            `json:"pretrain_train_seconds_per_epoch"`
	RunsPerEpoch map[string]float64 `json:"train_seconds_per_epoch"`
	WallSeconds  float64            `json:"wall_seconds"`
	CPU          string             `json:"cpu,omitempty"`
	// Device is where the cell trained when not on the CPU ("cuda:0").
	Device        string  `json:"device,omitempty"`
	Version       string  `json:"version,omitempty"`
	GOMAXPROCS    int     `json:"gomaxprocs"`
	TreatVsPlain  float64 `json:"treat_vs_plain_step_time"`
	ControlSource string  `json:"control_run"`
}

// ResultPath is where a cell's result lies in dir.
func ResultPath(dir string, c Cell) string { return filepath.Join(dir, c.ID()+".json") }

// TimingPath is where a cell's timings lie in dir.
func TimingPath(dir string, c Cell) string { return filepath.Join(dir, c.ID()+".timing.json") }

// WriteJSON writes v as indented JSON to path, atomically.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, append(b, '\n'))
}

// ReadResult reads a cell's result file.
func ReadResult(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: not a cell result: %v", path, err)
	}
	if len(r.Runs) == 0 || len(r.Pretrain) == 0 {
		return nil, fmt.Errorf("%s: a cell result without runs or pre-training", path)
	}
	return &r, nil
}

// ReadResults reads every cell result (*.json but not *.timing.json) in
// dir, in file-name order.
func ReadResults(dir string) ([]*Result, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []*Result
	for _, n := range names {
		if strings.HasSuffix(n, ".timing.json") {
			continue
		}
		r, err := ReadResult(n)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Matches reports whether a result file was made for cell c of plan p
// under p's protocol: a finished cell is skipped only then.
func (r *Result) Matches(p *Plan, c Cell) bool {
	a, _ := json.Marshal(r.Protocol)
	b, _ := json.Marshal(p.Protocol)
	return r.Plan == p.Name && r.Cell == c && string(a) == string(b)
}
