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
		return fmt.Errorf("checkpoint directory: %w", err)
	}
	var entries []nn.StateEntry
	// A model on a device is copied to the host for the write (the
	// optimizer's State is on the host already).
	for _, e := range nn.HostCopy(nn.StateDict(t.Model)) {
		e.Name = "model." + e.Name
		entries = append(entries, e)
	}
	for k, v := range t.Opt.State() {
		entries = append(entries, nn.StateEntry{Name: "optim." + k, Tensor: v})
	}
	hist, err := json.Marshal(t.History)
	if err != nil {
		return fmt.Errorf("%s: history: %v", t.checkpointPath(), err)
	}
	meta := map[string]string{"epoch": strconv.Itoa(epoch), "history": string(hist), "name": t.Opts.Name,
		"epochs": strconv.Itoa(t.Opts.Epochs), "seed": strconv.FormatUint(t.Opts.Seed, 10)}
	if t.Opts.Provenance != nil {
		p, err := json.Marshal(t.Opts.Provenance)
		if err != nil {
			return err
		}
		meta["provenance"] = string(p)
	}
	return nn.SaveSafetensors(t.checkpointPath(), entries, meta)
}

// weightsMetadata is the final weights file's metadata: PyTorch's format
// tag and, when known, what produced the weights.
func (t *Trainer) weightsMetadata() map[string]string {
	meta := map[string]string{"format": "pt"}
	if t.Opts.Provenance != nil {
		if p, err := json.Marshal(t.Opts.Provenance); err == nil {
			meta["provenance"] = string(p)
		}
	}
	return meta
}

func (t *Trainer) provenancePath() string {
	return filepath.Join(t.Opts.Dir, t.Opts.Name+".provenance.json")
}

// ProvenancePath is where Run records what produced the run.
func (t *Trainer) ProvenancePath() string { return t.provenancePath() }

