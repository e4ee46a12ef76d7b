package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

func (t *Trainer) checkpointPath() string {
	return filepath.Join(t.Opts.Dir, t.Opts.Name+".checkpoint.safetensors")
}

func (t *Trainer) weightsPath() string {
	return filepath.Join(t.Opts.Dir, t.Opts.Name+".safetensors")
}

// WeightsPath is where Run leaves the final weights.
func (t *Trainer) WeightsPath() string { return t.weightsPath() }

// saveCheckpoint writes model, optimizer state, epoch and history in one
// safetensors file, atomically: a kill during the write leaves the
// previous checkpoint intact.
func (t *Trainer) saveCheckpoint(epoch int) error {
	if err := os.MkdirAll(t.Opts.Dir, 0o755); err != nil {
		return err
	}
	var entries []nn.StateEntry
	for _, e := range nn.StateDict(t.Model) {
		e.Name = "model." + e.Name
		entries = append(entries, e)
	}
	for k, v := range t.Opt.State() {
		entries = append(entries, nn.StateEntry{Name: "optim." + k, Tensor: v})
	}
	hist, err := json.Marshal(t.History)
	if err != nil {
		return err
	}
	meta := map[string]string{"epoch": strconv.Itoa(epoch), "history": string(hist), "name": t.Opts.Name}
	return nn.SaveSafetensors(t.checkpointPath(), entries, meta)
}

// loadCheckpoint restores the state saved by saveCheckpoint. ok is false
// when there is no checkpoint.
func (t *Trainer) loadCheckpoint() (epoch int, ok bool, err error) {
	path := t.checkpointPath()
	tensors, meta, err := nn.ReadSafetensors(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	epoch, err = strconv.Atoi(meta["epoch"])
	if err != nil {
		return 0, false, fmt.Errorf("%s: bad epoch %q in metadata", path, meta["epoch"])
	}
	model := map[string]*tensor.Tensor{}
	opt := map[string]*tensor.Tensor{}
	for k, v := range tensors {
		switch {
		case strings.HasPrefix(k, "model."):
			model[strings.TrimPrefix(k, "model.")] = v
		case strings.HasPrefix(k, "optim."):
			opt[strings.TrimPrefix(k, "optim.")] = v
		}
	}
	if _, err := nn.LoadState(t.Model, model, true); err != nil {
		return 0, false, fmt.Errorf("%s: %w", path, err)
	}
	if err := t.Opt.LoadState(opt); err != nil {
		return 0, false, fmt.Errorf("%s: %w", path, err)
	}
	t.History = nil
	if err := json.Unmarshal([]byte(meta["history"]), &t.History); err != nil {
		return 0, false, fmt.Errorf("%s: bad history in metadata: %v", path, err)
	}
	return epoch, true, nil
}