// startOutputs prepares Dir before the first epoch of this Run: a run
// that starts from scratch removes the final weights and metrics an
// earlier run of the same name left, which must not pass for this run's
// while it trains; and the provenance of the run is written first, so the
// files beside it are never described by an older record.
func (t *Trainer) startOutputs(start int) error {
	if t.Opts.Dir == "" {
		return nil
	}
	if err := os.MkdirAll(t.Opts.Dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	if start == 0 {
		for _, p := range []string{t.weightsPath(), t.metricsPath()} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if t.Opts.Provenance == nil {
		return nil
	}
	return WriteProvenance(t.provenancePath(), t.Opts.Provenance)
}

// checkResumable refuses to continue a checkpoint made with other
// settings: a resumed run must be the run that was interrupted.
func (t *Trainer) checkResumable(meta map[string]string) error {
	path := t.checkpointPath()
	if v, ok := meta["seed"]; ok && v != strconv.FormatUint(t.Opts.Seed, 10) {
		return fmt.Errorf("%s: made with seed %s; resume with --seed %s or start a new run", path, v, v)
	}
	raw, ok := meta["provenance"]
	if !ok || t.Opts.Provenance == nil {
		return nil
	}
	var was Provenance
	if err := json.Unmarshal([]byte(raw), &was); err != nil {
		return fmt.Errorf("%s: bad provenance in metadata: %v", path, err)
	}
	if changed := t.Opts.Provenance.Changed(&was); len(changed) > 0 {
		return fmt.Errorf("%s: made with other settings: %s; resume with the same ones or start a new run in another --out", path, strings.Join(changed, ", "))
	}
	return nil
}

// loadCheckpoint restores the state saved by saveCheckpoint. ok is false
// when there is no checkpoint. Everything is checked before anything is
// restored: a checkpoint that cannot be resumed from (malformed, from
// another model or optimizer, with inconsistent metadata) is an error
// naming the file, and leaves the model, optimizer and history as they
// were.
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
	if err != nil || epoch < 0 {
		return 0, false, fmt.Errorf("%s: bad epoch %q in metadata", path, meta["epoch"])
	}
	// The seed decides data order, augmentation and dropout from here on;
	// the provenance (when the caller records one) everything else. A
	// different epoch count alone is allowed here, to extend a run with a
	// schedule that does not depend on it; the command line records the
	// epochs in its provenance and so refuses a change.
	if err := t.checkResumable(meta); err != nil {
		return 0, false, err
	}
	var hist []EpochRecord
	if err := json.Unmarshal([]byte(meta["history"]), &hist); err != nil {
		return 0, false, fmt.Errorf("%s: bad history in metadata: %v", path, err)
	}
	if len(hist) != epoch {
		return 0, false, fmt.Errorf("%s: metadata says epoch %d but its history has %d epochs", path, epoch, len(hist))
	}
	model := map[string]*tensor.Tensor{}
	opt := map[string]*tensor.Tensor{}
	for k, v := range tensors {
		switch {
		case strings.HasPrefix(k, "model."):
			model[strings.TrimPrefix(k, "model.")] = v
		case strings.HasPrefix(k, "optim."):
			opt[strings.TrimPrefix(k, "optim.")] = v
		default:
			return 0, false, fmt.Errorf("%s: tensor %q is neither model.* nor optim.*", path, k)
		}
	}
	// LoadState checks every tensor before copying any; the optimizer may
	// fail half-way, so its state and the model's are put back then.
	savedModel := cloneState(nn.StateDict(t.Model))
	savedOpt := t.Opt.State()
	restore := func() {
		if _, err := nn.LoadState(t.Model, stateMap(savedModel), true); err != nil {
			panic(err) // the model's own state always fits it
		}
		if err := t.Opt.LoadState(savedOpt); err != nil {
			panic(err)
		}
	}
	if _, err := nn.LoadState(t.Model, model, true); err != nil {
		return 0, false, fmt.Errorf("%s: %w", path, err)
	}
	if err := t.Opt.LoadState(opt); err != nil {
		restore()
		return 0, false, fmt.Errorf("%s: %w", path, err)
	}
	// An optimizer ignores entries it does not know (another optimizer's
	// state): what it holds now must be exactly what the file had, or the
	// resumed run would silently differ from an uninterrupted one.
	if err := sameKeys(t.Opt.State(), opt); err != nil {
		restore()
		return 0, false, fmt.Errorf("%s: optimizer state does not fit this optimizer: %v", path, err)
	}
	t.History = hist
	return epoch, true, nil
}

func cloneState(entries []nn.StateEntry) []nn.StateEntry {
	out := make([]nn.StateEntry, len(entries))
	for i, e := range entries {
		e.Tensor = e.Tensor.Clone()
		out[i] = e
	}
	return out
}

func stateMap(entries []nn.StateEntry) map[string]*tensor.Tensor {
	m := make(map[string]*tensor.Tensor, len(entries))
	for _, e := range entries {
		m[e.Name] = e.Tensor
	}
	return m
}

// sameKeys says which names only one of have and want holds.
func sameKeys(have, want map[string]*tensor.Tensor) error {
	var extra, missing []string
	for _, k := range sortedKeys(want) {
		if _, ok := have[k]; !ok {
			extra = append(extra, "optim."+k)
		}
	}
	for _, k := range sortedKeys(have) {
		if _, ok := want[k]; !ok {
			missing = append(missing, "optim."+k)
		}
	}
	switch {
	case len(extra) > 0 && len(missing) > 0:
		return fmt.Errorf("unexpected %s; missing %s", strings.Join(extra, ", "), strings.Join(missing, ", "))
	case len(extra) > 0:
		return fmt.Errorf("unexpected %s", strings.Join(extra, ", "))
	case len(missing) > 0:
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return nil
}

func (t *Trainer) metricsPath() string {
	return filepath.Join(t.Opts.Dir, t.Opts.Name+".metrics.jsonl")
}
